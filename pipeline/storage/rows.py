"""Rows of one processed document for every table of the dataset, without key columns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pipeline.storage.dates import parse_day, span_columns
from schemas import Obligation, PlanDocument, ProcessedDocument, Provenance, nfc


def _provenance(provenance: Provenance | None) -> tuple[Any, ...]:
    if provenance is None:
        return (None, None, None, None)
    return (provenance.page, provenance.line_start, provenance.line_end, provenance.confidence)


def _listed_provenance(plan: PlanDocument, field: str, index: int) -> Provenance | None:
    """Provenance of item ``index`` of a string-list field, kept beside the plan by field name."""
    spans = plan.provenance.get(field, ())
    return spans[index] if index < len(spans) else None


def section_rows(processed: ProcessedDocument) -> list[tuple[Any, ...]]:
    """The section headings of the tree the plan was extracted from, with their lines."""
    return [
        (s.label, s.heading, ",".join(s.categories), *_provenance(s.provenance))
        for s in processed.sections
    ]


def item_rows(plan: PlanDocument) -> list[tuple[Any, ...]]:
    """Purposes, requirements and criteria as (field, target, text, provenance...)."""
    rows: list[tuple[Any, ...]] = []
    for field, name in (("purposes", "purpose"), ("requirements", "requirement")):
        for index, text in enumerate(getattr(plan, field)):
            rows.append((name, None, text, *_provenance(_listed_provenance(plan, field, index))))
    for group in plan.criteria:
        for text in group.items:
            rows.append(("criterion", group.target, text, *_provenance(group.provenance)))
    return rows


def obligation_rows(plan: PlanDocument, obligations: Sequence[Obligation]) -> list[tuple[Any, ...]]:
    """One row per agency × role × task, with its deadline when the plan gives one."""
    rows: list[tuple[Any, ...]] = []
    for found in obligations:
        deadline = found.deadline
        rows.append(
            (
                found.agency,
                found.role,
                found.task,
                deadline.text if deadline else None,
                deadline.date if deadline else None,
                *span_columns(deadline.date if deadline else None, parse_day(plan.doc.issue_date)),
                deadline.recurrence if deadline else None,
                found.province or plan.doc.province,
                found.document_title or plan.doc.title,
                *_provenance(found.provenance),
            )
        )
    return rows


def fact_rows(processed: ProcessedDocument) -> dict[str, list[tuple[Any, ...]]]:
    """Every fact table's rows for one document, without key, ordinal and version columns."""
    plan = processed.plan
    issued = parse_day(plan.doc.issue_date)
    return {
        "sections": section_rows(processed),
        "items": item_rows(plan),
        "awards": [
            (a.form, a.grantor, a.category, a.quantity, a.recipients, *_provenance(a.provenance))
            for a in plan.awards
        ],
        "deadlines": [
            (
                d.text,
                d.date,
                *span_columns(d.date, issued),
                d.recurrence,
                d.action,
                d.agency,
                *_provenance(d.provenance),
            )
            for d in plan.deadlines
        ],
        "obligations": obligation_rows(plan, processed.obligations),
        "legal_basis": [
            (b.ref, b.doc_type, b.date, b.issuer, *_provenance(b.provenance))
            for b in plan.legal_basis
        ],
        "targets": [(t.text, t.value, t.unit, *_provenance(t.provenance)) for t in plan.targets],
        "recipients": [
            (text, *_provenance(_listed_provenance(plan, "recipients", index)))
            for index, text in enumerate(plan.recipients)
        ],
        "relations": relation_rows(plan),
        "nodes": node_rows(plan),
    }


# Steps above an article: articles are numbered through the whole document, so a citation
# ("điểm a khoản 2 Điều 5") names none of the Phần, Chương, Mục that hold them.
ABOVE_ARTICLE = ("Phần ", "Chương ", "Mục ", "Tiểu mục ")


def citation(path: str) -> str:
    """A node's address as Vietnamese texts cite it, innermost first: the path
    "Chương II > Điều 5 > khoản 2 > điểm a" is cited "điểm a khoản 2 Điều 5"."""
    steps = path.split(" > ") if path else []
    articles = [index for index, step in enumerate(steps) if step.startswith("Điều ")]
    if articles:
        first = articles[-1]
        steps = [s for s in steps[:first] if not s.startswith(ABOVE_ARTICLE)] + steps[first:]
    return " ".join(reversed(steps))


def _json_or_none(value: list[str] | dict[str, str]) -> str | None:
    """A table's column headers or a row's cells as JSON text (NULL where the node has none):
    text, not a DuckDB MAP, so Parquet readers without DuckDB's types read it too."""
    return json.dumps(value, ensure_ascii=False) if value else None


def node_rows(plan: PlanDocument) -> list[tuple[Any, ...]]:
    """The document's tree, one row per node in reading order, attached documents included."""
    return [
        (
            n.id,
            n.parent,
            str(n.kind),
            n.label,
            n.heading,
            n.path,
            citation(n.path),
            str(n.part),
            _json_or_none(list(n.columns)),
            _json_or_none(n.cells),
            *_provenance(n.provenance),
        )
        for n in plan.nodes
    ]


def relation_rows(plan: PlanDocument) -> list[tuple[Any, ...]]:
    """Each link to another document (extractors.relations), its key resolving it to a work;
    ``source`` keeps the preamble's citations apart from the body's and the portal's notes."""
    return [
        (
            r.kind,
            r.ref,
            r.key,
            r.doc_type,
            r.date,
            r.issuer,
            r.source,
            r.inverse,
            r.scope,
            r.text,
            *_provenance(r.provenance),
        )
        for r in plan.relations
    ]


def document_row(processed: ProcessedDocument, path: str, now: datetime) -> tuple[Any, ...]:
    """The ``documents`` row: header fields flattened, plan and texts kept whole as JSON."""
    doc = processed.plan.doc
    pages = processed.raw_text.pages
    methods = sorted({str(page.method) for page in pages})
    return (
        processed.source.sha256,
        nfc(path),
        str(processed.source.kind),
        processed.source.size_bytes,
        doc.province,
        doc.issuer,
        doc.doc_type,
        doc.number,
        doc.issue_date,
        parse_day(doc.issue_date),
        doc.title,
        doc.signer.name,
        doc.signer.title,
        doc.signer.on_behalf,
        doc.place,
        len(pages),
        processed.text.line_count,
        ",".join(methods),
        processed.plan.model_dump_json(),
        processed.raw_text.model_dump_json(),
        processed.text.model_dump_json(),
        json.dumps(processed.seconds),
        processed.plan.schema_version,
        processed.pipeline_version,
        now,
    )
