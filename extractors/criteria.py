"""Criteria grouped by target: "Đối với các sở, ban, ngành" with its bullets, "Về ..." with its."""

from __future__ import annotations

from extractors.sections import Placed, is_note
from schemas import Block, CriteriaGroup


def _item_texts(block: Block) -> list[str]:
    texts: list[str] = []
    for child in block.children:
        if is_note(child):
            continue
        if child.text.strip():
            texts.append(child.text.strip())
        texts.extend(_item_texts(child))
    return texts


def extract_criteria(placed: list[Placed]) -> tuple[CriteriaGroup, ...]:
    """Every block under a criteria heading that heads a list of items is one group."""
    groups: list[CriteriaGroup] = []
    claimed: set[int] = set()
    for entry in placed:
        block = entry.block
        if "criteria" not in entry.categories or entry.heading or "annex" in entry.categories:
            continue
        if not block.children or any(id(a) in claimed for a in entry.ancestors):
            continue
        items = _item_texts(block)
        if not items:
            continue
        claimed.add(id(block))
        groups.append(
            CriteriaGroup(
                target=block.text.strip().rstrip(":"),
                items=tuple(items),
                provenance=block.provenance,
            )
        )
    return tuple(groups)
