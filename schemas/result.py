"""One document through the whole chain, as the store keeps it."""

from __future__ import annotations

from pydantic import Field

from schemas.common import Frozen, NFCStr, Provenance
from schemas.plan import Obligation, PlanDocument
from schemas.source import SourceDocument
from schemas.text import DocumentText


class Section(Frozen):
    """A section heading of the document as extraction read it, with what it files under it."""

    label: NFCStr = Field(description='the numbering as written: "I", "II", "PHỤ LỤC", or ""')
    heading: NFCStr
    categories: tuple[str, ...] = Field(
        default=(), description="kinds of content the heading announces (data/vocab/sections.yaml)"
    )
    provenance: Provenance


class ProcessedDocument(Frozen):
    """The text as read and restored, and the plan extracted from it."""

    source: SourceDocument
    raw_text: DocumentText = Field(description="text as read from the file, before restoration")
    text: DocumentText = Field(description="text after restoration; lines match raw_text")
    plan: PlanDocument
    obligations: tuple[Obligation, ...] = Field(
        description="who must do what by when: the plan's assignments and deadlines joined, "
        "derived where the document is processed so the one writer only stores rows"
    )
    sections: tuple[Section, ...] = Field(
        default=(), description="the section headings of the tree the plan was extracted from"
    )
    pipeline_version: str
    seconds: dict[str, float] = Field(default_factory=dict, description="seconds per stage")
