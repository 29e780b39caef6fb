"""Side-by-side comparison of one field across plans, matching items aligned.

Every plan's items are aligned against a reference plan (the most complete one unless chosen) with
rapidfuzz's ``token_set_ratio``: a row holds one item of each plan that says the same thing, so an
analyst reads what each province kept, reworded, dropped or added.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from rapidfuzz import fuzz, utils

from pipeline.analysis.labels import display_title
from schemas import ErrorCode, KehoachError, PlanDocument, Provenance

FIELDS = (
    "criteria",
    "awards",
    "deadlines",
    "assignments",
    "purposes",
    "requirements",
    "targets",
    "legal_basis",
    "recipients",
)
MATCH = 70  # token_set_ratio: below this two items are different items
SAME = 90  # at or above this they say the same thing in other words (or the same words)

Status = Literal["reference", "same", "changed", "added", "dropped", "absent"]


class Item(BaseModel):
    """One comparable item of a plan: what to show, what to match on, where it stands."""

    text: str
    match: str
    block: str = ""  # items only match within the same block (an award form, a role)
    detail: str | None = None
    line: int | None = None


class ComparedDocument(BaseModel):
    sha256: str
    label: str
    province: str | None = None
    title: str | None = None
    items: int = 0
    kept: int = 0
    changed: int = 0
    dropped: int = 0
    added: int = 0


class Cell(BaseModel):
    status: Status
    text: str | None = None
    detail: str | None = None
    score: float | None = None
    line: int | None = None


class ComparisonRow(BaseModel):
    cells: list[Cell]


class Comparison(BaseModel):
    """A field of several plans side by side: one column per plan, one row per aligned item."""

    field: str
    reference: str
    documents: list[ComparedDocument]
    rows: list[ComparisonRow]
    omitted: list[str] = []  # plans left out because they have nothing under this field


# --------------------------------------------------------------------------- items of a plan


def _line(provenance: Provenance | None) -> int | None:
    return provenance.line_start if provenance else None


def _listed(plan: PlanDocument, field: str) -> list[Item]:
    spans = plan.provenance.get(field, ())
    return [
        Item(text=text, match=text, line=_line(spans[i]) if i < len(spans) else None)
        for i, text in enumerate(getattr(plan, field))
    ]


def items_of(plan: PlanDocument, field: str) -> list[Item]:
    """The comparable items of ``field`` in one plan."""
    from extractors.obligations import canonical_agency
    from pipeline.analysis.labels import display_labels

    labels = display_labels()
    if field in ("purposes", "requirements", "recipients"):
        return _listed(plan, field)
    if field == "criteria":
        return [
            Item(text=item, match=item, detail=group.target, line=_line(group.provenance))
            for group in plan.criteria
            for item in group.items
        ]
    if field == "awards":
        return [
            Item(
                text=f"{a.form} — {a.grantor}" if a.grantor else a.form,
                match=f"{a.grantor or ''} {labels.get(a.category, a.category)}",
                block=" ".join(a.form.casefold().split()),
                detail=labels.get(a.category, a.category)
                + (f", {a.quantity}" if a.quantity else ""),
                line=_line(a.provenance),
            )
            for a in plan.awards
        ]
    if field == "deadlines":
        return [
            Item(
                text=f"{d.text}: {d.action}" if d.action else d.text,
                match=d.action or d.text,
                detail=" · ".join(
                    part for part in (d.date, labels.get(d.recurrence), d.agency) if part
                ),
                line=_line(d.provenance),
            )
            for d in plan.deadlines
        ]
    if field == "assignments":
        return [
            Item(
                text=f"{canonical_agency(a.agency)} ({labels.get(a.role, a.role)})",
                match=canonical_agency(a.agency),
                block=a.role,
                detail="; ".join(a.tasks),
                line=_line(a.provenance),
            )
            for a in plan.assignments
        ]
    if field == "targets":
        return [Item(text=t.text, match=t.text, line=_line(t.provenance)) for t in plan.targets]
    if field == "legal_basis":
        return [
            Item(
                text=" ".join(part for part in (b.doc_type, b.ref) if part),
                match=f"{b.ref} {b.issuer or ''}",
                detail=" · ".join(part for part in (b.date, b.issuer) if part),
                line=_line(b.provenance),
            )
            for b in plan.legal_basis
        ]
    raise KehoachError(
        ErrorCode.UNSUPPORTED,
        field,
        f"cannot compare this field; choose one of {', '.join(FIELDS)}",
    )


# --------------------------------------------------------------------------- alignment


def _score(left: Item, right: Item) -> float:
    if left.block != right.block:
        return 0.0
    return fuzz.token_set_ratio(left.match, right.match, processor=utils.default_process)


def align(columns: Sequence[Sequence[Item]]) -> list[list[int | None]]:
    """Rows of item indexes, one per column, matching items on one row (greedy, best first).

    Column 0 is the reference: its items open the rows in order. Each later column's items go to
    the free row whose first item they match best; an item matching none opens a new row.
    """
    rows: list[list[int | None]] = []
    for column, items in enumerate(columns):
        candidates = []
        for index, item in enumerate(items):
            for row_number, row in enumerate(rows):
                first = next(c for c, i in enumerate(row) if i is not None)
                score = _score(columns[first][row[first]], item)  # type: ignore[index]
                if score >= MATCH:
                    candidates.append((-score, index, row_number))
        taken_rows: set[int] = set()
        placed: set[int] = set()
        for _, index, row_number in sorted(candidates):
            if index in placed or row_number in taken_rows:
                continue
            rows[row_number][column] = index
            taken_rows.add(row_number)
            placed.add(index)
        for index in range(len(items)):
            if index not in placed:
                opened: list[int | None] = [None] * len(columns)
                opened[column] = index
                rows.append(opened)
    return rows


def _cell(reference: Item | None, item: Item | None, is_reference: bool) -> Cell:
    """One plan's cell on a row, judged against the reference plan's item on that row."""
    if item is None:
        return Cell(status="dropped" if reference is not None else "absent")
    base = Cell(status="reference", text=item.text, detail=item.detail, line=item.line)
    if is_reference:
        return base
    if reference is None:
        return base.model_copy(update={"status": "added"})
    # Matching forgives extra words (token_set); "same" must not: order-free full-text ratio.
    score = round(
        fuzz.token_sort_ratio(reference.match, item.match, processor=utils.default_process), 1
    )
    return base.model_copy(
        update={"status": "same" if score >= SAME else "changed", "score": score}
    )


def build_comparison(
    field: str, documents: Sequence[tuple[dict[str, Any], PlanDocument]]
) -> Comparison:
    """Align ``field`` of the given plans; the first plan is the reference."""
    columns = [items_of(plan, field) for _, plan in documents]
    rows = []
    for indexes in align(columns):
        reference = columns[0][indexes[0]] if indexes[0] is not None else None
        cells = [
            _cell(
                reference,
                columns[column][index] if index is not None else None,
                column == 0,
            )
            for column, index in enumerate(indexes)
        ]
        rows.append(ComparisonRow(cells=cells))
    labels = unique_labels([record for record, _ in documents])
    compared = [
        _compared(record, labels[column], rows, column)
        for column, (record, _) in enumerate(documents)
    ]
    return Comparison(
        field=field, reference=documents[0][0]["sha256"], documents=compared, rows=rows
    )


def _compared(
    record: dict[str, Any], label: str, rows: list[ComparisonRow], column: int
) -> ComparedDocument:
    statuses = [row.cells[column] for row in rows]
    present = [c for c in statuses if c.text is not None]
    return ComparedDocument(
        sha256=record["sha256"],
        label=label,
        province=record.get("province"),
        title=record.get("title"),
        items=len(present),
        kept=sum(c.status == "same" for c in statuses),
        changed=sum(c.status == "changed" for c in statuses),
        dropped=sum(c.status == "dropped" for c in statuses),
        added=sum(c.status == "added" for c in statuses),
    )


def document_label(record: dict[str, Any], width: int = 36) -> str:
    """A short name for a plan: province and number, else province and the title's start."""
    province = record.get("province")
    detail = record.get("number") or display_title(record.get("title"))
    if detail and len(detail) > width:
        detail = detail[: width - 1].rstrip() + "…"
    label = " · ".join(part for part in (province, detail) if part)
    return label or Path(str(record.get("path") or record["sha256"][:12])).name


