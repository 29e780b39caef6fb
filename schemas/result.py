"""One document through the whole chain, as the store keeps it."""

from __future__ import annotations

from pydantic import Field

from schemas.common import Frozen
from schemas.plan import PlanDocument
from schemas.source import SourceDocument
from schemas.text import DocumentText


class ProcessedDocument(Frozen):
    """The text as read and restored, and the plan extracted from it."""

    source: SourceDocument
    raw_text: DocumentText = Field(description="text as read from the file, before restoration")
    text: DocumentText = Field(description="text after restoration; lines match raw_text")
    plan: PlanDocument
    pipeline_version: str
    seconds: dict[str, float] = Field(default_factory=dict, description="seconds per stage")
