"""What came in: a file identified by its content."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field

from schemas.common import Frozen


class SourceKind(StrEnum):
    """File kinds the pipeline reads, detected from content, not from the name."""

    PDF = "pdf"
    IMAGE = "image"
    TEXT = "text"
    DOCX = "docx"  # a Word file (Office Open XML)
    HTML = "html"  # a saved web page: a legal portal's document page

    @property
    def paged(self) -> bool:
        """Read page by page, perhaps by OCR (PDF, images), rather than whole at once."""
        return self in (SourceKind.PDF, SourceKind.IMAGE)


class SourceDocument(Frozen):
    """One input file: its path as given, its sha256 identity and detected kind."""

    path: Path
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    kind: SourceKind
    size_bytes: int = Field(ge=0)
    media_type: str = ""
