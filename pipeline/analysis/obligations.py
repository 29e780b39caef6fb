"""Obligations per agency: who must do what by when, across every stored plan.

Agencies are grouped by ``extractors.obligations.agency_key`` (the name the plans write,
canonical); the ``--agency`` filter matches fuzzily (rapidfuzz) on top of that.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, utils

from diacritics.orthography import strip_marks
from extractors.obligations import agency_key, canonical_agency, folded_name
from schemas import SCHEMA_VERSION, Deadline, Obligation, Provenance

# WRatio over folded names: "Công an tỉnh" ≠ "Công an xã" (78) or "Ủy ban nhân dân tỉnh" (86)
AGENCY_MATCH = 88
PROVINCE_MATCH = 90


# --------------------------------------------------------------------------- agency names


def agency_matches(query: str, name: str) -> bool:
    """True when ``name`` is the agency a person typed, allowing typos and missing diacritics."""
    wanted, candidate = agency_key(query), agency_key(name)
    if wanted == candidate:
        return True
    score = fuzz.WRatio(wanted, candidate, processor=utils.default_process)
    if wanted == strip_marks(wanted):  # typed without diacritics: compare without them
        score = max(
            score, fuzz.WRatio(wanted, strip_marks(candidate), processor=utils.default_process)
        )
    return score >= AGENCY_MATCH


def province_matches(query: str, province: str | None) -> bool:
    """True when ``province`` is the province asked for ("dong thap" finds "Đồng Tháp")."""
    if not province:
        return False
    wanted, candidate = strip_marks(folded_name(query)), strip_marks(folded_name(province))
    return wanted == candidate or fuzz.ratio(wanted, candidate) >= PROVINCE_MATCH


# --------------------------------------------------------------------------- from the dataset


def _provenance(row: dict[str, Any]) -> Provenance | None:
    if row["page"] is None or row["line_start"] is None:
        return None
    return Provenance(
        page=row["page"],
        line_start=row["line_start"],
        line_end=row["line_end"] or row["line_start"],
        confidence=row["confidence"] if row["confidence"] is not None else 1.0,
    )


def _obligation(row: dict[str, Any]) -> Obligation:
    deadline = None
    if row["deadline_text"]:
        deadline = Deadline(
            text=row["deadline_text"],
            date=row["deadline_date"],
            recurrence=row["deadline_recurrence"] or "none",
        )
    return Obligation(
        agency=row["agency"],
        role=row["role"],
        task=row["task"],
        deadline=deadline,
        document_sha256=row["sha256"],
        document_title=row["document_title"] or row["title"],
        province=row["province"] or row["doc_province"],
        provenance=_provenance(row),
    )


OBLIGATIONS_SQL = """
SELECT o.*, d.title, d.province AS doc_province, d.path
-- the current version of each work only: copies and drafts do not multiply obligations
FROM obligations o JOIN current_documents d USING (sha256)
ORDER BY d.ingested_at, o.sha256, o.ordinal
"""


def query_obligations(
    db: Path, *, agency: str | None = None, province: str | None = None
) -> list[Obligation]:
    """Stored obligations, optionally of one agency (fuzzy) and one province."""
    from pipeline.storage.store import Dataset

    with Dataset(db, read_only=True) as dataset:
        rows = dataset.query(OBLIGATIONS_SQL)
    found = [_obligation(row) for row in rows]
    if province:
        found = [o for o in found if province_matches(province, o.province)]
    if agency:
        found = [o for o in found if agency_matches(agency, o.agency)]
    return sorted(found, key=lambda o: (agency_key(o.agency), _sort_date(o.deadline)))


# --------------------------------------------------------------------------- dates


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def due_date(normalized: str | None, year: int) -> tuple[date, bool] | None:
    """A calendar day for a normalized deadline date, and whether it recurs yearly.

    "YYYY-MM-DD" is that day; "--MM-DD" that day in ``year``, yearly; "YYYY-MM" and "--MM" the
    month's last day (the month is the deadline); "YYYY-Qn" the quarter's last day; "YYYY" the
    year's last day. Partial dates ("2026-01-??") and undated deadlines give None.
    """
    if not normalized or "?" in normalized:
        return None
    patterns: list[tuple[str, Any]] = [
        (r"(\d{4})-(\d{2})-(\d{2})", lambda y, m, d: (date(int(y), int(m), int(d)), False)),
        (r"--(\d{2})-(\d{2})", lambda m, d: (date(year, int(m), int(d)), True)),
        (r"(\d{4})-(\d{2})", lambda y, m: (_last_day(int(y), int(m)), False)),
        (r"--(\d{2})", lambda m: (_last_day(year, int(m)), True)),
        (r"(\d{4})-Q([1-4])", lambda y, q: (_last_day(int(y), 3 * int(q)), False)),
        (r"(\d{4})", lambda y: (date(int(y), 12, 31), False)),
    ]
    for pattern, build in patterns:
        match = re.fullmatch(pattern, normalized.strip())
        if match:
            try:
                return build(*match.groups())  # type: ignore[no-any-return]
            except ValueError:  # "--02-30": no such day
                return None
    return None


def _sort_date(deadline: Deadline | None) -> str:
    due = due_date(deadline.date if deadline else None, date.today().year)
    return due[0].isoformat() if due else "9999"


# --------------------------------------------------------------------------- JSON


def _obligation_json(obligation: Obligation, year: int) -> dict[str, Any]:
    deadline = obligation.deadline
    due = due_date(deadline.date if deadline else None, year)
    return {
        "task": obligation.task,
        "role": obligation.role,
        "deadline": None
        if deadline is None
        else {
            "text": deadline.text,
            "date": deadline.date,
            "recurrence": deadline.recurrence,
            "due": due[0].isoformat() if due else None,
        },
        "document": {
            "sha256": obligation.document_sha256,
            "title": obligation.document_title,
            "province": obligation.province,
        },
        "provenance": obligation.provenance.model_dump(mode="json", exclude_none=True)
        if obligation.provenance
        else None,
    }


def obligations_json(found: Iterable[Obligation]) -> dict[str, Any]:
    """Obligations grouped per canonical agency, in the JSON the CLI prints."""
    year = date.today().year
    groups: dict[str, dict[str, Any]] = {}
    for obligation in found:
        key = agency_key(obligation.agency)
        group = groups.setdefault(
            key, {"agency": canonical_agency(obligation.agency), "obligations": []}
        )
        group["obligations"].append(_obligation_json(obligation, year))
    agencies = sorted(groups.values(), key=lambda g: (-len(g["obligations"]), g["agency"]))
    for group in agencies:
        group["count"] = len(group["obligations"])
        group["documents"] = len({o["document"]["sha256"] for o in group["obligations"]})
    return {
        "schema_version": SCHEMA_VERSION,
        "count": sum(group["count"] for group in agencies),
        "agencies": [
            {key: group[key] for key in ("agency", "count", "documents", "obligations")}
            for group in agencies
        ],
    }


# --------------------------------------------------------------------------- iCalendar


def ics_escape(text: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1)."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with one space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _uid(obligation: Obligation) -> str:
    deadline = obligation.deadline
    identity = "\x1f".join(
        [
            obligation.document_sha256,
            obligation.agency,
            obligation.role,
            obligation.task,
            deadline.text if deadline else "",
            deadline.date or "" if deadline else "",
        ]
    )
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32] + "@kehoach"


def ics_event(obligation: Obligation, year: int, stamp: str) -> list[str] | None:
    """The VEVENT lines of one obligation, or None when its deadline has no calendar day."""
    deadline = obligation.deadline
    due = due_date(deadline.date if deadline else None, year)
    if deadline is None or due is None:
        return None
    day, yearly = due
    summary = f"{obligation.agency}: {deadline.action or obligation.task}"
    if len(summary) > 160:
        summary = summary[:159] + "…"
    where = f"{obligation.document_title or ''} ({obligation.province or '—'})"
    if obligation.provenance:
        where += f", trang {obligation.provenance.page}, dòng {obligation.provenance.line_start}"
    description = "\n".join(
        [
            obligation.task,
            f"Thời hạn: {deadline.text}",
            f"Nguồn: {where}",
            f"sha256: {obligation.document_sha256}",
        ]
    )
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_uid(obligation)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
    ]
    if yearly:
        lines.append("RRULE:FREQ=YEARLY")
    lines += [
        f"SUMMARY:{ics_escape(summary)}",
        f"DESCRIPTION:{ics_escape(description)}",
        f"CATEGORIES:{ics_escape(obligation.role)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]
    return lines


def ics_calendar(found: Iterable[Obligation], *, year: int | None = None) -> str:
    """An iCalendar (RFC 5545) text of every dated obligation; undated ones are left out."""
    year = year or date.today().year
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//kehoach//obligations//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Thời hạn thực hiện kế hoạch",
    ]
    seen: set[str] = set()
    for obligation in found:
        event = ics_event(obligation, year, stamp)
        if event is None or event[1] in seen:  # one event per identical obligation
            continue
        seen.add(event[1])
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


def write_ics(found: Iterable[Obligation], path: Path) -> int:
    """Write the dated obligations as an iCalendar file; return how many events it holds."""
    text = ics_calendar(found)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(text.encode("utf-8"))
    return text.count("BEGIN:VEVENT")