def unique_labels(records: Sequence[dict[str, Any]]) -> list[str]:
    """``document_label`` of each plan, a sha256 prefix added where two plans would share one."""
    labels = [document_label(record) for record in records]
    repeated = {label for label in labels if labels.count(label) > 1}
    return [
        f"{label} · {record['sha256'][:6]}" if label in repeated else label
        for label, record in zip(labels, records, strict=True)
    ]


# --------------------------------------------------------------------------- choosing plans


def _selects(selector: str, record: dict[str, Any]) -> bool:
    """True when a --doc/--reference value names this plan: sha256 prefix, province or title."""
    wanted = selector.strip().casefold()
    if len(wanted) >= 4 and record["sha256"].startswith(wanted):
        return True
    for key in ("province", "title", "number", "path"):
        value = str(record.get(key) or "").casefold()
        if value and (wanted == value or (len(wanted) >= 4 and wanted in value)):
            return True
    title = str(record.get("title") or "")
    return bool(title) and fuzz.partial_ratio(wanted, title.casefold()) >= 90 and len(wanted) > 8


def choose(
    stored: Sequence[tuple[dict[str, Any], PlanDocument]],
    field: str,
    documents: Sequence[str] | None,
    reference: str | None,
) -> list[tuple[dict[str, Any], PlanDocument]]:
    """The plans to compare, reference first (the named one, else the one with most items)."""
    chosen = [
        entry for entry in stored if not documents or any(_selects(s, entry[0]) for s in documents)
    ]
    if reference:
        named = [entry for entry in stored if _selects(reference, entry[0])]
        if not named:
            raise KehoachError(ErrorCode.USAGE, reference, "no stored plan matches --reference")
        chosen = [named[0]] + [
            entry for entry in chosen if entry[0]["sha256"] != named[0][0]["sha256"]
        ]
    elif chosen:
        counts = [len(items_of(plan, field)) for _, plan in chosen]
        best = counts.index(max(counts))  # first of the most complete: ingestion order breaks ties
        chosen = [chosen[best]] + chosen[:best] + chosen[best + 1 :]
    if not chosen:
        raise KehoachError(
            ErrorCode.USAGE, ", ".join(documents or []), "no stored plan matches --doc"
        )
    return chosen


