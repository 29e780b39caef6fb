"""Deadlines: the time expression as written, its normalised date, recurrence, action and agency.

Time expressions and their roles come from ``extractors.temporal``; an expression is a deadline
when its role is one (a deadline, a period, an observance, a schedule, an event anchor), never a
cited document's date, an effective or expiry date (document fields), the period a report covers
or a bare year. Dates follow the gold contract (see ``extractors.temporal``).
"""

from __future__ import annotations

import re

from diacritics.orthography import fold_ascii
from extractors.agencies import subject_of
from extractors.sections import Placed
from extractors.temporal import (
    DEADLINE_ROLES,
    TimeExpression,
    document_dates,
    find_time_expressions,
    issue_form,
)
from schemas import Deadline, Provenance

# A full stop after one of these ends no sentence ("TP. Hà Nội", "PCT. UBND", "Đ/c. Phúc").
ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-ZĐ]{1,5}|Đ/c|đ/c|Tp|TP)$")
CLAUSE_END = re.compile(r";|\.(?=\s+[A-ZĐÀ-Ỹ])|\.$")

__all__ = [
    "clause_spans",
    "deadlines_in_text",
    "document_dates",
    "extract_deadlines",
    "issue_form",
    "normalize_date",
    "recurrence_of",
]


def normalize_date(text: str, issue_date: str | None = None) -> str | None:
    """The date of the first time expression in ``text`` in the gold's forms; None if undated."""
    found = find_time_expressions(text, issue_date)
    chosen = [item for item in found if item.role in DEADLINE_ROLES] or found
    return chosen[0].date if chosen else None


def recurrence_of(text: str) -> str:
    """ "yearly", "periodic" or "once" for an expression as written."""
    found = find_time_expressions(text)
    return found[0].recurrence if found else "once"


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a text, split at ";" and at sentence ends (linear in the text)."""
    spans = []
    start = 0
    for match in CLAUSE_END.finditer(text):
        word = text[max(0, match.start() - 8) : match.start()]
        if match.group(0) == "." and ABBREVIATION.search(word):
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
    action = re.sub(r"^(?:và|hoặc|va|hoac)\s+", "", action)
    return action or None


def _segment(text: str, items: list[TimeExpression], index: int, span: tuple[int, int]) -> str:
    """The words of a clause holding several expressions that belong to the ``index``-th one.

    In a table read as one block each row's words run up to its time cell; otherwise the words
    after it, up to the next expression.
    """
    item = items[index]
    low = items[index - 1].end if index else span[0]
    before = text[low : item.start]
    if len(before.split()) >= 3:
        return before
    high = items[index + 1].start if index + 1 < len(items) else span[1]
    return text[item.end : high]


def deadlines_in_text(
    text: str,
    prov: Provenance | None,
    agency: str | None,
    issue_date: str | None,
    context_year: str | None = None,
) -> list[Deadline]:
    """Every deadline in one item; "định kỳ hằng năm" folds into a dated one of its clause."""
    found = [
        item
        for item in find_time_expressions(text, issue_date, context_year)
        if item.role in DEADLINE_ROLES
    ]
    out: list[Deadline] = []
    position = 0
    for span in clause_spans(text):
        inside: list[TimeExpression] = []
        while position < len(found) and found[position].start < span[1]:
            if found[position].start >= span[0]:
                inside.append(found[position])
            position += 1
        dated = [item for item in inside if item.date is not None]
        for index, item in enumerate(inside):
            periodic = any(kind.startswith("periodic") for kind in item.kinds)
            if item.role == "schedule" and periodic and any(d.start > item.start for d in dated):
                continue
            clause = text[span[0] : span[1]]
            words = _segment(text, inside, index, span) if len(inside) > 1 else clause
            out.append(
                Deadline(
                    text=item.text,
                    date=item.date,
                    recurrence=item.recurrence,  # type: ignore[arg-type]
                    action=_action(words, item.text),
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
        found = find_time_expressions(entry.block.text, issue_date)
        if not any(e.role in DEADLINE_ROLES for e in found):
            continue
        out.extend(
            deadlines_in_text(
                entry.block.text, entry.block.provenance, _agency_for(entry), issue_date
            )
        )
    return tuple(out)


def extract_document_dates(placed: list[Placed], issue_date: str | None) -> dict[str, str]:
    """The document's effective and expiry dates, from the first block that states each."""
    out: dict[str, str] = {}
    for entry in placed:
        if "hieu luc" not in fold_ascii(entry.block.text):
            continue
        for key, value in document_dates(entry.block.text, issue_date).items():
            out.setdefault(key, value)
    return out
