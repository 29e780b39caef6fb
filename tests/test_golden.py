"""The bundled samples' outputs, as committed in tests/golden: a change needs a version bump.

``KEHOACH_REGENERATE_GOLDEN=1 pytest tests/test_golden.py`` rewrites them, and only where
``PIPELINE_VERSION`` differs from the one a golden file records: an output that changes without a
bump fails here (stored documents would not be re-extracted). The flag is never set in CI.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from kehoach import PIPELINE_VERSION, REPO_ROOT, SAMPLES_DIR
from pipeline.process import process_file
from schemas import PipelineSettings

GOLDEN_DIR = REPO_ROOT / "tests" / "golden"
FLAG = "KEHOACH_REGENERATE_GOLDEN"
SAMPLES = [
    "plan-born-digital.pdf",
    "plan-legacy-ocr.txt",
    pytest.param("plan-scanned.pdf", marks=pytest.mark.slow),
]


def outputs(sample: Path) -> dict[str, Any]:
    """What the chain gives for one sample: plan, obligations and section headings, as JSON."""
    processed = process_file(sample, PipelineSettings())
    plan = processed.plan.model_copy(update={"source": sample.name})  # not the checkout's path
    return {
        "pipeline_version": PIPELINE_VERSION,
        "plan": plan.model_dump(mode="json"),
        "obligations": [o.model_dump(mode="json") for o in processed.obligations],
        "sections": [s.model_dump(mode="json") for s in processed.sections],
    }


def _text(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_outputs_are_the_golden_ones(name: str) -> None:
    path = GOLDEN_DIR / f"{name}.json"
    found = outputs(SAMPLES_DIR / name)
    golden = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    if os.environ.get(FLAG) == "1":
        if golden is not None and golden != found:
            assert golden["pipeline_version"] != PIPELINE_VERSION, (
                f"{name}: the output changed: bump PIPELINE_VERSION (kehoach/__init__.py) first"
            )
        path.write_text(_text(found), encoding="utf-8")
        return
    assert golden is not None, f"no golden output for {name}: run with {FLAG}=1"
    assert golden["pipeline_version"] == PIPELINE_VERSION, (
        f"{name}: PIPELINE_VERSION changed: run with {FLAG}=1 to record the new outputs"
    )
    for part in ("plan", "obligations", "sections"):
        assert found[part] == golden[part], (
            f"{name}: the {part} changed: bump PIPELINE_VERSION, then run with {FLAG}=1"
        )


def test_the_regeneration_flag_is_off() -> None:
    assert os.environ.get(FLAG) is None, f"{FLAG} rewrites tests/golden: never set it in CI"
