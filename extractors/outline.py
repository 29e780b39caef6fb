"""The document's outline: its section headings and the kinds of content each one announces.

Read from the same tree the plan is extracted from, so the stored ``sections`` table is what
extraction saw (``extractors.sections.heading_categories`` classifies both).
"""

from __future__ import annotations

from extractors.sections import heading_categories
from schemas import BlockKind, DocumentTree, Section


def sections_of(tree: DocumentTree) -> tuple[Section, ...]:
    """Every section heading of the body, in reading order."""
    return tuple(
        Section(
            label=block.label,
            heading=block.text,
            categories=tuple(sorted(heading_categories(block.text))),
            provenance=block.provenance,
        )
        for top in tree.body
        for block in top.walk()
        if block.kind == BlockKind.SECTION
    )
