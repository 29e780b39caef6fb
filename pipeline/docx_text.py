"""Text of a Word file (.docx, read with python-docx): paragraphs and tables in reading order.

Every paragraph is a line (a manual line break inside it starts another), tables are written row
by row in the pipe convention (``pipeline.table_text``): a decree's header is a two-column table
("CHÍNH PHỦ | CỘNG HÒA …"). Numbers Word adds itself (automatic lists: "Điều %1.", "%1.",
"%1)") are not in the paragraph's text; they are counted here from the file's numbering
definitions, as Word prints them, since a khoản without its "2." is not a khoản. Running page
headers and footers are not the document's text and are left out. Text typed in a legacy font
encoding (TCVN3 ".VnTime", VNI) is converted to Unicode, as for PDF text layers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pipeline.legacy_encoding import legacy_layer_encoding, translate_legacy
from pipeline.table_text import Cell, row_lines
from schemas.common import nfc

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip
BULLETS = "-+•–*"


def _val(element: Any, tag: str) -> str | None:
    found = element.find(f"{W}{tag}") if element is not None else None
    return found.get(f"{W}val") if found is not None else None


def _roman(number: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while number >= value:
            out, number = out + letters, number - value
    return out


def _letters(number: int) -> str:
    """Word's letter numbering: a … z, then aa, bb …"""
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def format_number(number: int, style: str) -> str:
    """A list counter in one of Word's number formats (``w:numFmt``)."""
    formats = {
        "decimal": str,
        "decimalZero": lambda n: f"{n:02d}",
        "lowerLetter": _letters,
        "upperLetter": lambda n: _letters(n).upper(),
        "lowerRoman": lambda n: _roman(n).lower(),
        "upperRoman": _roman,
        "none": lambda n: "",
    }
    return formats.get(style, str)(number)


@dataclass(frozen=True)
class Level:
    """One level of a list definition: where it starts, its format, its text ("%1.")."""

    start: int = 1
    style: str = "decimal"
    text: str = "%1."


@dataclass(frozen=True)
class ListInstance:
    """A ``w:num``: the definition it numbers by, and the levels it restarts ("Restart at 1")."""

    abstract: str
    levels: dict[int, Level]
    restarts: dict[int, int]  # ilvl → start (``w:lvlOverride/w:startOverride``)


@dataclass
class Numbering:
    """The file's lists and their counters. As in Word, lists that share a definition share
    its counters (numbering continues from one to the next) unless a list restarts a level."""

    lists: dict[str, ListInstance] = field(default_factory=dict)  # numId → its list
    counters: dict[str, list[int]] = field(default_factory=dict)  # abstractNumId → per level
    restarted: set[tuple[str, int]] = field(default_factory=set)

    @classmethod
    def of(cls, document: Any) -> Numbering:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls()  # a file with no lists
        abstract = {
            node.get(f"{W}abstractNumId"): {
                int(level.get(f"{W}ilvl", "0")): Level(
                    int(_val(level, "start") or 1),
                    _val(level, "numFmt") or "decimal",
                    _val(level, "lvlText") or "",
                )
                for level in node.findall(f"{W}lvl")
            }
            for node in root.findall(f"{W}abstractNum")
        }
        lists = {}
        for num in root.findall(f"{W}num"):
            abstract_id = _val(num, "abstractNumId") or ""
            restarts = {
                int(override.get(f"{W}ilvl", "0")): int(_val(override, "startOverride") or 1)
                for override in num.findall(f"{W}lvlOverride")
                if override.find(f"{W}startOverride") is not None
            }
            lists[num.get(f"{W}numId")] = ListInstance(
                abstract_id, abstract.get(abstract_id, {}), restarts
            )
        return cls(lists)

    def label(self, num_id: str, ilvl: int) -> str:
        """The number Word prints before the next paragraph of list ``num_id`` at ``ilvl``."""
        instance = self.lists.get(num_id)
        level = instance.levels.get(ilvl) if instance else None
        if instance is None or level is None or num_id == "0":
            return ""
        if level.style == "bullet":
            return level.text if level.text in BULLETS and level.text else "-"
        levels = instance.levels
        counts = self.counters.setdefault(instance.abstract, [0] * 10)
        start = level.start
        if ilvl in instance.restarts and (num_id, ilvl) not in self.restarted:
            self.restarted.add((num_id, ilvl))
            counts[ilvl], start = 0, instance.restarts[ilvl]
        for deeper in range(ilvl + 1, len(counts)):
            counts[deeper] = 0
        for above in range(ilvl):  # a sublist with no parent item yet counts from its start
            if counts[above] == 0 and above in levels:
                counts[above] = levels[above].start
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else start
        text = level.text
        for index in range(ilvl + 1):
            shown = levels.get(index, Level())
            text = text.replace(f"%{index + 1}", format_number(counts[index], shown.style))
        return text


