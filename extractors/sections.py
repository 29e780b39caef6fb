"""Which part of the plan each block belongs to: purposes, requirements, criteria, awards, ...

Headings are matched against ``data/vocab/sections.yaml`` with rapidfuzz, so "MUC PICH, YEU CAU"
left by OCR still reads as purposes and requirements. A block's kind of content is that of its
nearest classified heading; a heading may hold several
("TIÊU CHÍ THI ĐUA VÀ HÌNH THỨC KHEN THƯỞNG").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from diacritics.orthography import fold_ascii
from extractors.vocab import fold, section_headings, vocab_list
from schemas import Block, BlockKind, DocumentTree

NOTE = re.compile(r"^(?:lưu\s+ý|ghi\s+chú|chú\s+ý)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Placed:
    """A body block with the kinds of content it belongs to and the blocks above it."""

    block: Block
    categories: frozenset[str]
    heading: bool
    ancestors: tuple[Block, ...]


@cache
def _headings() -> dict[str, str]:
    """Vocabulary headings folded without diacritics, so that OCR-stripped headings still match."""
    return {fold_ascii(heading): category for heading, category in section_headings()}


def _part_category(part: str) -> tuple[str, float] | None:
    """The category of one heading phrase, by the closest vocabulary heading or a fuzzy prefix."""
    headings = _headings()
    found = process.extractOne(part, list(headings), scorer=fuzz.ratio)
    if found is not None and found[1] >= 88:
        return headings[found[0]], float(found[1])
    best: tuple[str, float] | None = None
    for heading, category in headings.items():
        if len(heading) >= 8 and len(part) > len(heading):
            score = fuzz.ratio(part[: len(heading)], heading)
            if score >= 90 and (best is None or len(heading) > best[1]):
                best = (category, float(len(heading)))
    return best


def heading_categories(text: str) -> frozenset[str]:
    """Kinds of content a heading announces ("MỤC ĐÍCH, YÊU CẦU" → purposes and requirements)."""
    key = fold_ascii(fold(text)).strip(" :.")
    if not key or len(key) > 130:
        return frozenset()
    whole = _part_category(key)
    parts = [part.strip() for part in re.split(r",\s*|\s+va\s+|\s*;\s*", key) if part.strip()]
    found = {whole[0]} if whole else set()
    if len(parts) > 1:
        for part in parts:
            category = _part_category(part)
            if category:
                found.add(category[0])
        if whole and whole[0] == "purposes" and "requirements" in found:
            found.add("purposes")
    return frozenset(found)


def is_heading(block: Block) -> bool:
    """Whether a block reads as a heading: a section, or a short numbered title over blocks."""
    text = block.text.strip()
    if block.kind == BlockKind.SECTION:
        return True
    if block.kind not in (BlockKind.POINT, BlockKind.LETTER) or len(text) > 130:
        return False
    return not text.endswith((".", ";")) and (bool(block.children) or len(text) < 60)


def place_blocks(tree: DocumentTree) -> list[Placed]:
    """Every body block in reading order with the content kinds it falls under."""
    placed: list[Placed] = []

    def visit(block: Block, inherited: frozenset[str], ancestors: tuple[Block, ...]) -> None:
        heading = is_heading(block)
        own = heading_categories(block.text) if heading else frozenset()
        if block.label == "PHỤ LỤC":
            own = frozenset({"annex"})
        categories = own or inherited
        if "annex" in inherited:
            categories = categories | {"annex"}  # everything in an annex stays in it
        placed.append(Placed(block, categories, heading and bool(own), ancestors))
        for child in block.children:
            visit(child, categories, (*ancestors, block))

    preamble = True
    for block in tree.body:
        if block.kind == BlockKind.SECTION:
            preamble = False
        if preamble and block.kind == BlockKind.PARAGRAPH:
            visit(block, frozenset({"preamble"}), ())
        elif block.kind == BlockKind.PARAGRAPH and _is_formula(block.text):
            visit(block, frozenset({"closing"}), ())
        else:
            visit(block, frozenset(), ())
    return placed


def _is_formula(text: str) -> bool:
    low = fold_ascii(text)
    return any(
        low.startswith(fold_ascii(s)) for s in vocab_list("sections.yaml", "closing_formulas")
    )


def is_note(block: Block) -> bool:
    """A "Lưu ý:" / "Ghi chú:" note, which is not an item of the list it follows."""
    return bool(NOTE.match(block.text))


def items_in(placed: list[Placed], category: str) -> list[Placed]:
    """Blocks under headings of ``category`` that are items, not headings or notes."""
    return [
        entry
        for entry in placed
        if category in entry.categories
        and not entry.heading
        and not (is_heading(entry.block) and entry.block.children)
        and not is_note(entry.block)
        and "annex" not in entry.categories
    ]
