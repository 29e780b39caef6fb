"""The tree extraction reads (``DocumentTree``): header lines, body blocks, closing lines.

It is one view of ``pipeline.structure``'s reading of the document (the other is the node list of
``schemas.DocumentStructure``): the frame of Nghị định 30/2020/NĐ-CP gives the header, body and
closing; documents printed after the signature ("KẾ HOẠCH … Ban hành kèm theo Quyết định số …")
add their bodies after the parent's, so that an approved plan yields its tasks and deadlines; a
"PHỤ LỤC" is kept line by line (blank lines too) for the annex tables. Every block keeps its
provenance: page, 1-based line span over the whole document, box, confidence.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pipeline.structure.build import Reading, read_document, structure_of
from pipeline.structure.lines import TextLine, clean_line, join_parts, provenance
from pipeline.structure.nodes import to_block
from schemas import (
    Block,
    BlockKind,
    DocumentText,
    DocumentTree,
    Line,
    PageText,
    Provenance,
    SourceDocument,
    SourceKind,
    TextMethod,
    nfc,
)

MOTTO = re.compile(r"(CỘNG\s+HÒA\s+XÃ\s+HỘI.*|Độc\s+lập\s*[-–]\s*Tự\s+do.*)", re.IGNORECASE)
PLACE_DATE = re.compile(
    r"(?<![\w/])([A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){0,4}\s*,\s*ngày\b.*)$"
)
NOI_NHAN = re.compile(r"^\W*n[oơ]i\s+nh[aậ]n\s*[:;.]?", re.IGNORECASE)
SIGNER_MARK = re.compile(r"(?:^|\s)(?:TM|KT|TL|TUQ|Q)\.\s*[A-ZĐÀ-Ỹ]")

__all__ = ["build_tree", "clean_line", "document_from_text", "join_parts", "source_for_text"]


def source_for_text(text: str, path: str | Path = "<text>") -> SourceDocument:
    """A SourceDocument for text held in memory, identified by the sha256 of its UTF-8 bytes."""
    data = nfc(text).encode("utf-8")
    return SourceDocument(
        path=Path(path),
        sha256=hashlib.sha256(data).hexdigest(),
        kind=SourceKind.TEXT,
        size_bytes=len(data),
        media_type="text/plain",
    )


def document_from_text(text: str, source: SourceDocument | None = None) -> DocumentText:
    """One page of plain text, one Line per input line; for tests, evaluation and plain files."""
    text = nfc(text)
    lines = tuple(Line(text=line) for line in text.splitlines())
    page = PageText(page_no=1, lines=lines, method=TextMethod.PLAIN)
    return DocumentText(source=source or source_for_text(text), pages=(page,))


def table_cells(text: str) -> list[str]:
    """The cells of a row written as a pipe table ("|ỦY BAN NHÂN DÂN | CỘNG HÒA ... |")."""
    if text.count("|") < 2:
        return [text]
    return [cell.strip() for cell in text.split("|") if cell.strip(" -")]


def split_header_line(text: str) -> list[str]:
    """Split a header line OCR read across both columns (issuer | motto, number | place, date)."""
    parts = []
    motto = MOTTO.search(text)
    if motto and motto.start() > 0:
        return [text[: motto.start()].strip(), motto.group(0).strip()]
    if re.match(r"^S[ốoô6]\s*[:.]", text, re.IGNORECASE):
        place = PLACE_DATE.search(text)
        if place and place.start() > 0:
            return [text[: place.start()].strip(), place.group(1).strip()]
    parts.append(text)
    return parts


def split_closing_line(text: str) -> list[str]:
    """Split a closing line that OCR read across both columns (recipients | signer)."""
    found = NOI_NHAN.match(text)
    if found and text[found.end() :].strip():
        return [text[: found.end()].strip(), *split_closing_line(text[found.end() :].strip())]
    two = re.search(r";\s+(?=[-+•]\s)", text)
    if two and text.startswith(("-", "+", "•")):
        return [text[: two.start() + 1].strip(), *split_closing_line(text[two.end() :].strip())]
    mark = SIGNER_MARK.search(text)
    if mark and mark.start() > 0:
        return [text[: mark.start()].strip(), text[mark.start() :].strip()]
    if text.startswith(("-", "+", "•")) and not re.match(r"^\W*L[ưu]u\b", text[1:].strip()):
        cut = max(text.rfind(";"), text.rfind("."))
        rest = text[cut + 1 :].strip() if cut > 0 else ""
        if rest and rest[:1].isupper() and not rest.startswith("("):
            return [text[: cut + 1].strip(), rest]
    return [text]


def _annex_rows(doc: DocumentText, first: int, last: int) -> tuple[Block, ...]:
    """An annex line by line, blank lines kept: its tables are one cell a line, blank if empty."""
    rows: list[Block] = []
    for number, page_no, line in doc.numbered_lines():
        if number <= first or number > last:
            continue
        row = TextLine(number, page_no, clean_line(line.text), line.bbox, line.confidence)
        rows.append(Block(kind=BlockKind.PARAGRAPH, text=row.text, provenance=provenance([row])))
    return tuple(rows)


def _split(lines: list[TextLine], split) -> list[tuple[str, Provenance]]:  # type: ignore[no-untyped-def]
    out: list[tuple[str, Provenance]] = []
    for line in lines:
        prov = provenance([line])
        for cell in table_cells(line.text):
            out.extend((part, prov) for part in split(cell) if part)
    return out


def _body(reading: Reading, doc: DocumentText) -> list[Block]:
    """The parent's body blocks, then each attached document's, then each annex line by line."""
    body: list[Block] = []
    annexes: list[Block] = []
    lines = reading.lines
    for part in reading.parts:
        if not part.segment.annex:
            body.extend(to_block(item) for item in part.items)
            continue
        annex_lines = lines[part.segment.start : part.segment.end]
        last = lines[part.segment.end].no - 1 if part.segment.end < len(lines) else 10**9
        annexes.append(
            Block(
                kind=BlockKind.SECTION,
                label="PHỤ LỤC",
                text=annex_lines[0].text,
                provenance=provenance(annex_lines),
                children=_annex_rows(doc, annex_lines[0].no, last),
            )
        )
    return body + annexes


def build_tree(doc: DocumentText) -> DocumentTree:
    """Split a document's lines into header, body block tree and closing block, with provenance."""
    reading = read_document(doc)
    structure = structure_of(reading)
    parent = reading.parent
    lines = reading.lines
    header = _split(lines[parent.segment.start : parent.frame.body_start], split_header_line)
    closing = _split(lines[parent.frame.closing_start : parent.frame.end], split_closing_line)
    return DocumentTree(
        header=tuple(text for text, _ in header),
        header_provenance=tuple(prov for _, prov in header),
        body=tuple(_body(reading, doc)),
        closing=tuple(text for text, _ in closing),
        closing_provenance=tuple(prov for _, prov in closing),
        nodes=structure.nodes,
        attachments=structure.attachments,
    )
