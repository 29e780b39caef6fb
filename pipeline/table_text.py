"""Tables of Word files and web pages written as text lines, in the corpus's pipe convention.

The corpus's converted documents write a table row as "|ỦY BAN NHÂN DÂN |CỘNG HÒA … |", one text
line per printed line of the cells, and ``pipeline.layout.table_cells`` reads that form back (the
header's two columns, a plan's table rows). A .docx or HTML reader hands its table here as rows
of cells, each cell its lines, and gets the same lines back. A table used only to lay a page out
(one filled cell a row, or tables inside its cells) is not a table of the document: its cells'
lines come out as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Cell = Sequence[str]
"""A cell's text, one entry per paragraph or line break."""


# The short rule printed under the issuer's name and the motto (Nghị định 30/2020/NĐ-CP), typed
# as dashes by portals: a drawing, not text, and beside the motto it hides the header's rows.
RULE = re.compile(r"^[-_–—=.*\s]+$")


def _filled(cell: Cell) -> list[str]:
    return [
        line for line in (" ".join(part.split()) for part in cell) if line and not RULE.match(line)
    ]


def _label_value_pairs(filled: list[list[str]]) -> list[str] | None:
    """A row of "label:" cells each followed by its value ("Số hiệu: | 45/2024/NĐ-CP | Loại văn
    bản: | Nghị định"), a portal's attribute block: one "label: value" line per pair."""
    if len(filled) < 2 or len(filled) % 2:
        return None
    labels, values = filled[0::2], filled[1::2]
    if not all(len(label) == 1 and label[0].endswith(":") for label in labels):
        return None
    return [
        f"{label[0]} {' '.join(value)}".strip() for label, value in zip(labels, values, strict=True)
    ]


def row_lines(cells: Sequence[Cell]) -> list[str]:
    """One row as lines: "| a | b |" per printed line when two or more cells hold text, else
    the one filled cell's lines as they are; label/value pairs as "label: value" lines."""
    filled = [_filled(cell) for cell in cells]
    if sum(1 for lines in filled if lines) < 2:
        return [line for lines in filled for line in lines]
    pairs = _label_value_pairs(filled)
    if pairs is not None:
        return pairs
    depth = max(len(lines) for lines in filled)
    return [
        "| " + " | ".join(lines[i] if i < len(lines) else "" for lines in filled) + " |"
        for i in range(depth)
    ]


def attribute_lines(rows: Sequence[Sequence[Cell]]) -> list[str] | None:
    """A table of label/value pairs only (a portal's attribute block) as "label: value" lines,
    or None when any row holding two cells is something else."""
    found: list[str] = []
    for cells in rows:
        filled = [lines for lines in (_filled(cell) for cell in cells) if lines]
        if len(filled) < 2:
            continue
        pairs = _label_value_pairs(filled)
        if pairs is None:
            return None
        found.extend(pairs)
    return found or None


def table_lines(rows: Sequence[Sequence[Cell]]) -> list[str]:
    """Every row of a table, in order (``row_lines``)."""
    return [line for cells in rows for line in row_lines(cells)]
