"""Awards: each named form (Bằng khen, Giấy khen, Cờ thi đua, Huân chương ...) with its grantor.

"Giấy khen của Thủ trưởng sở, ban, ngành, Chủ tịch Ủy ban nhân dân xã, phường" gives two awards, one
per grantor. The category is that of the nearest "hằng năm" (annual) or "tổng kết" (final) label.
"""

from __future__ import annotations

import re
from functools import cache

from extractors.agencies import canonical_agency
from extractors.nlp import VocabularyMatcher
from extractors.sections import Placed
from extractors.vocab import load_yaml
from schemas import Award, Block, BlockKind, Provenance

QUANTITY = re.compile(r"^\s*cho\s+(?:(?P<n>\d{1,4})\s+)?(?P<who>[^.;:]+)", re.IGNORECASE)


@cache
def _forms() -> tuple[str, ...]:
    return tuple(sorted(load_yaml("award_forms.yaml")["forms"], key=len, reverse=True))


@cache
def _form_matcher() -> VocabularyMatcher:
    """The award forms as spaCy phrases: found whether or not restoration left their marks."""
    return VocabularyMatcher(_forms())


def _category_marker(text: str) -> str | None:
    """ "annual" or "final" when the text's label (before a colon) says so."""
    vocab = load_yaml("award_forms.yaml")
    head = text.split(":", 1)[0].lower() if ":" in text[:80] else text[:60].lower()
    if any(word in head for word in vocab["annual"]):
        return "annual"
    if any(word in head for word in vocab["final"]):
        return "final"
    return None


@cache
def _grantor_matcher() -> VocabularyMatcher:
    """Words that open a grantor ("Chủ tịch", "Thủ trưởng"), found with or without their marks."""
    return VocabularyMatcher(tuple(load_yaml("award_forms.yaml")["grantor_heads"]))


def split_grantors(text: str) -> list[str]:
    """Split a grantor list at words that open a new grantor ("Chủ tịch", "Thủ trưởng", ...)."""
    cuts = [0]
    for head in _grantor_matcher().find(text):
        before = text[: head.start].rstrip()
        # A capital after "," or "và" opens the next grantor; "Phó Chủ tịch" or "của Ủy ban" do not.
        if text[head.start].isupper() and (before.endswith(",") or re.search(r"\svà$", before)):
            cuts.append(head.start)
    cuts.append(len(text))
    parts = [text[start:end] for start, end in zip(cuts, cuts[1:], strict=False)]
    parts = [re.sub(r"(?:,|\s+và)\s*$", "", part.strip()) for part in parts]
    return [part.strip(" ,") for part in parts if part.strip(" ,")]


def awards_in_text(text: str, category: str, prov: Provenance) -> list[Award]:
    """Every award form named in one item, with grantor, quantity and recipients where written."""
    awards: list[Award] = []
    matches = _form_matcher().find(text)
    for index, found in enumerate(matches):
        end = matches[index + 1].start if index + 1 < len(matches) else len(text)
        tail = text[found.end : end]
        grantor_text = ""
        rest = tail
        of = re.match(
            r"\s*(?:của|c[iut]{1,2}a)\s+(?P<g>[^;:.(]+?)(?=\s+cho\s+|\s*[;:.(]|\s+(?:tặng|trao)\s|$)",
            tail,
        )
        if of:
            grantor_text = of.group("g").strip(" ,")
            rest = tail[of.end() :]
            if (
                re.search(r"[;:.]\s*$", grantor_text) is None
                and re.match(r"^\s*[;.]", rest) is None
            ):
                grantor_text = re.split(r"\s*;\s*", grantor_text)[0]
        quantity = None
        recipients = None
        qty = QUANTITY.match(rest)
        if qty:
            quantity = int(qty.group("n")) if qty.group("n") else None
            recipients = qty.group("who").strip(" ,") or None
        grantors = split_grantors(grantor_text) if grantor_text else [""]
        for grantor in grantors:
            awards.append(
                Award(
                    form=found.phrase,
                    grantor=canonical_agency(grantor) if grantor else None,
                    category=category,  # type: ignore[arg-type]
                    quantity=quantity,
                    recipients=recipients,
                    provenance=prov,
                )
            )
    return awards


def _merge(awards: list[Award]) -> list[Award]:
    """One award per form, grantor, category and quantity; later mentions only fill gaps."""
    merged: list[Award] = []
    for award in awards:
        same = next(
            (
                kept
                for kept in merged
                if kept.form.lower() == award.form.lower()
                and kept.category == award.category
                and (award.grantor is None or kept.grantor == award.grantor)
                and (award.quantity is None or kept.quantity == award.quantity)
            ),
            None,
        )
        if same is None:
            merged.append(award)
        elif same.recipients is None and award.recipients:
            merged[merged.index(same)] = same.model_copy(update={"recipients": award.recipients})
    return merged


def extract_awards(placed: list[Placed]) -> tuple[Award, ...]:
    """Awards named under the plan's award headings, in order, categories carried down."""
    found: list[Award] = []
    state: dict[int, str] = {}
    current = "other"
    for entry in placed:
        if "awards" not in entry.categories or "annex" in entry.categories:
            continue
        block: Block = entry.block
        if block.kind in (BlockKind.SECTION, BlockKind.POINT, BlockKind.LETTER):
            current = state.get(id(entry.ancestors[-1]), "other") if entry.ancestors else "other"
        marker = _category_marker(block.text)
        if marker:
            current = marker
        state[id(block)] = current
        text = block.text
        if marker and ":" in text[:80]:
            text = text.split(":", 1)[1]
        found.extend(awards_in_text(text, current, block.provenance))
    return tuple(_merge(found))
