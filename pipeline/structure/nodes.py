"""Items as nodes (schemas.structure) and as the blocks extraction reads (schemas.layout).

Both views come from the same item tree. A node's ``path`` is the address a Vietnamese citation
uses, outermost first: "Chương II > Điều 5 > khoản 2 > điểm a"; in plans "Mục II > khoản 1 > điểm a"
(the Roman headings are "mục", as plans themselves cite them).
"""

from __future__ import annotations

from pipeline.structure.levels import Item
from pipeline.structure.lines import join_parts, provenance
from pipeline.structure.tables import Row, Table, row_text
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
    """Numbers nodes in reading order across the parent document and its attachments; the items
    that read a table's lines give way to its table and row nodes."""

    def __init__(self, tables: list[Table] | None = None) -> None:
        self.nodes: list[Node] = []
        self.tables = tables or []
        self.written: set[int] = set()

    def add(
        self,
        kind: NodeKind,
        label: str,
        heading: str,
        path: str,
        part: FramePart,
        item_lines,  # type: ignore[no-untyped-def]
        parent: str | None,
        **table_fields,  # type: ignore[no-untyped-def]
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
                **table_fields,
            )
        )
        return node_id

    def _table_of(self, item: Item) -> int | None:
        """The index of the table whose lines the item opens in, if any."""
        first = item.lines[0].no
        for index, table in enumerate(self.tables):
            low, high = table.span
            if low <= first <= high:
                return index
        return None

    def _table_inside(self, item: Item) -> tuple[int, int] | None:
        """(the first of the item's lines in a table, that table) when its lines run into one."""
        for cut, line in enumerate(item.lines[1:], 1):
            for index, table in enumerate(self.tables):
                if table.span[0] <= line.no <= table.span[1]:
                    return cut, index
        return None

    def table(self, index: int, parent: str | None, base: str) -> None:
        """A table node and its rows, written once, under the item the table stands in."""
        if index in self.written:
            return
        self.written.add(index)
        table = self.tables[index]
        count = len([i for i in self.written if i <= index])
        path = f"{base} > bảng {count}" if base else f"bảng {count}"
        table_id = self.add(
            NodeKind.TABLE, "", " | ".join(table.columns), path, FramePart.BODY,
            table.lines, parent, columns=table.columns,
        )  # fmt: skip
        self._rows(table.rows, table_id, path)

    def _rows(self, rows: list[Row], parent: str, base: str) -> None:
        for ordinal, row in enumerate(rows, 1):
            path = f"{base} > dòng {row.label or ordinal}"
            row_id = self.add(
                NodeKind.ROW, row.label, row_text(row), path, FramePart.BODY, row.lines, parent,
                cells=dict(row.cells),
            )  # fmt: skip
            self._rows(row.children, row_id, path)

    def items(self, items: list[Item], parent: str | None, base: str, part: FramePart) -> None:
        """Nodes of ``items`` and everything under them; the preamble is the paragraphs before
        the first numbered item or heading of a body."""
        counts: dict[str, int] = {}
        for item in items:
            table = self._table_of(item) if self.tables else None
            if table is not None:
                self.table(table, parent, base)
                self.items(item.children, parent, base, part)
                continue
            group = "bullet" if item.style in ("dash", "plus", "star") else item.style
            counts[group] = counts.get(group, 0) + 1
            own_part = part
            if part == FramePart.PREAMBLE and item.style not in ("paragraph",):
                part = own_part = FramePart.BODY
            step = _step(item, counts[group])
            path = f"{base} > {step}" if base else step
            inner = self._table_inside(item) if self.tables else None
            lines, heading = item.lines, item.text
            if inner is not None:  # "a) … cụ thể:" whose wrapped lines ran into the table
                cut = inner[0]
                lines = item.lines[:cut]
                if len(item.parts) == len(item.lines):
                    heading = join_parts(item.parts[:cut])
            node_id = self.add(node_kind(item), item.label, heading, path, own_part, lines, parent)
            if inner is not None:
                self.table(inner[1], node_id, path)
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
