"""Obligations per agency: who must do what by when, across every stored plan.

Agencies are named as the plans write them, so the same agency appears as "Công an tỉnh",
"công an tỉnh:" or "Công an tỉnh (Phòng Công tác Chính trị)"; ``canonical_agency`` folds those
into one name and the ``--agency`` filter matches fuzzily (rapidfuzz) on top of that.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, utils
from unidecode import unidecode

from schemas import SCHEMA_VERSION, Deadline, Obligation, PlanDocument, Provenance, nfc

# WRatio over folded names: "Công an tỉnh" ≠ "Công an xã" (78) or "Ủy ban nhân dân tỉnh" (86)
AGENCY_MATCH = 88
PROVINCE_MATCH = 90
TASK_MATCH = 60  # token_set_ratio of a deadline's action and a task naming the same agency


# --------------------------------------------------------------------------- agency names


def _fold(text: str) -> str:
    """Lower case, single spaces, no leading "các" (plural marker): the agency grouping key."""
    folded = " ".join(nfc(text).casefold().split())
    return re.sub(r"^(các|những)\s+", "", folded)


def canonical_agency(name: str) -> str:
    """The agency's full name: abbreviations expanded, sub-unit and punctuation dropped."""
    from extractors.vocab import expand_abbreviations  # data/vocab/abbreviations.tsv

    text = " ".join(nfc(name).split())
    # "Công an tỉnh (Phòng Công tác Chính trị)": the sub-unit stays in the task text.
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text).strip(" :;,.-–")
    text = expand_abbreviations(text)
    return text[:1].upper() + text[1:] if text else text


def agency_key(name: str) -> str:
    """The key that groups one agency's spellings: canonical name, folded."""
    return _fold(canonical_agency(name))


def agency_matches(query: str, name: str) -> bool:
    """True when ``name`` is the agency a person typed, allowing typos and missing diacritics."""
    wanted, candidate = agency_key(query), agency_key(name)
    if wanted == candidate:
        return True
    score = fuzz.WRatio(wanted, candidate, processor=utils.default_process)
    if wanted == unidecode(wanted):  # typed without diacritics: compare without them
        score = max(
            score, fuzz.WRatio(wanted, unidecode(candidate), processor=utils.default_process)
        )
    return score >= AGENCY_MATCH


def province_matches(query: str, province: str | None) -> bool:
    """True when ``province`` is the province asked for ("dong thap" finds "Đồng Tháp")."""
    if not province:
        return False
    wanted, candidate = unidecode(_fold(query)), unidecode(_fold(province))
    return wanted == candidate or fuzz.ratio(wanted, candidate) >= PROVINCE_MATCH


# --------------------------------------------------------------------------- from a plan


def _mentions(agencies_text: str | None, agency: str) -> bool:
    """True when a deadline's agency list names ``agency`` (lists join names with commas)."""
    if not agencies_text:
        return False
    haystack, needle = _fold(agencies_text), agency_key(agency)
    if needle in haystack:
        return True
    # A longer name is another agency ("Hội đồng Thi đua - Khen thưởng các cơ quan, ...").
    return len(needle) <= len(haystack) and fuzz.partial_ratio(needle, haystack) >= 92


def _squash(text: str) -> str:
    return " ".join(nfc(text).casefold().split())


def deadline_for(task: str, agency: str, deadlines: Sequence[Deadline]) -> Deadline | None:
    """The plan's deadline for one agency's task: the one the task quotes, else the closest.

    A deadline that names no agency is only taken when the task quotes it: plans state generic
    actions ("triển khai thực hiện Phong trào") that would match many tasks by wording alone.
    """
    squashed = _squash(task)
    quoted = [d for d in deadlines if _squash(d.text) in squashed]
    if quoted:  # "định kỳ hàng năm ... trước ngày 15/11 hàng năm": the dated, longer one
        return max(quoted, key=lambda d: (d.date is not None, len(d.text)))
    best: tuple[float, Deadline | None] = (0.0, None)
    for deadline in deadlines:
        if not _mentions(deadline.agency, agency):
            continue
        score = fuzz.token_set_ratio(_squash(deadline.action or deadline.text), squashed)
        if score >= TASK_MATCH and score > best[0]:
            best = (score, deadline)
    return best[1]


def _template(plan: PlanDocument, sha256: str) -> Obligation:
    return Obligation(
        agency="-", role="responsible", task="-", document_sha256=sha256,
        document_title=plan.doc.title, province=plan.doc.province,
    )  # fmt: skip


def plan_obligations(plan: PlanDocument, sha256: str) -> list[Obligation]:
    """The extractors' obligations of the plan, completed (canonical agencies, deadlines)."""
    from extractors import obligations_of

    keyed = plan if plan.sha256 else plan.model_copy(update={"sha256": sha256})
    return complete(plan, sha256, obligations_of(keyed))


def complete(plan: PlanDocument, sha256: str, found: Sequence[Obligation]) -> list[Obligation]:
    """Canonical agency names, a deadline for each task that has one, and deadlines owed alone.

    A task keeps the deadline it was given; one without gets the plan's deadline it quotes or
    that names its agency for the same work. A deadline naming agencies that no task of theirs
    received ("các sở ... báo cáo trước ngày 10/11") becomes an obligation of each of them.
    """
    common = _template(plan, sha256)
    out = []
    for obligation in found:
        agency = canonical_agency(obligation.agency)
        deadline = obligation.deadline or deadline_for(obligation.task, agency, plan.deadlines)
        out.append(
            obligation.model_copy(
                update={"agency": agency, "deadline": deadline, "document_sha256": sha256}
            )
        )
    covered = {(agency_key(o.agency), o.deadline) for o in out if o.deadline is not None}
    agencies = {agency_key(o.agency): o.agency for o in out}
    for deadline in plan.deadlines:
        if not deadline.agency:
            continue
        owners = [name for name in agencies.values() if _mentions(deadline.agency, name)]
        for owner in owners or [canonical_agency(deadline.agency)]:
            if (agency_key(owner), deadline) in covered:
                continue
            covered.add((agency_key(owner), deadline))
            out.append(
                common.model_copy(
                    update={
                        "agency": owner,
                        "task": deadline.action or deadline.text,
                        "deadline": deadline,
                        "provenance": deadline.provenance,
                    }
                )
            )
    return out


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
FROM obligations o JOIN documents d USING (sha256)
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
