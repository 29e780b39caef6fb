"""The document tree: header, numbered sections and items, closing block."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from schemas.common import Frozen, NFCStr, Provenance
from schemas.structure import Attachment, Node


class BlockKind(StrEnum):
    """What a block is in the genre's structure (Nghị định 30/2020/NĐ-CP)."""

    SECTION = "section"  # "I. MỤC ĐÍCH, YÊU CẦU"
    POINT = "point"  # "1.", "5.2."
    LETTER = "letter"  # "a)", "đ)"
    BULLET = "bullet"  # "-", "+", "*"
    PARAGRAPH = "paragraph"


class Block(Frozen):
    """One heading or item with its text (lines joined) and the blocks under it."""

    kind: BlockKind
    label: NFCStr = Field(default="", description='the numbering as written: "I", "1.2", "a", "-"')
    text: NFCStr
    provenance: Provenance
    children: tuple[Block, ...] = ()

    def walk(self):  # type: ignore[no-untyped-def]
        """Yield this block and every block under it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


class DocumentTree(Frozen):
    """A plan split as the genre writes it: header lines, body blocks, closing lines."""

    header: tuple[NFCStr, ...] = ()
    header_provenance: tuple[Provenance, ...] = ()
    body: tuple[Block, ...] = ()
    closing: tuple[NFCStr, ...] = ()
    closing_provenance: tuple[Provenance, ...] = ()
    nodes: tuple[Node, ...] = Field(default=(), description="the tree of schemas.structure")
    attachments: tuple[Attachment, ...] = ()
