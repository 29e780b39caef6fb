"""Tables of a body: column headers and the rows under them, from the three shapes text takes.

- Cells on one line: a "|" rule between cells (pipe tables), runs of spaces (aligned plain text),
  or words standing far apart on a line with word boxes (OCR, PDF text layers) —
  ``lines.line_cells`` cuts them. A run of such lines is a table; its first line is the header.
- Stacked cells (text copied from a .docx or a PDF table): one cell a line, the header opening
  with "STT"/"TT", each row opening with its number alone on a line ("1", "2", …; "I", "II" for a
  group of rows), an empty cell a blank line.

A row keeps its cells under their column names; rows numbered under a Roman group row nest under
it. The tables are a view of the node tree only: extraction reads the same lines as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.structure.lines import TERMINAL, TextLine
from pipeline.structure.numbering import read_markers, roman_value

HEAD_NUMBER = re.compile(r"^(?:S[ốo]\s*)?S?TT\.?$", re.IGNORECASE)
LIST_ITEM = re.compile(r"^\W?\s*(?:[-+•*]|[a-zđ]\)|\d{1,2}\.\s)")
MAX_COLUMNS = 12
MAX_HEADER_CELL = 60


@dataclass
class Row:
    """One row: its number as printed, its cells by column, its lines, rows grouped under it."""

    label: str
    cells: dict[str, str]
    lines: list[TextLine]
    children: list[Row] = field(default_factory=list)


@dataclass
class Table:
    """A table: column names in order, every line it spans (header included), its rows."""

    columns: tuple[str, ...]
    lines: list[TextLine]
    rows: list[Row]

    @property
    def span(self) -> tuple[int, int]:
        return self.lines[0].no, self.lines[-1].no


def find_tables(lines: list[TextLine]) -> list[Table]:
    """Every table in ``lines`` (read with ``numbered_lines(keep_numbers=True)``), in order."""
    tables: list[Table] = []
    index = 0
    while index < len(lines):
        table = _stacked(lines, index) or _inline(lines, index)
        if table is None:
            index += 1
            continue
        tables.append(table)
        index += len(table.lines)
    return tables


# -- one cell a line --------------------------------------------------------------------------


def _row_value(text: str) -> tuple[str, int] | None:
    """A row number alone on its line: ("arabic", 3) for "3", ("roman", 2) for "II"."""
    token = text.strip().rstrip(".")
    if token.isdigit() and len(token) <= 3:
        return "arabic", int(token)
    if re.fullmatch(r"[IVX]{1,4}", token):
        value = roman_value(token)
        return ("roman", value) if value else None
    return None


def _stacked(lines: list[TextLine], start: int) -> Table | None:
    if not HEAD_NUMBER.match(lines[start].text):
        return None
    index = start + 1
    header: list[str] = [lines[start].text]
    while index < len(lines) and _row_value(lines[index].text) is None:
        text = lines[index].text
        if len(text) > MAX_HEADER_CELL or len(header) > MAX_COLUMNS:
            return None
        if text[:1].islower() or text[:1] == "(":
            header[-1] = f"{header[-1]} {text}"  # "Trách nhiệm" / "thực hiện": one cell
        else:
            header.append(text)
        index += 1
    if len(header) < 2 or index >= len(lines):
        return None
    columns = _unique(header)
    rows, end = _stacked_rows(lines, index, columns)
    if not rows:
        return None
    return Table(columns, lines[start:end], rows)


def _stacked_rows(
    lines: list[TextLine], index: int, columns: tuple[str, ...]
) -> tuple[list[Row], int]:
    """Rows from ``index`` on, each opening with its number; the end of the table."""
    rows: list[Row] = []
    groups = 0
    last = 0
    content_cells = len(columns) - 1
    while index < len(lines):
        found = _row_value(lines[index].text)
        opens = found is not None and (
            (found[0] == "arabic" and found[1] in (last + 1, 1))
            or (found[0] == "roman" and found[1] == groups + 1)
        )
        if not opens or found is None:
            break
        kind, value = found
        body_end = index + 1
        while body_end < len(lines) and not _next_row(lines[body_end], last, groups, value, kind):
            if _leaves_table(lines[body_end]) and (
                body_end > index + 1 or _law_head(lines[body_end])
            ):
                break  # an empty row of a form ("1" alone) never takes the next Điều as a cell
            if body_end - index > 3 * len(columns):
                break
            body_end += 1
        following = lines[body_end] if body_end < len(lines) else None
        trailing = following.gap_before if following and _row_value(following.text) else 0
        cells = _fit(_slots(lines[index + 1 : body_end], trailing), content_cells)
        row = Row(lines[index].text.rstrip("."), dict(zip(columns[1:], cells, strict=True)),
                  lines[index:body_end])  # fmt: skip
        if kind == "roman":
            groups, last = value, 0
            rows.append(row)
        else:
            last = value
            (rows[-1].children if rows and groups else rows).append(row)
        index = body_end
        if body_end < len(lines) and _leaves_table(lines[body_end]):
            break
    return rows, index


def _next_row(line: TextLine, last: int, groups: int, current: int, kind: str) -> bool:
    """Whether a line opens the next row: the next number, 1 after a group row, the next group."""
    found = _row_value(line.text)
    if found is None:
        return False
    number = current if kind == "arabic" else 0
    return (found[0] == "arabic" and found[1] in (number + 1, 1)) or (
        found[0] == "roman" and found[1] == (current if kind == "roman" else groups) + 1
    )


def _law_head(line: TextLine) -> bool:
    heads = ("part", "chapter", "article", "legal_section")
    return any(marker.style in heads for marker in read_markers(line.text))


def _leaves_table(line: TextLine) -> bool:
    """A line of the text after the table: a numbered item or heading of the document."""
    for marker in read_markers(line.text):
        if marker.style in ("part", "chapter", "article", "legal_section"):
            return True  # "Điều l3, Trọng số …": a head of the law, however OCR printed it
        if marker.loose:
            continue
        if marker.style in ("letter", "roman"):
            return True
        if marker.style == "arabic1" and marker.text[:1].isupper():
            return True
    return False


def _slots(lines: list[TextLine], trailing: int) -> list[str]:
    """A row's cells as printed: one a line, an empty cell for each blank line between them."""
    out: list[str] = []
    for number, line in enumerate(lines):
        if number:
            out += [""] * line.gap_before
        out.append(line.text)
    return out + [""] * trailing


