"""One settings object for limits and switches, as the CLI flags mirror it."""

from __future__ import annotations

from pydantic import Field

from schemas.common import Frozen


class Limits(Frozen):
    """Limits that protect a batch from one hostile file; users may raise or lower them."""

    max_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    max_pages: int = Field(default=500, ge=1)
    max_pixels: int = Field(
        default=60_000_000, ge=1, description="per page or image, after rendering"
    )
    ocr_seconds_per_page: float = Field(default=120.0, gt=0)
    restore_seconds: float = Field(
        default=300.0, gt=0, description="per document, for diacritics restoration"
    )
    extract_seconds: float = Field(
        default=300.0, gt=0, description="per document, for structure and extraction"
    )
    read_seconds: float = Field(
        default=120.0, gt=0, description="per document, for reading a Word file or a web page"
    )


class PipelineSettings(Frozen):
    """What the pipeline does to one document."""

    limits: Limits = Limits()
    dpi: int = Field(default=300, ge=72, le=600)
    ocr_lang: str = "vie"
    restore: bool = Field(default=True, description="restore diacritics where the text needs it")
    force_ocr: bool = Field(
        default=False, description="OCR every PDF page, ignoring its text layer (a layer that lies)"
    )