def compare_field(
    db: Path,
    field: str,
    *,
    documents: Sequence[str] | None = None,
    reference: str | None = None,
) -> Comparison:
    """Compare ``field`` across the stored plans (all, or those ``documents`` names)."""
    from pipeline.storage.store import Dataset

    if field not in FIELDS:
        raise KehoachError(
            ErrorCode.USAGE,
            field,
            f"cannot compare this field; choose one of {', '.join(FIELDS)}",
        )
    with Dataset(db, read_only=True) as dataset:
        stored = dataset.plans()
    chosen = choose(stored, field, documents, reference)
    omitted: list[tuple[dict[str, Any], PlanDocument]] = []
    if not documents:  # plans the analyst did not name are only shown when they have the field
        omitted = [entry for entry in chosen[1:] if not items_of(entry[1], field)]
        chosen = [entry for entry in chosen if entry not in omitted]
    table = build_comparison(field, chosen)
    return table.model_copy(update={"omitted": unique_labels([r for r, _ in omitted])})


# --------------------------------------------------------------------------- printing

STYLES = {
    "reference": "bold",
    "same": "green",
    "changed": "yellow",
    "added": "cyan",
    "dropped": "red",
    "absent": "",
}
MARKS = {"reference": "★", "same": "=", "changed": "≈", "added": "+", "dropped": "−", "absent": ""}


def _shorten(text: str, width: int = 140) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_comparison(table: Comparison, console: Any = None) -> None:
    """Print the comparison as a rich table: one column per plan, reference first."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    grid = Table(title=f"{table.field}: {len(table.documents)} plans, reference ★", show_lines=True)
    grid.add_column("#", justify="right", style="dim")
    for column, document in enumerate(table.documents):
        star = "★ " if column == 0 else ""
        summary = (
            f"{document.items} items"
            if column == 0
            else f"={document.kept} ≈{document.changed} −{document.dropped} +{document.added}"
        )
        grid.add_column(f"{star}{document.label}\n{document.sha256[:10]}\n{summary}", ratio=1)
    for number, row in enumerate(table.rows, 1):
        cells = []
        for cell in row.cells:
            if cell.text is None:
                mark = "−" if cell.status == "dropped" else ""
                cells.append(Text(mark, style=STYLES[cell.status] if mark else ""))
                continue
            score = f" {cell.score:.0f}" if cell.score is not None and cell.status != "same" else ""
            line = f" [L{cell.line}]" if cell.line else ""
            body = Text(f"{MARKS[cell.status]}{score} ", style=STYLES[cell.status])
            body.append(_shorten(cell.text))
            if cell.detail:
                body.append(f"\n{_shorten(cell.detail, 100)}", style="dim")
            body.append(line, style="dim")
            cells.append(body)
        grid.add_row(str(number), *cells)
    console.print(grid)
    if table.omitted:
        console.print(f"without {table.field}: {'; '.join(table.omitted)}", style="dim")
    console.print("★ reference  = same  ≈ reworded (score)  − dropped  + added", style="dim")
