"""Obligations per agency: who must do what by when, across every stored plan.

Agencies are grouped by ``extractors.obligations.agency_key`` (the name the plans write,
canonical); the ``--agency`` filter matches fuzzily (rapidfuzz) on top of that.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process, utils

from diacritics.orthography import strip_marks
from extractors.obligations import agency_key, canonical_agency, folded_name
from pipeline.storage.dates import DueSpan, due_span, parse_day
from schemas import SCHEMA_VERSION, Deadline, ErrorCode, KehoachError, Obligation, Provenance

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
    if agency:
        named = [o for o in found if agency_matches(agency, o.agency)]
        if not named and found:
            raise KehoachError(ErrorCode.USAGE, db, no_such_agency(agency, found))
        found = named
    if province:
        found = [o for o in found if province_matches(province, o.province)]
    return sorted(found, key=lambda o: (agency_key(o.agency), _sort_date(o)))


def no_such_agency(query: str, found: Iterable[Obligation], limit: int = 3) -> str:
    """The message for an agency no stored plan names, with the closest names that exist."""
    names = sorted({canonical_agency(o.agency) for o in found})
    close = process.extract(
        strip_marks(agency_key(query)),
        {name: strip_marks(agency_key(name)) for name in names},
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
    )
    suggestion = "; ".join(name for _, _, name in close)
    return f"no stored plan names the agency {query!r}" + (
        f"; closest: {suggestion}" if suggestion else ""
    )


# --------------------------------------------------------------------------- dates

IssueDays = Mapping[str, "date | None"]


def document_issue_days(db: Path) -> dict[str, date | None]:
    """Each stored document's issue day (sha256 → date): yearly deadlines start after it."""
    from pipeline.storage.store import Dataset

    with Dataset(db, read_only=True) as dataset:
        rows = dataset.query("SELECT sha256, issue_date FROM documents")
    return {row["sha256"]: parse_day(row["issue_date"]) for row in rows}


def obligation_due(obligation: Obligation, issued: IssueDays | None = None) -> DueSpan | None:
    """When an obligation is due, by the one rule (``pipeline.storage.dates.due_span``)."""
    deadline = obligation.deadline
    if deadline is None:
        return None
    return due_span(deadline.date, (issued or {}).get(obligation.document_sha256))


def _sort_date(obligation: Obligation) -> str:
    due = obligation_due(obligation)
    return due.due.isoformat() if due and due.due else "9999"


# --------------------------------------------------------------------------- JSON


def _obligation_json(obligation: Obligation, issued: IssueDays | None) -> dict[str, Any]:
    deadline = obligation.deadline
    due = obligation_due(obligation, issued)
    return {
        "task": obligation.task,
        "role": obligation.role,
        "deadline": None
        if deadline is None
        else {
            "text": deadline.text,
            "date": deadline.date,
            "recurrence": deadline.recurrence,
            "due": due.due.isoformat() if due and due.due else None,
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


def obligations_json(
    found: Iterable[Obligation], issued: IssueDays | None = None
) -> dict[str, Any]:
    """Obligations grouped per canonical agency, in the JSON the CLI prints; ``issued`` gives
    each document's issue day, from which its yearly deadlines are counted."""
    groups: dict[str, dict[str, Any]] = {}
    for obligation in found:
        key = agency_key(obligation.agency)
        group = groups.setdefault(
            key, {"agency": canonical_agency(obligation.agency), "obligations": []}
        )
        group["obligations"].append(_obligation_json(obligation, issued))
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


def ics_event(
    obligation: Obligation, stamp: str, issued: IssueDays | None = None
) -> list[str] | None:
    """The VEVENT lines of one obligation, or None when its deadline has no calendar day."""
    deadline = obligation.deadline
    due = obligation_due(obligation, issued)
    if deadline is None or due is None or due.due is None:
        return None
    day, yearly = due.due, due.yearly
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


def ics_calendar(found: Iterable[Obligation], *, issued: IssueDays | None = None) -> str:
    """An iCalendar (RFC 5545) text of every dated obligation; undated ones are left out."""
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
        event = ics_event(obligation, stamp, issued)
        if event is None or event[1] in seen:  # one event per identical obligation
            continue
        seen.add(event[1])
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


def write_ics(found: Iterable[Obligation], path: Path, issued: IssueDays | None = None) -> int:
    """Write the dated obligations as an iCalendar file; return how many events it holds."""
    text = ics_calendar(found, issued=issued)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(text.encode("utf-8"))
    return text.count("BEGIN:VEVENT")
