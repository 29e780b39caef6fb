"""Text out of a file: pages, lines and words with their boxes and confidences."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from pydantic import Field

from schemas.common import BBox, Confidence, Frozen, NFCStr
from schemas.source import SourceDocument


class TextMethod(StrEnum):
    """How a page's text was obtained."""

    TEXT_LAYER = "text-layer"
    OCR = "ocr"
    PLAIN = "plain"


class Word(Frozen):
    """One OCR word (or text-layer word) with its box and confidence.

    Text-layer words also carry their font: size in points (the box spans the characters' font
    heights) and whether the font is bold or italic; OCR cannot tell, and leaves them unset.
    """

    text: NFCStr
    bbox: BBox | None = None
    confidence: Confidence = 1.0
    font_size: float | None = Field(default=None, gt=0)
    bold: bool | None = None
    italic: bool | None = None


class Line(Frozen):
    """One line of a page, in reading order."""

    text: NFCStr
    words: tuple[Word, ...] = ()
    bbox: BBox | None = None
    confidence: Confidence = 1.0
    region: str = Field(default="body", description="body | header-left | header-right | ...")
    font_size: float | None = Field(
        default=None, gt=0, description="median of the words' font sizes (text layers only)"
    )
    bold: bool | None = Field(default=None, description="every word bold (text layers only)")


class PageText(Frozen):
    """The lines of one page and how they were read."""

    page_no: int = Field(ge=1)
    lines: tuple[Line, ...] = ()
    method: TextMethod
    seconds: float = Field(default=0.0, ge=0.0)
    width: float | None = None
    height: float | None = None
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class DocumentText(Frozen):
    """Every page of one source document."""

    source: SourceDocument
    pages: tuple[PageText, ...]

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)

    @property
    def line_count(self) -> int:
        return sum(len(page.lines) for page in self.pages)

    def numbered_lines(self) -> Iterator[tuple[int, int, Line]]:
        """(line number, page number, line) of every line: the number ``Provenance`` counts,
        1-based over the whole document, blank lines included."""
        number = 0
        for page in self.pages:
            for line in page.lines:
                number += 1
                yield number, page.page_no, line
