"""Small value types shared by every stage."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.0"


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the only form kehoach reads or writes."""
    return unicodedata.normalize("NFC", text)


NFCStr = Annotated[str, AfterValidator(nfc)]
"""A string normalised to NFC on the way into any model."""


class Frozen(BaseModel):
    """Base of every schema: immutable values, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class BBox(Frozen):
    """A box on a page in pixels of the rendered page (or PDF points for text layers)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @model_validator(mode="after")
    def _ordered(self) -> BBox:
        if self.x1 < self.x0 or self.y1 < self.y0:
            raise ValueError(f"inverted box {self}")
        return self

    def union(self, other: BBox) -> BBox:
        """The smallest box holding both boxes."""
        return BBox(
            x0=min(self.x0, other.x0),
            y0=min(self.y0, other.y0),
            x1=max(self.x1, other.x1),
            y1=max(self.y1, other.y1),
        )


Confidence = Annotated[float, Field(ge=0.0, le=1.0)]


class Provenance(Frozen):
    """Where a fact stands in its source: page, line span, box where OCR gave one."""

    page: int = Field(ge=1)
    line_start: int = Field(ge=1, description="1-based line number in the document's text")
    line_end: int = Field(ge=1)
    bbox: BBox | None = None
    confidence: Confidence = 1.0

    @model_validator(mode="after")
    def _span(self) -> Provenance:
        if self.line_end < self.line_start:
            raise ValueError("line_end before line_start")
        return self
