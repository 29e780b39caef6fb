"""Items as nodes (schemas.structure) and as the blocks extraction reads (schemas.layout).

Both views come from the same item tree. A node's ``path`` is the address a Vietnamese citation
uses, outermost first: "Chương II > Điều 5 > khoản 2 > điểm a"; in plans "Mục II > khoản 1 > điểm a"
(the Roman headings are "mục", as plans themselves cite them).
"""

from __future__ import annotations

from pipeline.structure.levels import Item
from pipeline.structure.lines import join_parts, provenance
from schemas import Block, BlockKind, FramePart, Node, NodeKind

NODE_KIND = {
    "part": NodeKind.PART,
    "chapter": NodeKind.CHAPTER,
    "legal_section": NodeKind.SECTION,
    "subsection": NodeKind.SUBSECTION,
    "roman": NodeKind.SECTION,
    "upper": NodeKind.SECTION,
    "article": NodeKind.ARTICLE,
    "heading": NodeKind.CLAUSE,
    "letter": NodeKind.POINT,
    "dash": NodeKind.BULLET,
    "plus": NodeKind.BULLET,
    "star": NodeKind.BULLET,
    "paragraph": NodeKind.PARAGRAPH,
    "formula": NodeKind.PARAGRAPH,
}
BLOCK_KIND = {
    "part": BlockKind.SECTION,
    "chapter": BlockKind.SECTION,
    "legal_section": BlockKind.SECTION,
    "subsection": BlockKind.SECTION,
    "roman": BlockKind.SECTION,
    "upper": BlockKind.SECTION,
    "article": BlockKind.POINT,
    "heading": BlockKind.POINT,
    "letter": BlockKind.LETTER,
    "dash": BlockKind.BULLET,
    "plus": BlockKind.BULLET,
    "star": BlockKind.BULLET,
    "paragraph": BlockKind.PARAGRAPH,
    "formula": BlockKind.PARAGRAPH,
}
PATH_WORD = {
    "part": "Phần",
    "chapter": "Chương",
    "legal_section": "Mục",
    "subsection": "Tiểu mục",
    "roman": "Mục",
    "article": "Điều",
    "letter": "điểm",
}


def node_kind(item: Item) -> NodeKind:
    if item.style.startswith("arabic"):
        return NodeKind.CLAUSE
    return NODE_KIND[item.style]


def block_kind(item: Item) -> BlockKind:
    if item.style.startswith("arabic"):
        return BlockKind.POINT
    return BLOCK_KIND[item.style]


def _step(item: Item, ordinal: int) -> str:
    """This item's step in a path: "Điều 5", "khoản 2", "điểm a", "đoạn 3"."""
    if item.style.startswith("arabic"):
        return f"khoản {item.label}"
    if item.style in PATH_WORD:
        return f"{PATH_WORD[item.style]} {item.label}".strip()
    if item.style in ("dash", "plus", "star"):
        return f"ý {ordinal}"
    if item.style in ("upper", "heading"):
        return item.text[:40]
    return f"đoạn {ordinal}"


class NodeWriter:
    """Numbers nodes in reading order across the parent document and its attachments."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []

    def add(
        self,
        kind: NodeKind,
        label: str,
        heading: str,
        path: str,
        part: FramePart,
        item_lines,  # type: ignore[no-untyped-def]
        parent: str | None,
    ) -> str:
        node_id = f"n{len(self.nodes) + 1}"
        self.nodes.append(
            Node(
                id=node_id,
                parent=parent,
                kind=kind,
                label=label,
                heading=heading,
                path=path,
                part=part,
                provenance=provenance(item_lines),
            )
        )
        return node_id

    def items(self, items: list[Item], parent: str | None, base: str, part: FramePart) -> None:
        """Nodes of ``items`` and everything under them; the preamble is the paragraphs before
        the first numbered item or heading of a body."""
        counts: dict[str, int] = {}
        for item in items:
            group = "bullet" if item.style in ("dash", "plus", "star") else item.style
            counts[group] = counts.get(group, 0) + 1
            own_part = part
            if part == FramePart.PREAMBLE and item.style not in ("paragraph",):
                part = own_part = FramePart.BODY
            step = _step(item, counts[group])
            path = f"{base} > {step}" if base else step
            node_id = self.add(
                node_kind(item), item.label, item.text, path, own_part, item.lines, parent
            )
            self.items(
                item.children,
                node_id,
                path,
                FramePart.BODY if own_part != FramePart.CLOSING else own_part,
            )


def to_block(item: Item) -> Block:
    """The extraction view of an item (schemas.layout.Block), children included."""
    text = item.text
    if item.style in ("part", "chapter", "legal_section", "subsection", "article"):
        text = join_parts([item.lines[0].text, *item.parts[1:]])  # "Điều 5. Trách nhiệm …"
    return Block(
        kind=block_kind(item),
        label=item.label,
        text=text,
        provenance=provenance(item.lines),
        children=tuple(to_block(child) for child in item.children),
    )
