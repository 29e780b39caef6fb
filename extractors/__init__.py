"""Extraction: from a plan's block tree to the output contract (PlanDocument), with provenance.

One module per kind of content (``header``, ``sections``, ``purposes``, ``criteria``, ``awards``,
``deadlines``, ``assignments``, ``targets``, ``legal_basis``, ``recipients``, ``agencies``); this
module only wires them together.
"""

from __future__ import annotations

from schemas import Assignment, Deadline, DocumentTree, Obligation, PlanDocument, SourceDocument


def extract_plan(tree: DocumentTree, source: SourceDocument) -> PlanDocument:
    """Everything the plan says, in the gold's shape, each item with its provenance."""
    from extractors.agencies import unify_spellings
    from extractors.annex import annex_deadlines
    from extractors.assignments import annex_rows, extract_assignments
    from extractors.awards import extract_awards
    from extractors.criteria import extract_criteria
    from extractors.deadlines import extract_deadlines
    from extractors.header import extract_header
    from extractors.legal_basis import extract_legal_basis
    from extractors.purposes import extract_purposes, extract_requirements
    from extractors.recipients import extract_recipients
    from extractors.sections import place_blocks
    from extractors.targets import extract_targets

    placed = place_blocks(tree)
    doc = extract_header(tree, placed)
    purposes, purpose_prov = extract_purposes(placed)
    requirements, requirement_prov = extract_requirements(placed)
    recipients, recipient_prov = extract_recipients(tree)
    assignments = extract_assignments(placed)
    deadlines = extract_deadlines(placed, doc.issue_date)
    deadlines += tuple(annex_deadlines(annex_rows(placed), doc.issue_date))
    names = [a.agency for a in assignments] + [d.agency for d in deadlines if d.agency]
    spelling = unify_spellings(names)
    return PlanDocument(
        sha256=source.sha256,
        source=str(source.path),
        doc=doc,
        legal_basis=extract_legal_basis(placed),
        purposes=purposes,
        requirements=requirements,
        criteria=extract_criteria(placed),
        awards=extract_awards(placed),
        deadlines=tuple(_respell_deadline(d, spelling) for d in deadlines),
        assignments=tuple(
            a.model_copy(update={"agency": spelling.get(a.agency, a.agency)}) for a in assignments
        ),
        targets=extract_targets(placed),
        recipients=recipients,
        provenance={
            "purposes": purpose_prov,
            "requirements": requirement_prov,
            "recipients": recipient_prov,
            "header": tree.header_provenance,
        },
        nodes=tree.nodes,
    )


def _respell_deadline(deadline: Deadline, spelling: dict[str, str]) -> Deadline:
    if deadline.agency is None:
        return deadline
    return deadline.model_copy(update={"agency": spelling.get(deadline.agency, deadline.agency)})


def _overlaps(a, b) -> bool:  # type: ignore[no-untyped-def]
    """Whether two provenances share a page and a line."""
    if a is None or b is None:
        return False
    return a.page == b.page and a.line_start <= b.line_end and b.line_start <= a.line_end


def obligations_of(plan: PlanDocument) -> list[Obligation]:
    """One obligation per agency and task, with the deadline written in the same item, if any."""
    out: list[Obligation] = []
    for assignment in plan.assignments:
        for index, task in enumerate(assignment.tasks):
            prov = _task_provenance(assignment, index)
            deadline = _deadline_for(plan, assignment.agency, task, prov)
            out.append(
                Obligation(
                    agency=assignment.agency,
                    role=assignment.role,
                    task=task,
                    deadline=deadline,
                    document_sha256=plan.sha256 or "",
                    document_title=plan.doc.title,
                    province=plan.doc.province,
                    provenance=prov,
                )
            )
    return out


def _task_provenance(assignment: Assignment, index: int):  # type: ignore[no-untyped-def]
    if index < len(assignment.task_provenance):
        return assignment.task_provenance[index]
    return assignment.provenance


def _deadline_for(plan: PlanDocument, agency: str, task: str, prov) -> Deadline | None:  # type: ignore[no-untyped-def]
    """The deadline stated in the task's own words, else one stated on the task's lines."""
    candidates = [d for d in plan.deadlines if d.text.lower() in task.lower()]
    candidates = candidates or [d for d in plan.deadlines if _overlaps(d.provenance, prov)]
    for deadline in candidates:
        if deadline.agency is None or agency.lower() in deadline.agency.lower():
            return deadline
    return candidates[0] if candidates else None


__all__ = ["extract_plan", "obligations_of"]
