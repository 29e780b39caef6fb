"""Extraction: from a plan's block tree to the output contract (PlanDocument), with provenance.

One module per kind of content (``header``, ``sections``, ``purposes``, ``criteria``, ``awards``,
``deadlines``, ``assignments``, ``targets``, ``legal_basis``, ``recipients``, ``agencies``,
``relations``); this module only wires them together. From the plan and its tree,
``obligations`` derives who must do what by when, and ``outline`` lists the section headings.
"""

from __future__ import annotations

from schemas import Deadline, DocumentTree, PlanDocument, SourceDocument


def extract_plan(tree: DocumentTree, source: SourceDocument) -> PlanDocument:
    """Everything the plan says, in the gold's shape, each item with its provenance."""
    from extractors.agencies import document_vocabulary, unify_spellings
    from extractors.annex import annex_deadlines
    from extractors.assignments import annex_rows, extract_assignments
    from extractors.awards import extract_awards
    from extractors.criteria import extract_criteria
    from extractors.deadlines import extract_deadlines, extract_document_dates
    from extractors.header import extract_header
    from extractors.legal_basis import extract_legal_basis
    from extractors.purposes import extract_purposes, extract_requirements
    from extractors.recipients import extract_recipients
    from extractors.relations import derive_validity, extract_relations
    from extractors.sections import place_blocks
    from extractors.targets import extract_targets

    placed = place_blocks(tree)
    doc = extract_header(tree, placed)
    doc = doc.model_copy(update=extract_document_dates(placed, doc.issue_date))
    purposes, purpose_prov = extract_purposes(placed)
    requirements, requirement_prov = extract_requirements(placed)
    recipients, recipient_prov = extract_recipients(tree)
    assignments = extract_assignments(placed, doc.doc_type)
    deadlines = extract_deadlines(placed, doc.issue_date)
    deadlines += tuple(annex_deadlines(annex_rows(placed), doc.issue_date))
    names = [a.agency for a in assignments] + [d.agency for d in deadlines if d.agency]
    spelling = unify_spellings(names, document_vocabulary(recipients, doc.issuer))
    relations = extract_relations(placed, doc, tree.header)
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
        relations=relations,
        validity=derive_validity(doc, relations, placed),
        provenance={
            "purposes": purpose_prov,
            "requirements": requirement_prov,
            "recipients": recipient_prov,
            "header": tree.header_provenance,
        },
    )


def _respell_deadline(deadline: Deadline, spelling: dict[str, str]) -> Deadline:
    if deadline.agency is None:
        return deadline
    return deadline.model_copy(update={"agency": spelling.get(deadline.agency, deadline.agency)})


__all__ = ["extract_plan"]
