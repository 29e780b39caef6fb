"""Assignments from TỔ CHỨC THỰC HIỆN / PHÂN CÔNG NHIỆM VỤ: agency, role, tasks.

A point naming several agencies gives one entry per agency; "X chủ trì, phối hợp với Y" also gives Y
a coordinate entry; points under an agency's heading are its tasks, their role from their opening
verb. The closing paragraph's "giao X ..." makes X responsible for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.agencies import Subject, partners, role_of, split_agencies, subject_of
from extractors.annex import Row, table_rows
from extractors.sections import Placed
from schemas import Assignment, Block, Provenance

Entry = tuple[str, str, str, Provenance]  # agency, role, task, provenance
ROMAN = re.compile(r"^[IVXLC]+$")  # the sections of a plan, also when a decision carries one


def _entries_for(subject: Subject, task: str, prov: Provenance) -> list[Entry]:
    entries = [(agency, subject.role, task, prov) for agency in subject.agencies]
    if subject.role == "lead":
        entries.extend((partner, "coordinate", task, prov) for partner in partners(task))
    return entries


@dataclass(frozen=True)
class Owner:
    """Who the points under a heading belong to: agencies, a role the heading fixes, partners."""

    agencies: tuple[str, ...]
    role: str | None = None  # None: each point's own opening verb decides
    partners: tuple[str, ...] = ()


def _announces(block: Block, subject: Subject) -> bool:
    """Whether "X chủ trì, phối hợp Y" / "X chỉ đạo" only heads the points below it."""
    text = block.text.strip()
    return bool(block.children) and len(text) <= 200 and not text.endswith((".", ";"))


def _visit(block: Block, owner: Owner | None, out: list[Entry]) -> None:
    subject = subject_of(block.text)
    if subject is not None:
        owner = Owner(subject.agencies)
        if subject.task and _announces(block, subject):
            lead = subject.role == "lead"
            found = tuple(partners(block.text)) if lead else ()
            owner = Owner(subject.agencies, "lead" if lead else None, found)
        elif subject.task:
            out.extend(_entries_for(subject, subject.task, block.provenance))
    elif owner is not None and block.text.strip():
        task = block.text.strip()
        role = owner.role or role_of(task)
        out.extend((agency, role, task, block.provenance) for agency in owner.agencies)
        out.extend((p, "coordinate", task, block.provenance) for p in owner.partners)
        if role == "lead" and not owner.role:
            out.extend((p, "coordinate", task, block.provenance) for p in partners(task))
    for child in block.children:
        _visit(child, owner, out)


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


def extract_assignments(placed: list[Placed], genre: str | None = None) -> tuple[Assignment, ...]:
    """Assignments under the organisation headings and in the closing paragraph after them.

    A legal text adds the duties of its articles, a directive or letter (``genre``, the
    document's type) the agencies its points address (``extractors.duties``).
    """
    from extractors.duties import extract_directives, extract_duties, is_directive, is_legal_text

    legal = is_legal_text(placed)
    entries: list[Entry] = extract_duties(placed)
    if not legal and is_directive(genre):
        entries.extend(extract_directives(placed))
    seen_org = False
    org_headings: set[int] = set()
    by_block = {id(p.block): p for p in placed}
    for entry in placed:
        if "annex" in entry.categories:
            continue
        if legal and not ROMAN.match(entry.block.label):
            continue  # a legal text's duties are read by extractors.duties, articles first
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
    _visit(block, None, out)


__all__ = ["extract_assignments", "split_agencies"]