def _fit(slots: list[str], count: int) -> list[str]:
    """``count`` cells from a row's slots: a wrapped cell's lines joined, missing cells empty."""
    slots = list(slots)
    while len(slots) > count and slots and slots[-1] == "":
        slots.pop()
    while len(slots) > count:
        joinable = [
            i for i in range(len(slots) - 1)
            if slots[i] and slots[i + 1] and slots[i][-1:] not in TERMINAL
        ]  # fmt: skip
        if not joinable:
            joinable = [i for i in range(len(slots) - 1) if slots[i] and slots[i + 1]]
        if not joinable:
            slots = [s for s in slots if s] + [""] * count
            slots = slots[:count] if len(slots) > count else slots
            break
        # a continuation ("thực hiện", "(năm 2026)") first, else the shortest line: a cut title
        cont = [i for i in joinable if slots[i + 1][:1].islower() or slots[i + 1][:1] == "("]
        at = cont[0] if cont else min(joinable, key=lambda i: len(slots[i]))
        slots[at : at + 2] = [f"{slots[at]} {slots[at + 1]}"]
    return slots + [""] * (count - len(slots))


# -- cells on one line ------------------------------------------------------------------------


def _inline(lines: list[TextLine], start: int) -> Table | None:
    header = lines[start]
    if len(header.cells) < 2 or len(header.cells) > MAX_COLUMNS:
        return None
    if any(len(cell) > MAX_HEADER_CELL for cell in header.cells) or LIST_ITEM.match(header.text):
        return None  # "a) Số biên chế:   326 biên chế.", "+ …   + …": list items spaced out
    count = len(header.cells)
    if sum(bool(cell) for cell in header.cells) < 2:
        return None
    names = list(header.cells)
    index = start + 1
    while index < len(lines) and _second_line(lines[index], count):
        names = [f"{a} {b}".strip() for a, b in zip(names, lines[index].cells, strict=True)]
        index += 1  # "| STT | Trách nhiệm |" / "|  | thực hiện |": one header cell
    columns = _unique(names)
    rows: list[Row] = []
    groups = 0
    while index < len(lines):
        line = lines[index]
        if rows and _second_line(line, count):
            _continue_cells(rows, columns, line)
        elif len(line.cells) >= 2 and len(line.cells) <= count:
            cells = list(line.cells) + [""] * (count - len(line.cells))
            _add_row(rows, columns, cells, line, groups)
            if re.fullmatch(r"[IVX]{1,4}\.?", cells[0]):
                groups += 1
        elif rows and not line.cells and _wraps(line, lines, index):
            _continue_row(rows, columns, line)
        else:
            break
        index += 1
    if not rows:
        return None
    return Table(columns, lines[start:index], rows)


