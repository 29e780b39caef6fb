"""Purposes ("Mục đích", "Mục tiêu") and requirements ("Yêu cầu"): one string per item."""

from __future__ import annotations

from extractors.sections import Placed, items_in
from schemas import Provenance


def _strings(entries: list[Placed]) -> tuple[tuple[str, ...], tuple[Provenance, ...]]:
    texts = [entry.block.text.strip() for entry in entries if entry.block.text.strip()]
    provs = [entry.block.provenance for entry in entries if entry.block.text.strip()]
    return tuple(texts), tuple(provs)


def extract_purposes(placed: list[Placed]) -> tuple[tuple[str, ...], tuple[Provenance, ...]]:
    """Items under Mục đích / Mục tiêu, and under "MỤC ĐÍCH, YÊU CẦU" when it is not split."""
    entries = [
        entry
        for entry in items_in(placed, "purposes")
        if "requirements" not in entry.categories or _unsplit(entry)
    ]
    return _strings(entries)


def extract_requirements(placed: list[Placed]) -> tuple[tuple[str, ...], tuple[Provenance, ...]]:
    """Items under a Yêu cầu heading of their own."""
    entries = [
        entry for entry in items_in(placed, "requirements") if "purposes" not in entry.categories
    ]
    return _strings(entries)


def _unsplit(entry: Placed) -> bool:
    """Whether the entry sits under a heading announcing purposes and requirements together."""
    return "purposes" in entry.categories and "requirements" in entry.categories
