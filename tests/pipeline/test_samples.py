"""The bundled samples read back as their truth: what a new user sees first must be right."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach import DATA_DIR, SAMPLES_DIR
from pipeline.evaluation.metrics import cer, syllable_accuracy
from pipeline.process import read_text, restore_text
from schemas import PipelineSettings

TRUTH_DIR = DATA_DIR / "samples-truth"


def _truth(sample: Path) -> str:
    return (TRUTH_DIR / f"{sample.stem}.txt").read_text("utf-8")


def test_every_sample_has_its_truth_in_its_own_folder() -> None:
    samples = sorted(p.name for p in SAMPLES_DIR.iterdir())
    assert samples == [
        "decree-portal.html",
        "plan-born-digital.pdf",
        "plan-legacy-ocr.txt",
        "plan-scanned.pdf",
        "plan-word.docx",
    ]
    assert all((TRUTH_DIR / f"{Path(name).stem}.txt").is_file() for name in samples)


@pytest.mark.parametrize("name", ["plan-word.docx", "decree-portal.html"])
def test_word_and_portal_samples_read_exactly(name: str) -> None:
    sample = SAMPLES_DIR / name
    assert read_text(sample, PipelineSettings()).text == _truth(sample).rstrip("\n")


def test_born_digital_sample_reads_exactly() -> None:
    sample = SAMPLES_DIR / "plan-born-digital.pdf"
    text = read_text(sample, PipelineSettings()).text
    assert cer(_truth(sample), text) == 0.0


@pytest.mark.slow
def test_scanned_sample_reads_within_two_percent() -> None:
    sample = SAMPLES_DIR / "plan-scanned.pdf"
    text = read_text(sample, PipelineSettings()).text
    assert cer(_truth(sample), text) < 0.02


def test_legacy_sample_is_restored() -> None:
    sample = SAMPLES_DIR / "plan-legacy-ocr.txt"
    settings = PipelineSettings()
    restored = restore_text(read_text(sample, settings), settings).text
    assert syllable_accuracy(_truth(sample), restored) >= 0.97
