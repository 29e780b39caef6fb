"""Numeric targets: percentages, "ít nhất 03 ...", counts of models or units to reach."""

from __future__ import annotations

import re

from extractors.sections import Placed
from schemas import Target

PERCENT = re.compile(r"(?P<v>\d{1,3}(?:[.,]\d+)?)\s*%")
# Units of two words that a count may name ("ít nhất 02 mô hình"); otherwise the unit is one word.
TWO_WORD_UNITS = (
    "mô hình",
    "đơn vị",
    "cơ quan",
    "cơ sở",
    "doanh nghiệp",
    "sáng kiến",
    "hộ gia đình",
    "gia đình",
    "lượt người",
    "người dân",
    "điểm cầu",
    "tuyên truyền viên",
    "bài viết",
)
AT_LEAST = re.compile(
    r"(?:ít\s+nhất|tối\s+thiểu|không\s+dưới|phấn\s+đấu\s+(?:có|đạt|xây\s+dựng)?)\s+(?P<v>\d{1,5})\s+"
    r"(?P<u>(?!năm\b|tháng\b|ngày\b)(?:" + "|".join(TWO_WORD_UNITS) + r"|[\wÀ-ỹ]+))",
    re.IGNORECASE,
)
SKIP = frozenset({"preamble", "annex", "awards"})


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def targets_in_text(text: str) -> list[tuple[float, str]]:
    """(value, unit) of each numeric target in an item."""
    found = [(_number(m.group("v")), "%") for m in PERCENT.finditer(text)]
    for match in AT_LEAST.finditer(text):
        if "%" not in text[match.end("v") : match.end("v") + 2]:
            found.append((float(match.group("v")), match.group("u").lower()))
    return found


def extract_targets(placed: list[Placed]) -> tuple[Target, ...]:
    """One Target per number in items outside the preamble, awards and annexes."""
    out: list[Target] = []
    for entry in placed:
        if entry.categories & SKIP or entry.heading:
            continue
        text = entry.block.text.strip()
        for value, unit in targets_in_text(text):
            out.append(Target(text=text, value=value, unit=unit, provenance=entry.block.provenance))
    return tuple(out)
