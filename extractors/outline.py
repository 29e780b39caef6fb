"""The document's outline: its section headings and the kinds of content each one announces.

Read from the same tree the plan is extracted from, with the same typing, so the stored
``sections`` table is what extraction saw: ``extractors.sections.place_blocks`` types a heading by
its words, else by what it holds, else by the heading above it (the lowest typed heading decides).
"""

from __future__ import annotations

from extractors.sections import place_blocks
from schemas import BlockKind, DocumentTree, Section

# Kinds of text that are not sections' content kinds (the opening and closing paragraphs).
NOT_CONTENT = frozenset({"preamble", "closing"})


def sections_of(tree: DocumentTree) -> tuple[Section, ...]:
    """Every section heading of the body, in reading order, typed as extraction typed it."""
    return tuple(
        Section(
            label=entry.block.label,
            heading=entry.block.text,
            categories=tuple(sorted(entry.categories - NOT_CONTENT)),
            provenance=entry.block.provenance,
        )
        for entry in place_blocks(tree)
        if entry.block.kind == BlockKind.SECTION
    )
