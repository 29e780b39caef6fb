"""One reading of a document: segments, frames and item trees, turned into nodes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.structure.frame import Frame, Segment, frame, segments
from pipeline.structure.levels import Item, items_of
from pipeline.structure.lines import TextLine, numbered_lines, provenance
from pipeline.structure.nodes import NodeWriter
from pipeline.structure.tables import HEAD_NUMBER, Table, find_tables
from schemas import Attachment, DocumentStructure, DocumentText, FramePart, Node, NodeKind


@dataclass
class SegmentReading:
    """One document of the file: its segment, frame, body items and closing lines."""

    segment: Segment
    frame: Frame
    items: list[Item] = field(default_factory=list)


@dataclass
class Reading:
    """Everything the structure read from a document, for the node and block views."""

    lines: list[TextLine]
    parts: list[SegmentReading]
    tables: list[Table] = field(default_factory=list)

    @property
    def parent(self) -> SegmentReading:
        return self.parts[0]


def read_document(doc: DocumentText) -> Reading:
    """Lines, the parent document and its attachments, each framed and read into items."""
    lines = numbered_lines(doc)
    tables: list[Table] = []
    if _may_hold_table(doc, lines):
        tables = find_tables(numbered_lines(doc, keep_numbers=True))
    parts: list[SegmentReading] = []
    for segment in segments(lines):
        if segment.annex:
            frame_ = Frame(segment.doc_type, segment.start + 1, segment.end, segment.end)
        else:
            frame_ = frame(lines, segment)
        body = lines[frame_.body_start : frame_.closing_start]
        parts.append(SegmentReading(segment, frame_, items_of(body)))
    return Reading(lines, parts, tables)


def _may_hold_table(doc: DocumentText, lines: list[TextLine]) -> bool:
    """A cheap test before the tables are looked for: a line of cells, or a "STT" header line."""
    return any(line.cells for line in lines) or any(
        HEAD_NUMBER.match(line.text.strip()) for _, _, line in doc.numbered_lines()
    )


def _title(lines: list[TextLine], part: SegmentReading) -> tuple[str, str]:
    """The trích yếu under an attachment's type line and its "(Ban hành kèm theo …)" line."""
    from pipeline.structure.frame import _attached_by, type_of

    title: list[str] = []
    attached_by = ""
    seen_type = False
    for line in lines[part.segment.start : part.frame.body_start]:
        if not seen_type:
            seen_type = bool(type_of(line.text)) or part.segment.annex
            if part.segment.annex:
                title.append(line.text)
            continue
        if _attached_by(line.text.lstrip("(")) or attached_by:
            attached_by = f"{attached_by} {line.text}".strip()
        else:
            title.append(line.text)
    return " ".join(title).strip(), attached_by


def structure_of(reading: Reading) -> DocumentStructure:
    """The node view of a reading: the parent's preamble, body and closing, then attachments."""
    writer = NodeWriter(reading.tables)
    lines = reading.lines
    attachments: list[Attachment] = []
    for number, part in enumerate(reading.parts):
        parent_id: str | None = None
        base = ""
        if number > 0:
            title, attached_by = _title(lines, part)
            span = lines[part.segment.start : part.segment.end]
            label = _appendix_label(lines[part.segment.start : part.frame.body_start], part)
            base = label
            parent_id = writer.add(
                NodeKind.APPENDIX, label, title, base, FramePart.BODY, span, None
            )
            attachments.append(
                Attachment(
                    node=parent_id,
                    doc_type=part.frame.doc_type,
                    title=title,
                    attached_by=attached_by,
                    provenance=provenance(span),
                )
            )
        writer.items(part.items, parent_id, base, FramePart.PREAMBLE)
        closing = lines[part.frame.closing_start : part.frame.end]
        for index, line in enumerate(closing, 1):
            path = f"{base} > cuối văn bản {index}" if base else f"cuối văn bản {index}"
            writer.add(
                NodeKind.PARAGRAPH, "", line.text, path, FramePart.CLOSING, [line], parent_id
            )
    parent = reading.parent
    header = lines[parent.segment.start : parent.frame.body_start]
    closing = lines[parent.frame.closing_start : parent.frame.end]
    return DocumentStructure(
        doc_type=parent.frame.doc_type,
        header_lines=(header[0].no, header[-1].no) if header else None,
        closing_lines=(closing[0].no, closing[-1].no) if closing else None,
        nodes=tuple(writer.nodes),
        attachments=tuple(attachments),
    )


def _appendix_label(head: list[TextLine], part: SegmentReading) -> str:
    """ "Phụ lục I", "Kế hoạch", "Quy chế": how the attachment is cited."""
    if part.segment.annex and head:
        found = re.match(r"^(PH[UỤ]\s+L[UỤ]C(?:\s+[IVXLl\d]+)?)", head[0].text, re.IGNORECASE)
        if found:
            return found.group(1).capitalize()
    return part.frame.doc_type.capitalize() or "Phụ lục"


def build_structure(doc: DocumentText) -> DocumentStructure:
    """The frame and node tree of a document and of the documents attached after its signature."""
    return structure_of(read_document(doc))


def find_node(nodes: tuple[Node, ...] | list[Node], citation: str) -> Node | None:
    """The node a citation names: "điểm a khoản 2 Điều 5", "khoản 1 Mục II", innermost first."""
    steps = re.findall(
        r"(tiểu mục|phần|chương|mục|điều|khoản|điểm)\s+([\wđ.]+)", citation, re.IGNORECASE
    )
    wanted = [f"{word.lower()} {label}".lower() for word, label in reversed(steps)]
    if not wanted:
        return None
    for node in nodes:
        path = [step.strip().lower() for step in node.path.split(">")]
        if path[-1] != wanted[-1]:
            continue
        position = 0
        for step in path:
            if position < len(wanted) and step == wanted[position]:
                position += 1
        if position == len(wanted):
            return node
    return None
