"""The document model every Vietnamese administrative text shares (Nghị định 30/2020/NĐ-CP).

A document is a frame — header, type and trích yếu (title), preamble (căn cứ / thực hiện), body,
closing (signer, "Nơi nhận") — and, after the signature, the documents it issues or approves
("Ban hành kèm theo Quyết định số …": a Kế hoạch, Quy chế, Phụ lục), each read as a document of
its own genre. The body is a tree of nodes: Phần, Chương, Mục, Tiểu mục, Điều, khoản, điểm, bullets,
tables and paragraphs; plans number the same levels I., 1., a), -, +.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from schemas.common import Frozen, NFCStr, Provenance


class NodeKind(StrEnum):
    """A node's place in the genre's hierarchy."""

    PART = "part"  # "Phần thứ nhất", "Phần I"
    CHAPTER = "chapter"  # "Chương II"
    SECTION = "section"  # "Mục 1" under a Chương; in plans the Roman headings "II. NHIỆM VỤ"
    SUBSECTION = "subsection"  # "Tiểu mục 1"
    ARTICLE = "article"  # "Điều 5. Trách nhiệm thi hành"
    CLAUSE = "clause"  # khoản "2." (plans: "1.", "1.2.")
    POINT = "point"  # điểm "a)", "đ)"
    BULLET = "bullet"  # "-", "+", "•"
    TABLE = "table"
    ROW = "row"
    PARAGRAPH = "paragraph"
    APPENDIX = "appendix"  # a document after the signature: attached plan, regulation, Phụ lục


class FramePart(StrEnum):
    """Where a node stands in its document's frame."""

    PREAMBLE = "preamble"
    BODY = "body"
    CLOSING = "closing"


class Node(Frozen):
    """One unit of the tree: its numbering as printed, its heading or opening words, its address."""

    id: str = Field(description='"n1", "n2", … in reading order')
    parent: str | None = None
    kind: NodeKind
    label: NFCStr = Field(default="", description='numbering as printed: "5", "2", "a", "II"')
    heading: NFCStr = Field(default="", description="the title of a heading, else the item's text")
    path: NFCStr = Field(default="", description='"Chương II > Điều 5 > khoản 2 > điểm a"')
    part: FramePart = FramePart.BODY
    provenance: Provenance
    columns: tuple[NFCStr, ...] = Field(
        default=(), description="a table: its column headers in order"
    )
    cells: dict[NFCStr, NFCStr] = Field(
        default_factory=dict,
        description='a table row: its cells by column header ({"Nội dung": …, "Thời gian": …})',
    )


class Attachment(Frozen):
    """A document issued or approved with its parent, printed after the parent's signature."""

    node: str = Field(description="id of its appendix node")
    doc_type: NFCStr = Field(default="", description='"KẾ HOẠCH", "QUY CHẾ", "PHỤ LỤC", …')
    title: NFCStr = ""
    attached_by: NFCStr = Field(default="", description='"(Ban hành kèm theo Quyết định số …)"')
    provenance: Provenance


class DocumentStructure(Frozen):
    """The frame split and the node tree of one document and the documents attached to it."""

    doc_type: NFCStr = ""
    header_lines: tuple[int, int] | None = Field(
        default=None, description="1-based line span of the header, type and trích yếu"
    )
    closing_lines: tuple[int, int] | None = None
    nodes: tuple[Node, ...] = ()
    attachments: tuple[Attachment, ...] = ()
