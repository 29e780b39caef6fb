"""What several benchmarks share: the legal corpus as stored, the machine's load, and the CPU of
the processes they start.

On a shared machine a wall time means little without the load it was measured under, so every
benchmark prints ``load_average()`` beside its wall times; CPU seconds (``time.process_time``,
plus ``children_cpu_seconds`` for Tesseract, pdftotext and worker processes) follow the other
users much less.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def load_average() -> str:
    """The 1, 5 and 15-minute load averages as printed beside wall times: "1.9/1.4/1.2"."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def children_cpu_seconds() -> float:
    """User and system CPU seconds of every finished child process of this one so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def corpus_path(shared: Path) -> Path:
    """The legal corpus of ``shared`` (../shared): one JSON record a line, gzipped."""
    return shared / "corpus" / "legal_vi.jsonl.gz"


def corpus_records(shared: Path) -> Iterator[dict[str, Any]]:
    """Every record ("id", "text", ...) of the legal corpus in file order, as stored: for the
    benchmarks that read both sides of the held-out split (``diacritics.text.corpus_documents``
    gives one side, in NFC)."""
    with gzip.open(corpus_path(shared), "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)
