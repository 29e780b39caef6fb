"""Which part of the plan each block belongs to: purposes, requirements, criteria, awards, ...

Headings are matched against ``data/vocab/sections.yaml`` with rapidfuzz, so "MUC PICH, YEU CAU"
left by OCR still reads as purposes and requirements. A block's kind of content is that of its
nearest classified heading; a heading may hold several
("TIÊU CHÍ THI ĐUA VÀ HÌNH THỨC KHEN THƯỞNG").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

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


# A heading part is typed by the vocabulary phrase it opens with, whole words only; what follows
# the phrase is a modifier ("Mục tiêu cụ thể đến năm 2030") unless it quotes a name or runs long,
# when the part is a title of its own ("Tổ chức thực hiện chương trình “Đối thoại …”").
MAX_MODIFIER_WORDS = 8
QUOTES = '“”"«»'
# OCR damage that leaves a whole heading a few letters off ("MUC PICH, YEU CAU") is still read;
# never a fuzzy prefix.
FUZZY_WHOLE = 88.0


@cache
def _phrases() -> dict[str, str]:
    """Vocabulary headings folded without diacritics, so that OCR-stripped headings still match."""
    return {fold_ascii(heading): category for heading, category in section_headings()}


@cache
def _phrases_longest_first() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_phrases().items(), key=lambda pair: -len(pair[0])))


def _opening_phrase(part: str) -> tuple[str, str] | None:
    """(phrase, category) of the longest vocabulary phrase that ``part`` opens with."""
    for phrase, category in _phrases_longest_first():
        if part == phrase:
            return phrase, category
        if part.startswith(phrase + " "):
            rest = part[len(phrase) :].strip()
            if len(rest.split()) <= MAX_MODIFIER_WORDS and not any(q in rest for q in QUOTES):
                return phrase, category
    return None


def _part_category(part: str) -> str | None:
    """The category of one heading phrase: its opening phrase, else a close whole heading."""
    found = _opening_phrase(part)
    close = _close_phrase(part) if len(part) >= 6 else None
    if close is not None and (found is None or len(close[0]) > len(found[0])):
        return close[1]  # "noi dung thi pua": the whole phrase a letter off beats "nội dung"
    return found[1] if found is not None else None


def _close_phrase(key: str) -> tuple[str, str] | None:
    """(phrase, category) of the vocabulary heading ``key`` is, exactly or a few letters off."""
    close = process.extractOne(key, list(_phrases()), scorer=fuzz.ratio)
    if close is not None and close[1] >= FUZZY_WHOLE:
        return close[0], _phrases()[close[0]]
    return None


def _close_whole(key: str) -> str | None:
    """The category of a heading the vocabulary has whole, exactly or a few letters off."""
    found = _close_phrase(key)
    return found[1] if found else None


def _coordinated_parts(key: str) -> list[tuple[str, ...]]:
    """Split "nội dung, tiêu chí thi đua" into parts, each sharing the last part's modifier.

    Coordinated head nouns share the trailing words: "nội dung" in "Nội dung và tiêu chí thi
    đua" means "nội dung thi đua", "hình thức" in "Hình thức và tiêu chuẩn khen thưởng" means
    "hình thức khen thưởng". The shared reading is tried first, then the bare noun.
    """
    parts = [part.strip() for part in re.split(r",|;|\s+va\s+|\s*&\s*", key) if part.strip()]
    if len(parts) < 2:
        return [(part,) for part in parts]
    # Head nouns of headings are two syllables ("tiêu chí", "hình thức", "nội dung").
    words = parts[-1].split()
    modifier = " ".join(words[2:]) if len(words) > 2 else ""
    out: list[tuple[str, ...]] = []
    for part in parts[:-1]:
        shared = (f"{part} {modifier}",) if modifier and len(part.split()) <= 2 else ()
        out.append((*shared, part))
    out.append((parts[-1],))
    return out


def _heading_key(text: str) -> str:
    """A heading folded for matching, its numbering ("II.", "1.2.", "a)") dropped."""
    key = fold_ascii(fold(text)).strip(" :.")
    return re.sub(r"^(?:[ivxlc]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s+", "", key)


def is_known_heading(text: str) -> bool:
    """Whether a line is a heading the vocabulary has whole, exactly or a few letters off: how
    ``pipeline.structure`` tells an unnumbered heading ("Mục tiêu cụ thể") from a paragraph."""
    key = _heading_key(text)
    return bool(key) and len(key) <= 90 and _close_whole(key) is not None


def heading_categories(text: str) -> frozenset[str]:
    """Kinds of content a heading announces ("MỤC ĐÍCH, YÊU CẦU" → purposes and requirements)."""
    key = _heading_key(text)
    if not key or len(key) > 130:
        return frozenset()
    parts = _coordinated_parts(key)
    # A coordinated heading is read part by part; as a whole only where the vocabulary has it.
    whole = _part_category(key) if len(parts) < 2 else _close_whole(key)
    found = {whole} if whole else set()
    if len(parts) > 1:
        shared: set[str] = set()
        for readings in parts:
            category = next(filter(None, map(_part_category, readings)), None)
            if category:
                shared.add(category)
        found |= shared
    if "purposes" in found and "requirements" in found:
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
        if heading and not own and block.children:
            own = content_categories(block)
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


# Share of a heading's items that must show a kind of content for the content to type it.
CONTENT_SHARE = 0.6


def _items_below(block: Block) -> list[Block]:
    """Every block under ``block`` that carries text, in reading order."""
    out: list[Block] = []
    for child in block.children:
        if child.text.strip():
            out.append(child)
        out.extend(_items_below(child))
    return out


@cache
def _award_forms_folded() -> tuple[str, ...]:
    return tuple(fold_ascii(form) for form in vocab_list("award_forms.yaml", "forms"))


def _names_award_form(text: str) -> bool:
    """Whether an item opens by naming an award form ("Bằng khen của Chủ tịch …")."""
    head = fold_ascii(re.sub(r"^[\W\d_]*(?:[a-zđ][.)]\s*)?", "", text))[:60]
    return any(head.startswith(form) or f" {form}" in head[:40] for form in _award_forms_folded())


def content_categories(block: Block) -> frozenset[str]:
    """The kind of content of a heading whose words say nothing, read from what it holds.

    Items (or sub-headings) naming award forms → awards; items opening with an agency and a
    verb → organisation (assignments); items holding numbers with units → targets.
    """
    from extractors.agencies import subject_of

    children = [child for child in block.children if child.text.strip()]
    items = _items_below(block)
    if not items:
        return frozenset()
    if children and sum(map(_names_award_form, (c.text for c in children))) >= max(
        1, CONTENT_SHARE * len(children)
    ):
        return frozenset({"awards"})
    led = sum(1 for item in items if (found := subject_of(item.text)) and found.task)
    if len(items) >= 2 and led >= CONTENT_SHARE * len(items):
        return frozenset({"organisation"})
    counted = sum(1 for item in items if _holds_targets(item.text))
    if len(items) >= 2 and counted >= CONTENT_SHARE * len(items):
        return frozenset({"targets"})
    return frozenset()


@lru_cache(maxsize=8192)
def _holds_targets(text: str) -> bool:
    """Whether an item holds a numeric target; cached, as an item under nested headings is
    asked about once for each of them."""
    from extractors.targets import targets_in_text

    return bool(targets_in_text(text))


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
