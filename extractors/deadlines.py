"""Deadlines: the time expression as written, its normalised date, recurrence, action and agency.

Dates follow the gold contract: ISO ``YYYY-MM-DD``; yearly ``--MM-DD`` (``--MM`` without a day); a
month ``YYYY-MM``; a quarter ``YYYY-Qn``; None when the text gives no date ("định kỳ hằng năm",
"05 năm/lần", "cuối năm"). A period "từ ... đến ..." takes its end, an open start its start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from diacritics.orthography import fold_ascii
from extractors.agencies import subject_of
from extractors.sections import Placed
from schemas import Deadline, Provenance

NUM_DATE = r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?"
WORD_DATE = r"\d{1,2}\s+tháng\s+\d{1,2}(?:\s*(?:năm|/)\s*\d{4})?"
DATE = rf"(?:ngày\s+)?(?:{NUM_DATE}|{WORD_DATE})"
MONTH = r"tháng\s+\d{1,2}(?:\s*(?:/|năm)\s*\d{4})?"
QUARTER = r"quý\s+(?:IV|I{1,3}|[1-4])(?:\s*(?:/|năm)\s*\d{4})?"
YEARLY = r"(?:\s+(?:hằng|hàng|mỗi)\s+năm|\s+của\s+năm)?"
LEAD = r"(?:trước|chậm\s+nhất(?:\s+(?:là|vào|trước|trong))?|đến|vào|trong|hạn\s+chót)"
EDGE = r"(?:(?:đầu|cuối|giữa)\s+)?"
END = rf"(?:{DATE}|{MONTH}|(?:hết\s+)?năm\s+\d{{4}})"
# "từ" as restoration may leave it ("Tir", "tu"): the next word keeps the match specific.
FROM = r"(?<!\w)(?:từ|t[iu]r?)"

# Patterns run on text folded without diacritics (one character per character), so that
# "05 nam/lan" left by restoration still reads; spans index the original text.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(fold_ascii(pattern)))
    for name, pattern in (
        ("range", rf"{FROM}\s+(?:{DATE}|{MONTH})\s*(?:-|–|đến)\s*{END}"),
        (
            "issue_range",
            rf"từ\s+(?:ngày|khi)\s+ban\s+hành(?:\s+kế\s+hoạch)?(?:\s+này)?\s+đến\s+{END}",
        ),
        ("issue", rf"{FROM}\s+(?:ngày|khi)\s+ban\s+hành(?:\s+kế\s+hoạch)?(?:\s+này)?"),
        ("start", rf"{FROM}\s+(?:{DATE}|{EDGE}{MONTH}|{QUARTER})"),
        ("date", rf"{LEAD}\s+(?:là\s+)?{DATE}{YEARLY}"),
        ("month", rf"{LEAD}\s+{EDGE}{MONTH}{YEARLY}"),
        ("quarter", rf"{LEAD}\s+{EDGE}{QUARTER}"),
        ("every_n_years", r"(?:giai\s+đoạn\s+)?\d{1,2}\s+năm\s*/\s*lần"),
        (
            "periodic",
            r"định\s+kỳ\s+(?:(?:hằng|hàng)\s+(?:năm|quý|tháng|tuần)|\d{1,2}\s+tháng(?:\s*/\s*lần)?)",
        ),
        ("quarterly", r"(?<!định kỳ )(?:hằng|hàng)\s+quý"),
        ("round_end", r"kết\s+thúc\s+(?:mỗi\s+)?đợt(?:\s+thi\s+đua)?"),
        ("year_edge", r"(?:vào\s+)?(?:đầu|cuối)\s+năm(?:\s+\d{4})?(?!\s*/)"),
    )
)
ROMAN_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True)
class Found:
    """One time expression in a text: kind, span and the words as written."""

    kind: str
    start: int
    end: int
    text: str


def _iso(day: int | None, month: int, year: int | None) -> str | None:
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    if year is None:
        return f"--{month:02d}-{day:02d}" if day is not None else f"--{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}" if day is not None else f"{year:04d}-{month:02d}"


def _date_part(text: str) -> str | None:
    """The normalised form of one date, month, quarter or year expression (no range)."""
    low = fold_ascii(text)
    found = re.search(r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?", low)
    if found and "thang" not in low[: found.start()]:
        year = int(found.group(3)) if found.group(3) else None
        return _iso(int(found.group(1)), int(found.group(2)), year)
    found = re.search(r"(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*(?:nam|/)\s*(\d{4}))?", low)
    if found:
        year = int(found.group(3)) if found.group(3) else None
        return _iso(int(found.group(1)), int(found.group(2)), year)
    found = re.search(r"thang\s+(\d{1,2})(?:\s*(?:/|nam)\s*(\d{4}))?", low)
    if found:
        year = int(found.group(2)) if found.group(2) else None
        return _iso(None, int(found.group(1)), year)
    found = re.search(r"quy\s+(iv|i{1,3}|[1-4])(?:\s*(?:/|nam)\s*(\d{4}))?", low)
    if found:
        label = found.group(1).upper()
        quarter = ROMAN_QUARTERS.get(label) or int(label)
        return f"{found.group(2)}-Q{quarter}" if found.group(2) else None
    found = re.search(r"(het\s+)?nam\s+(\d{4})", low)
    if found:
        return f"{found.group(2)}-12-31" if found.group(1) else found.group(2)
    return None


def normalize_date(text: str, issue_date: str | None = None) -> str | None:
    """Normalise a deadline expression as written into the gold's date forms; None if undated."""
    low = fold_ascii(text).strip()
    if re.search(r"nam\s*/\s*lan|dinh\s+ky|ket\s+thuc|(?:hang)\s+quy", low) and not re.search(
        r"\d{1,2}\s*/\s*\d{1,2}|thang\s+\d", low
    ):
        return None
    if re.fullmatch(r"(?:vao\s+)?(?:dau|cuoi)\s+nam(?:\s+\d{4})?", low):
        return None
    if re.match(r"t[iu]r?\s+(?:ngay|khi)\s+ban\s+hanh", low):
        until = re.search(r"\bden\s+(.+)$", low)
        if until:
            return _date_part(until.group(1))
        return _issue_form(issue_date)
    opening = re.match(r"t[iu]r?\s+", low)
    if opening:
        parts = re.split(r"\s*(?:-|–|\bden\b)\s*", low[opening.end() :], maxsplit=1)
        if len(parts) == 2 and re.search(r"\d", parts[1]):
            end = _date_part(parts[1])
            start = _date_part(parts[0])
            if end and start and end.startswith("--") and re.match(r"\d{4}", start):
                end = start[:4] + end[1:]
            return end
        return _date_part(parts[0])
    return _date_part(low)


