"""Tables of an annex: assignments ("PHỤ LỤC: PHÂN CÔNG THỰC HIỆN NHIỆM VỤ") and schedules.

A text layer gives such a table one cell per line, an empty cell as a blank line: after a header
row ("STT", "Nhiệm vụ", "Sản phẩm", "Thời gian hoàn thành", "Chủ trì", "Phối hợp", ...), each row
opens with its number; Roman numerals open groups. A row that spans several product rows repeats
the other cells with an empty task. Rows whose cells do not fill whole table rows are skipped.
A table with a time column and no agency column is a schedule (inspections, broadcasts): each row
gives a deadline, whose action is the row's first other cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from diacritics.orthography import fold_ascii
from extractors.agencies import split_agencies
from extractors.deadlines import deadlines_in_text
from schemas import Block, Deadline, Provenance

TABLE_END = re.compile(r"(?i:phụ\s+lục|phu\s+luc)\b|[IVX]+\.\s+\S")
COLUMNS = {
    "task": ("nhiem vu", "noi dung", "cong viec", "hoat dong"),
    "time": ("thoi gian", "thoi han", "tien do"),
    "lead": ("chu tri",),
    "coordinate": ("phoi hop",),
}


@dataclass(frozen=True)
class Row:
    """One table row: the task, its deadline cell, lead and coordinating agencies."""

    task: str
    time: str
    leads: tuple[str, ...]
    partners: tuple[str, ...]
    provenance: Provenance
    year: str | None = None


def _roles(labels: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, label in enumerate(labels):
        folded = fold_ascii(label)
        for role, keys in COLUMNS.items():
            if role not in roles and any(key in folded for key in keys):
                roles[role] = index
                break
    return roles


def _agencies(cell: str) -> tuple[str, ...]:
    names: list[str] = []
    for part in re.split(r"\s*;\s*", cell):
        if part.strip():
            names.extend(split_agencies(part) or [part.strip()])
    return tuple(names)


def _table(rows: list[Block], start: int) -> tuple[list[str], int]:
    """Column labels of a table whose header begins at ``start`` ("STT"), and where rows begin."""
    labels: list[str] = []
    index = start + 1
    while (
        index < len(rows) and rows[index].text and not re.fullmatch(r"\d+|[IVX]+", rows[index].text)
    ):
        text = rows[index].text
        if labels and text[:1].islower():
            labels[-1] = f"{labels[-1]} {text}"  # a header label wrapped in its cell
        else:
            labels.append(text)
        index += 1
    return labels, index


def table_rows(annex: Block) -> list[Row]:
    """The rows of every assignment table in an annex."""
    lines = list(annex.children)
    out: list[Row] = []
    for start, line in enumerate(lines):
        if fold_ascii(line.text) != "stt":
            continue
        labels, index = _table(lines, start)
        roles = _roles(labels)
        if "task" not in roles and "time" in roles:
            others = [i for i in range(len(labels)) if i not in roles.values()]
            if others:
                roles["task"] = others[0]
        if "task" not in roles or not {"lead", "time"} & roles.keys():
            continue
        out.extend(_rows(lines, index, len(labels), roles, _year(labels)))
    return out


def _year(labels: list[str]) -> str | None:
    """The year a table's header gives its time column ("Thời gian (Năm 2026)")."""
    found = re.search(r"\b((?:19|20)\d\d)\b", " ".join(labels))
    return found.group(1) if found else None


def _rows(
    lines: list[Block], index: int, width: int, roles: dict[str, int], year: str | None
) -> list[Row]:
    blocks: list[list[Block]] = []
    current: list[Block] | None = None
    for line in lines[index:]:
        text = line.text
        if fold_ascii(text) == "stt" or TABLE_END.match(text):
            break  # the next table, or the next annex or section the layout left in this block
        if re.fullmatch(r"[IVX]+", text):
            current = None  # a group heading and its title are not cells
        elif re.fullmatch(r"\d{1,3}", text):
            current = []
            blocks.append(current)
        elif current is not None:
            current.append(line)
    out: list[Row] = []
    for cells in blocks:
        while cells and not cells[-1].text and len(cells) % width:
            cells = cells[:-1]
        if not cells or len(cells) % width:
            continue
        task = ""
        for offset in range(0, len(cells), width):
            row = cells[offset : offset + width]
            task = row[roles["task"]].text or task
            if not task:
                continue
            out.append(
                Row(
                    task=task,
                    time=row[roles["time"]].text if "time" in roles else "",
                    leads=_agencies(row[roles["lead"]].text) if "lead" in roles else (),
                    partners=_agencies(row[roles["coordinate"]].text)
                    if "coordinate" in roles
                    else (),
                    provenance=row[roles["task"]].provenance
                    if row[roles["task"]].text
                    else row[0].provenance,
                    year=year,
                )
            )
    return out


def annex_deadlines(rows: list[Row], issue_date: str | None) -> list[Deadline]:
    """Deadlines written in the time column, each with its task and lead agencies."""
    out: list[Deadline] = []
    for row in rows:
        for deadline in deadlines_in_text(
            row.time, row.provenance, ", ".join(row.leads) or None, issue_date, row.year
        ):
            out.append(deadline.model_copy(update={"action": row.task}))
    return out
