"""Obligations of a plan: who must do what by when, from its assignments and deadlines.

Agencies are named as the plans write them, so the same agency appears as "Công an tỉnh",
"công an tỉnh:" or "Công an tỉnh (Phòng Công tác Chính trị)"; ``canonical_agency`` folds those
into one name, the key the analysis groups and filters by.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from extractors.vocab import expand_abbreviations, fold
from schemas import Assignment, Deadline, Obligation, PlanDocument, Provenance, nfc

TASK_MATCH = 60  # token_set_ratio of a deadline's action and a task naming the same agency


# --------------------------------------------------------------------------- agency names


def folded_name(text: str) -> str:
    """Lower case, single spaces, no leading "các" (plural marker): the agency grouping key."""
    return re.sub(r"^(các|những)\s+", "", fold(text))


def canonical_agency(name: str) -> str:
    """The agency's full name: abbreviations expanded, sub-unit and punctuation dropped."""
    text = " ".join(nfc(name).split())
    # "Công an tỉnh (Phòng Công tác Chính trị)": the sub-unit stays in the task text.
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text).strip(" :;,.-–")
    text = expand_abbreviations(text)
    return text[:1].upper() + text[1:] if text else text


def agency_key(name: str) -> str:
    """The key that groups one agency's spellings: canonical name, folded."""
    return folded_name(canonical_agency(name))


# --------------------------------------------------------------------------- from a plan


def _mentions(agencies_text: str | None, agency: str) -> bool:
    """True when a deadline's agency list names ``agency`` (lists join names with commas)."""
    if not agencies_text:
        return False
    haystack, needle = folded_name(agencies_text), agency_key(agency)
    if needle in haystack:
        return True
    # A longer name is another agency ("Hội đồng Thi đua - Khen thưởng các cơ quan, ...").
    return len(needle) <= len(haystack) and fuzz.partial_ratio(needle, haystack) >= 92


def _overlaps(a: Provenance | None, b: Provenance | None) -> bool:
    """Whether two provenances share a page and a line."""
    if a is None or b is None:
        return False
    return a.page == b.page and a.line_start <= b.line_end and b.line_start <= a.line_end


def deadline_for(
    task: str, agency: str, provenance: Provenance | None, deadlines: Sequence[Deadline]
) -> Deadline | None:
    """The plan's deadline for one agency's task, the one matcher of task and deadline.

    In order: a deadline the task quotes, else one written on the task's own lines (of that
    agency when several), else the deadline naming the agency whose action is closest to the
    task. A deadline that names no agency is only taken when the task quotes it or shares its
    lines: plans state generic actions ("triển khai thực hiện Phong trào") that would match many
    tasks by wording alone.
    """
    lowered = task.lower()
    near = [d for d in deadlines if d.text.lower() in lowered]
    near = near or [d for d in deadlines if _overlaps(d.provenance, provenance)]
    if near:
        own = (d for d in near if d.agency is None or agency.lower() in d.agency.lower())
        return next(own, near[0])
    squashed, named = fold(task), canonical_agency(agency)
    best: tuple[float, Deadline | None] = (0.0, None)
    for deadline in deadlines:
        if not _mentions(deadline.agency, named):
            continue
        score = fuzz.token_set_ratio(fold(deadline.action or deadline.text), squashed)
        if score >= TASK_MATCH and score > best[0]:
            best = (score, deadline)
    return best[1]


def _task_provenance(assignment: Assignment, index: int) -> Provenance | None:
    if index < len(assignment.task_provenance):
        return assignment.task_provenance[index]
    return assignment.provenance


def obligations_of(plan: PlanDocument) -> list[Obligation]:
    """One obligation per agency and task, as written, with the deadline that goes with it."""
    out: list[Obligation] = []
    for assignment in plan.assignments:
        for index, task in enumerate(assignment.tasks):
            prov = _task_provenance(assignment, index)
            out.append(
                Obligation(
                    agency=assignment.agency,
                    role=assignment.role,
                    task=task,
                    deadline=deadline_for(task, assignment.agency, prov, plan.deadlines),
                    document_sha256=plan.sha256 or "",
                    document_title=plan.doc.title,
                    province=plan.doc.province,
                    provenance=prov,
                )
            )
    return out


def plan_obligations(plan: PlanDocument, sha256: str) -> list[Obligation]:
    """The plan's obligations: canonical agencies, and the deadlines owed alone added.

    A deadline naming agencies that no task of theirs received ("các sở ... báo cáo trước ngày
    10/11") becomes an obligation of each of them.
    """
    keyed = plan if plan.sha256 else plan.model_copy(update={"sha256": sha256})
    out = [
        o.model_copy(update={"agency": canonical_agency(o.agency), "document_sha256": sha256})
        for o in obligations_of(keyed)
    ]
    covered = {(agency_key(o.agency), o.deadline) for o in out if o.deadline is not None}
    agencies = {agency_key(o.agency): o.agency for o in out}
    common = Obligation(
        agency="-", role="responsible", task="-", document_sha256=sha256,
        document_title=plan.doc.title, province=plan.doc.province,
    )  # fmt: skip
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