def _issue_form(issue_date: str | None) -> str | None:
    """The issue date as far as it is known: "2025-12-??" → "2025-12"."""
    if not issue_date:
        return None
    if "?" not in issue_date:
        return issue_date
    year, _, rest = issue_date.partition("-")
    month = rest.partition("-")[0]
    if year.isdigit() and month.isdigit():
        return f"{year}-{month}"
    return None


def recurrence_of(text: str) -> str:
    """ "yearly", "periodic" or "once" for an expression as written."""
    low = fold_ascii(text)
    if re.search(r"(?:hang|moi|cua)\s+nam", low) and "nam/lan" not in low.replace(" ", ""):
        return "yearly"
    if re.search(r"nam\s*/\s*lan|dinh\s+ky|hang\s+(?:quy|thang|tuan)|moi\s+dot", low):
        return "periodic"
    return "once"


def find_expressions(text: str) -> list[Found]:
    """Non-overlapping time expressions in ``text``, longest first where two overlap."""
    folded = fold_ascii(text)
    candidates = [
        Found(kind, match.start(), match.end(), text[match.start() : match.end()].strip())
        for kind, pattern in PATTERNS
        for match in pattern.finditer(folded)
    ]
    candidates.sort(key=lambda found: (-(found.end - found.start), found.start))
    chosen: list[Found] = []
    for found in candidates:
        if all(found.end <= kept.start or found.start >= kept.end for kept in chosen):
            chosen.append(found)
    return sorted(chosen, key=lambda found: found.start)


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a text, split at ";" and at sentence ends.

    A full stop after an abbreviation ("TP. Hà Nội", "PCT. UBND", "Đ/c.") ends no sentence.
    """
    spans = []
    start = 0
    for match in re.finditer(r";|\.(?=\s+[A-ZĐÀ-Ỹ])|\.$", text):
        word = re.search(r"(\S+)$", text[: match.start()])
        if (
            match.group(0) == "."
            and word
            and re.fullmatch(r"[A-ZĐ]{1,5}|Đ/c|đ/c|Tp|TP", word.group(1))
        ):
            continue
        spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _action(clause: str, expression: str) -> str | None:
    """The clause without its time expression and without an "Agency:" label."""
    action = clause.replace(expression, " ")
    subject = subject_of(action)
    if subject is not None and subject.explicit:
        action = subject.task
    action = re.sub(r"\s+", " ", action).strip(" ,.;:-")
    return action or None


def deadlines_in_text(
    text: str, prov: Provenance, agency: str | None, issue_date: str | None
) -> list[Deadline]:
    """Every deadline in one item; "định kỳ hằng năm" folds into a dated one of its clause."""
    found = find_expressions(text)
    out: list[Deadline] = []
    for start, end in clause_spans(text):
        inside = [item for item in found if start <= item.start < end]
        dated = [item for item in inside if item.kind in ("date", "month", "quarter")]
        for item in inside:
            if item.kind == "periodic" and dated and any(d.start > item.start for d in dated):
                continue
            out.append(
                Deadline(
                    text=item.text,
                    date=normalize_date(item.text, issue_date),
                    recurrence=recurrence_of(item.text),  # type: ignore[arg-type]
                    action=_action(text[start:end], item.text),
                    agency=agency,
                    provenance=prov,
                )
            )
    return out


def _agency_for(entry: Placed) -> str | None:
    """The agencies a block or its nearest labelled ancestor names, joined."""
    for block in (entry.block, *reversed(entry.ancestors)):
        subject = subject_of(block.text)
        if subject is not None:
            return ", ".join(subject.agencies)
    return None


def extract_deadlines(placed: list[Placed], issue_date: str | None) -> tuple[Deadline, ...]:
    """Deadlines in every body block except the preamble and annexes."""
    out: list[Deadline] = []
    for entry in placed:
        if entry.categories & {"preamble", "annex"}:
            continue
        if not find_expressions(entry.block.text):
            continue
        out.extend(
            deadlines_in_text(
                entry.block.text, entry.block.provenance, _agency_for(entry), issue_date
            )
        )
    return tuple(out)