def _list_of(paragraph: Any, styles: dict[str, Any]) -> tuple[str, int] | None:
    """(numId, level) of a paragraph in an automatic list, from its own properties or style."""
    properties = paragraph.find(f"{W}pPr")
    num = properties.find(f"{W}numPr") if properties is not None else None
    style_id = _val(properties, "pStyle")
    seen: set[str] = set()
    while num is None and style_id and style_id not in seen:
        seen.add(style_id)
        style = styles.get(style_id)
        if style is None:
            break
        style_properties = style.find(f"{W}pPr")
        num = style_properties.find(f"{W}numPr") if style_properties is not None else None
        style_id = _val(style, "basedOn")
    num_id = _val(num, "numId")
    if num is None or num_id is None:
        return None
    return num_id, int(_val(num, "ilvl") or 0)


@dataclass
class _Reader:
    numbering: Numbering
    styles: dict[str, Any]
    seen_cells: set[int] = field(default_factory=set)

    def paragraph(self, element: Any) -> list[str]:
        text = "".join(_texts(element))
        listed = _list_of(element, self.styles)
        label = self.numbering.label(*listed) if listed else ""
        lines = text.split("\n")
        if label and text.strip():
            lines[0] = f"{label} {lines[0].lstrip()}"
        return lines

    def blocks(self, parent: Any) -> Iterator[str]:
        """Lines of the paragraphs and tables under ``parent`` (the body, a cell), in order."""
        for child in parent:
            if child.tag == f"{W}p":
                yield from self.paragraph(child)
            elif child.tag == f"{W}tbl":
                yield from self.table(child)
            elif child.tag == f"{W}sdt":  # a content control wraps paragraphs of the body
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    yield from self.blocks(content)

    def table(self, table: Any) -> Iterator[str]:
        for row in table.findall(f"{W}tr"):
            cells = [cell for cell in row.findall(f"{W}tc") if not _continues_merge(cell)]
            if any(cell.find(f".//{W}tbl") is not None for cell in cells):
                for cell in cells:  # a layout table holding tables: cell by cell
                    yield from row_lines([list(self.blocks(cell))])
                continue
            texts: list[Cell] = [list(self.blocks(cell)) for cell in cells]
            yield from row_lines(texts)


def _continues_merge(cell: Any) -> bool:
    """A cell merged into the one above it (``w:vMerge`` without "restart"): its text is there."""
    properties = cell.find(f"{W}tcPr")
    merge = properties.find(f"{W}vMerge") if properties is not None else None
    return merge is not None and merge.get(f"{W}val") in (None, "continue")


def _texts(paragraph: Any) -> Iterator[str]:
    """A paragraph's characters as Word shows them: runs (in hyperlinks, fields and insertions
    too), tabs as spaces, breaks as new lines; deleted text and field codes are not shown."""
    for node in paragraph.iter():
        tag = node.tag
        if tag == f"{W}t":
            yield node.text or ""
        elif tag == f"{W}tab":
            yield " "
        elif tag in (f"{W}br", f"{W}cr"):
            yield "\n"


def docx_lines(path: Any) -> list[str]:
    """The lines of a .docx file, NFC; raises what python-docx raises for a broken file."""
    import docx  # python-docx (MIT): imported only when a Word file is read

    document = docx.Document(str(path))
    styles = {
        style.get(f"{W}styleId"): style for style in document.styles.element.findall(f"{W}style")
    }
    reader = _Reader(Numbering.of(document), styles)
    lines = list(reader.blocks(document.element.body))
    encoding = legacy_layer_encoding("\n".join(lines))
    if encoding is not None:
        lines = [translate_legacy(line, encoding) for line in lines]
    return [nfc(line.rstrip()) for line in lines]
