"""Numeric targets: one per number with a unit, whose text is the clause holding it.

A number is a target when "%" or a counted noun (``data/vocab/target_units.txt``) follows it
("ít nhất 02 mô hình", "35 địa bàn", "01 (một) mô hình"), when it ranks ("nằm trong nhóm 5 tỉnh
dẫn đầu"), or when it is a bare count after a first target of its clause ("03 mô hình cấp tỉnh,
02 cấp xã"). Never a date, a time, a document number, a section or a rank ("Điều 5", "tuần thứ
2"). The clause is cut at ";", at sentence ends and at "trong đó", as the gold writes targets.
Numbers inside criteria count too; award sections (quantities of Bằng khen) do not.
"""

from __future__ import annotations

import re
from functools import cache

from diacritics.orthography import fold_ascii
from extractors.deadlines import clause_spans
from extractors.sections import Placed
from extractors.temporal import find_time_expressions, mask_document_numbers
from extractors.vocab import load_lines
from schemas import Provenance, Target

SKIP = frozenset({"annex", "awards"})
NUMBER = re.compile(r"(?<![\w.,/#-])(?P<v>\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)(?![\w/#]|[.,]\d)")
# Words before a number that make it a label, a rank or a position, not a quantity.
NOT_QUANTITY = re.compile(
    r"(?:dieu|khoan|diem|muc|chuong|phan|phu\s+luc|so|thu|tai|buoc|khoa|nhiem\s+ky|phuong|xa"
    r"|quan|huyen|to|khu\s+vuc|lop|nam|thang|ngay|quy|tuan|gio|giai\s+doan|ban|phien)\s*$"
)
RANK = re.compile(r"nhom\s+$")
SPELLED = re.compile(r"\s*\([^()\d]{1,30}\)")
PER = re.compile(r"(?:moi|hang|hàng|hằng|mỗi)\s+(nam|quy|thang|tuan|năm|quý|tháng|tuần)\s+[^;.]*$")
TRONG_DO = re.compile(r"\btrong\s+đó\b|\btrong\s+do\b", re.IGNORECASE)


@cache
def _units() -> re.Pattern[str]:
    units = sorted((fold_ascii(u) for u in load_lines("target_units.txt")), key=len, reverse=True)
    body = "|".join(re.escape(u).replace(r"\ ", r"\s+") for u in units)
    return re.compile(rf"\s*(?P<u>{body})(?!\w)")


def _clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans, cut also at "trong đó"."""
    out: list[tuple[int, int]] = []
    for start, end in clause_spans(text):
        cut = start
        for match in TRONG_DO.finditer(text, start, end):
            if match.start() > cut:
                out.append((cut, match.start()))
            cut = match.start()
        out.append((cut, end))
    return out


def _value(text: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return float(re.sub(r"[.,]", "", text))
    return float(text.replace(",", "."))


def targets_in_text(text: str) -> list[tuple[float, str, tuple[int, int]]]:
    """(value, unit, clause span) of each numeric target in an item."""
    folded = mask_document_numbers(text, fold_ascii(text))
    taken = [(e.start, e.end) for e in find_time_expressions(text)]
    clauses = _clauses(text)
    out: list[tuple[float, str, tuple[int, int]]] = []
    clause_index = 0
    last_unit: tuple[int, str] | None = None
    time_index = 0
    for match in NUMBER.finditer(folded):
        start, end = match.start(), match.end()
        while time_index < len(taken) and taken[time_index][1] <= start:
            time_index += 1
        if time_index < len(taken) and taken[time_index][0] <= start < taken[time_index][1]:
            continue
        while clause_index + 1 < len(clauses) and clauses[clause_index][1] <= start:
            clause_index += 1
        clause = clauses[clause_index]
        before = folded[max(clause[0], start - 20) : start]
        unit = _unit_after(text, folded, end)
        if unit is None and RANK.search(before):
            unit = "nhóm"
        elif unit is None and NOT_QUANTITY.search(before):
            continue
        elif (
            unit is None
            and last_unit
            and last_unit[0] == clause_index
            and _bare(folded, start, end)
        ):
            unit = last_unit[1]
        if unit is None:
            continue
        period = PER.search(folded[clause[0] : start])
        if period and unit != "%":
            unit = f"{unit}/{text[clause[0] + period.start(1) : clause[0] + period.end(1)]}"
        last_unit = (clause_index, unit)
        out.append((_value(match.group("v")), unit, clause))
    return out


def _unit_after(text: str, folded: str, end: int) -> str | None:
    if folded[end : end + 3].lstrip().startswith("%"):
        return "%"
    spelled = SPELLED.match(folded, end)
    at = spelled.end() if spelled else end
    found = _units().match(folded, at)
    if found is None:
        return None
    word = text[found.start("u") : found.end("u")]
    return None if word[:1].isupper() else word


def _bare(folded: str, start: int, end: int) -> bool:
    """A count after a list separator, its unit shared with the first: ", 02 cấp xã"."""
    before = folded[max(0, start - 5) : start]
    after = folded[end : end + 3].strip()[:1]
    return bool(re.search(r"(?:[,:;]|\bva)\s*$", before)) and not (after.isdigit() or after in "/")


def extract_targets(placed: list[Placed]) -> tuple[Target, ...]:
    """One Target per number in items outside awards and annexes, headings included."""
    out: list[Target] = []
    for entry in placed:
        if entry.categories & SKIP:
            continue
        text = entry.block.text.strip()
        if not re.search(r"\d", text):
            continue
        prov: Provenance | None = entry.block.provenance
        for value, unit, (start, end) in targets_in_text(text):
            clause = text[start:end].strip(" ,.;:-")
            clause = re.sub(r"^(?:trong\s+đó|trong\s+do)\s*,?\s*", "", clause, flags=re.I)
            out.append(Target(text=clause, value=value, unit=unit, provenance=prov))
    return tuple(out)