def _second_line(line: TextLine, count: int) -> bool:
    """A pipe line continuing the row above: as many cells, the first (its number) empty."""
    return len(line.cells) == count and not line.cells[0] and line.text.lstrip().startswith("|")


def _continue_cells(rows: list[Row], columns: tuple[str, ...], line: TextLine) -> None:
    """A row's next printed line joins its cells column by column."""
    row = rows[-1].children[-1] if rows[-1].children else rows[-1]
    for name, cell in zip(columns, line.cells, strict=True):
        if cell and name in row.cells:
            row.cells[name] = f"{row.cells[name]} {cell}".strip()
    row.lines.append(line)


def _wraps(line: TextLine, lines: list[TextLine], index: int) -> bool:
    """A line without cells inside a table: a wrapped cell, when a row follows it."""
    following = lines[index + 1] if index + 1 < len(lines) else None
    return (
        not line.blank_before
        and following is not None
        and len(following.cells) >= 2
        and not _leaves_table(line)
    )


def _add_row(rows: list[Row], columns: tuple[str, ...], cells: list[str], line: TextLine,
             groups: int) -> None:  # fmt: skip
    numbered = _row_value(cells[0]) is not None
    label = cells[0].rstrip(".") if numbered else ""
    values = cells[1:] if numbered else cells
    names = columns[1:] if numbered else columns
    row = Row(label, dict(zip(names, values, strict=False)), [line])
    group = re.fullmatch(r"[IVX]{1,4}", label) is not None
    if groups and not group and rows:
        rows[-1].children.append(row)
    else:
        rows.append(row)


def _continue_row(rows: list[Row], columns: tuple[str, ...], line: TextLine) -> None:
    """A wrapped line joins the row above, in its longest cell (the content column)."""
    row = rows[-1].children[-1] if rows[-1].children else rows[-1]
    if not row.cells:
        return
    column = max(row.cells, key=lambda name: len(row.cells[name]))
    row.cells[column] = f"{row.cells[column]} {line.text}".strip()
    row.lines.append(line)


def _unique(names: list[str]) -> tuple[str, ...]:
    """Column names, a repeated one numbered ("Thời gian (2)") so that each cell has its key."""
    out: list[str] = []
    for name in names:
        name = name.strip() or f"cột {len(out) + 1}"
        key, number = name, 2
        while key in out:
            key, number = f"{name} ({number})", number + 1
        out.append(key)
    return tuple(out)


def row_text(row: Row) -> str:
    """A row as one line: its non-empty cells under their column names."""
    return "; ".join(f"{name}: {value}" for name, value in row.cells.items() if value)


__all__ = ["Row", "Table", "find_tables", "row_text"]
