"""The one due-date rule: a normalized deadline date (extractors.temporal) → typed calendar days.

Stored as DATE columns beside the original text (``rows.py``) and used by every analyst output
(the report's table and chart, obligations JSON, iCalendar), so "Trước ngày 31/01" is one day
everywhere. It lives here, the lowest layer that both storage and analysis may import.

Normalized forms: "YYYY-MM-DD" a day; "--MM-DD" a day every year; "YYYY-MM", "--MM" a month;
"YYYY-Qn" a quarter; "YYYY" a year; "?" marks an illegible part ("2026-??-??", "2026-01-??").
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import NamedTuple

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class DueSpan(NamedTuple):
    """When a deadline falls: ``due`` the day it is due (None when only a span is legible),
    ``start``–``end`` the span the text names, ``yearly`` whether it recurs every year."""

    due: date | None
    start: date
    end: date
    yearly: bool


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_day(text: str | None) -> date | None:
    """An ISO day ("2025-03-10") as a date; partial or missing days ("2025-??-10") give None."""
    match = _ISO_DAY.fullmatch((text or "").strip())
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _next_yearly(month: int, day: int | None, anchor: date) -> tuple[date, date]:
    """The first occurrence of a yearly day (or month, ``day`` None) ending on or after
    ``anchor``: a plan issued 2025-03-10 saying "before 31/01 every year" is first due 2026-01-31.
    """
    for year in (anchor.year, anchor.year + 1):
        start = date(year, month, day or 1)
        end = date(year, month, day) if day else _last_day(year, month)
        if end >= anchor:
            return start, end
    raise AssertionError("unreachable: the next year always ends after the anchor")


def due_span(normalized: str | None, issued: date | None = None) -> DueSpan | None:
    """The span and due day of a normalized deadline date.

    Yearly dates ("--01-31", "--06") take their first occurrence on or after the document's
    issue date (``issued``; today when the document has none). A month, quarter or year is due on
    its last day. A partially legible date gives its span without a due day; "--02-30" and text
    that is not a normalized date give None.
    """
    text = (normalized or "").strip()
    if not text:
        return None
    anchor = issued or date.today()
    try:
        if match := re.fullmatch(r"--(\d{2})(?:-(\d{2}))?", text):
            month, day = int(match[1]), int(match[2]) if match[2] else None
            start, end = _next_yearly(month, day, anchor)
            return DueSpan(end, start, end, True)
        if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            year, quarter = int(match[1]), int(match[2])
            end = _last_day(year, 3 * quarter)
            return DueSpan(end, date(year, 3 * quarter - 2, 1), end, False)
        if match := re.fullmatch(r"(\d{4})(?:-(\d{2}|\?\?))?(?:-(\d{2}|\?\?))?", text):
            return _calendar_span(int(match[1]), match[2], match[3])
    except ValueError:  # "--02-30", "2026-13": no such day or month
        return None
    return None


def _calendar_span(year: int, month: str | None, day: str | None) -> DueSpan:
    if month is None or month == "??":
        start, end = date(year, 1, 1), date(year, 12, 31)
        return DueSpan(end if month is None else None, start, end, False)
    start, end = date(year, int(month), 1), _last_day(year, int(month))
    if day is None:
        return DueSpan(end, start, end, False)
    if day == "??":
        return DueSpan(None, start, end, False)
    exact = date(year, int(month), int(day))
    return DueSpan(exact, exact, exact, False)


def span_columns(normalized: str | None, issued: date | None) -> tuple[date | None, ...]:
    """(due, start, end) as stored beside a deadline's text; Nones when the date is unknown."""
    span = due_span(normalized, issued)
    return (span.due, span.start, span.end) if span else (None, None, None)
