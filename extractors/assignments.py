"""Assignments from TỔ CHỨC THỰC HIỆN / PHÂN CÔNG NHIỆM VỤ: agency, role, tasks.

A point naming several agencies gives one entry per agency; "X chủ trì, phối hợp với Y" also gives Y
a coordinate entry; points under an agency's heading are its tasks, their role from their opening
verb. The closing paragraph's "giao X ..." makes X responsible for it.
"""

from __future__ import annotations

import re

from extractors.agencies import Subject, partners, role_of, split_agencies, subject_of
from extractors.annex import Row, table_rows
from extractors.sections import Placed
from schemas import Assignment, Block, Provenance

Entry = tuple[str, str, str, Provenance]  # agency, role, task, provenance


def _entries_for(subject: Subject, task: str, prov: Provenance) -> list[Entry]:
    entries = [(agency, subject.role, task, prov) for agency in subject.agencies]
    if subject.role == "lead":
        entries.extend((partner, "coordinate", task, prov) for partner in partners(task))
    return entries


def _visit(block: Block, inherited: tuple[str, ...], out: list[Entry]) -> None:
    subject = subject_of(block.text)
    agencies = inherited
    if subject is not None:
        agencies = subject.agencies
        if subject.task:
            out.extend(_entries_for(subject, subject.task, block.provenance))
    elif inherited and block.text.strip():
        task = block.text.strip()
        role = role_of(task)
        out.extend((agency, role, task, block.provenance) for agency in inherited)
        if role == "lead":
            out.extend((p, "coordinate", task, block.provenance) for p in partners(task))
    for child in block.children:
        _visit(child, agencies, out)


def _assigned_in_closing(text: str, prov: Provenance) -> list[Entry]:
    """In the closing paragraph, "... giao Sở Nội vụ tổng hợp ..." makes the agency responsible."""
    found = re.search(r"\bgiao\s+(?P<rest>.+)$", text)
    if not found:
        return []
    subject = subject_of(found.group("rest"))
    if subject is None:
        return []
    return [(agency, "responsible", text.strip(), prov) for agency in subject.agencies]


def _group(entries: list[Entry]) -> tuple[Assignment, ...]:
    """One Assignment per agency and role, tasks in order, duplicates dropped."""
    grouped: dict[tuple[str, str], list[tuple[str, Provenance]]] = {}
    seen: set[tuple[str, str, str]] = set()  # linear: a plan may hold thousands of tasks
    for agency, role, task, prov in entries:
        tasks = grouped.setdefault((agency, role), [])
        if (agency, role, task) not in seen:
            seen.add((agency, role, task))
            tasks.append((task, prov))
    out = []
    for (agency, role), tasks in grouped.items():
        provs = tuple(prov for _, prov in tasks)
        out.append(
            Assignment(
                agency=agency,
                role=role,  # type: ignore[arg-type]
                tasks=tuple(task for task, _ in tasks),
                provenance=provs[0],
                task_provenance=provs,
            )
        )
    return tuple(out)


def extract_assignments(placed: list[Placed]) -> tuple[Assignment, ...]:
    """Assignments under the organisation headings and in the closing paragraph after them."""
    entries: list[Entry] = []
    seen_org = False
    org_headings: set[int] = set()
    by_block = {id(p.block): p for p in placed}
    for entry in placed:
        if "annex" in entry.categories:
            continue
        if "organisation" in entry.categories and entry.heading:
            org_headings.add(id(entry.block))
            if not any(id(a) in org_headings for a in entry.ancestors):
                seen_org = True
                for child in entry.block.children:
                    _visit_if_unclassified(child, by_block, entries)
        elif "closing" in entry.categories and seen_org and not entry.ancestors:
            entries.extend(_assigned_in_closing(entry.block.text, entry.block.provenance))
    for row in annex_rows(placed):
        entries.extend((agency, "lead", row.task, row.provenance) for agency in row.leads)
        entries.extend((agency, "coordinate", row.task, row.provenance) for agency in row.partners)
    return _group(entries)


def annex_rows(placed: list[Placed]) -> list[Row]:
    """Rows of the assignment tables in the plan's annexes."""
    return [row for p in placed if p.block.label == "PHỤ LỤC" for row in table_rows(p.block)]


def _visit_if_unclassified(block: Block, by_block: dict[int, Placed], out: list[Entry]) -> None:
    """Visit a block under an organisation heading unless it opens another kind of section."""
    own = by_block.get(id(block))
    if own is not None and own.heading and "organisation" not in own.categories:
        return
    _visit(block, (), out)


__all__ = ["extract_assignments", "split_agencies"]
