"""A PDF page's text layer read with PDFium: words with boxes, font sizes and weights.

PDFium's text page holds every character in content order with its box and font, plus the spaces
and line breaks it infers from the gaps; the whole layer comes out in one call and only each word's
first and last characters are asked for their boxes, so a page costs a few milliseconds (pdfplumber
walked every character in Python: about 0.1 s a page). The words then go through the same row
grouping and column reading as OCR words (``pipeline.scan``).

Coordinates are PDF points from the page's top-left corner (y grows downwards), as pdfplumber gave
them, so the layout stage sees the same geometry whichever reader produced the page.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pypdfium2.raw as pdfium_c

from pipeline.scan import Row, Token
from schemas.common import nfc

WORD = re.compile(r"[^\s\x00-\x1f]+")
BOLD_WEIGHT = 600  # CSS scale: 700 is bold, 400 regular; semibold fonts count as bold
FORCE_BOLD = 1 << 18  # PDF font descriptor flag
ITALIC_FLAG = 1 << 6
_NAME_BUFFER = 128


@dataclass(frozen=True)
class LayerPage:
    """One page's text layer: its text as PDFium orders it, and how much of it is image."""

    width: float
    height: float
    text: str  # NFC is left to the caller; "\r\n" between the lines PDFium found
    image_cover: float  # share of the page under images, capped at 1


def page_box(page: Any) -> tuple[float, float, float, float]:
    """The page's crop box (left, bottom, right, top) in PDF points, as pdfplumber measures."""
    left, bottom, right, top = page.get_cropbox()
    return float(left), float(bottom), float(right), float(top)


def layer_text(textpage: Any) -> str:
    """All characters of a text page in order, generated spaces and line breaks included.

    One ``FPDFText_GetText`` call when PDFium's text view matches its character list (nearly
    always), else character by character so that index ``i`` of the text is character ``i``.
    """
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count <= 0:
        return ""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, buffer)
    text = bytes(memoryview(buffer)[: max(0, written - 1)]).decode("utf-16-le", errors="replace")
    if len(text) == count:
        return text.replace("\x00", "\ufffd")
    return "".join(_char(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(count))


def _char(code: int) -> str:
    """A character code from PDFium; 0 (no Unicode mapping) as the replacement character."""
    try:
        return chr(code) if code else "\ufffd"
    except (ValueError, OverflowError):
        return "\ufffd"


def image_cover(page: Any, box: tuple[float, float, float, float]) -> float:
    """Share of the page covered by images, forms' images included (capped at 1)."""
    left, bottom, right, top = box
    area = max(1e-6, (right - left) * (top - bottom))
    covered = 0.0
    for obj in _image_objects(page.raw):
        l_, b_, r_, t_ = (ctypes.c_float() for _ in range(4))
        if not pdfium_c.FPDFPageObj_GetBounds(obj, l_, b_, r_, t_):
            continue
        w = max(0.0, min(r_.value, right) - max(l_.value, left))
        h = max(0.0, min(t_.value, top) - max(b_.value, bottom))
        covered += w * h
    return min(1.0, covered / area)


def _image_objects(raw_page: Any, depth: int = 0) -> list[Any]:
    """Image objects of a page, descending into form XObjects (as far as PDFium reports them)."""
    found = []
    for index in range(pdfium_c.FPDFPage_CountObjects(raw_page)):
        obj = pdfium_c.FPDFPage_GetObject(raw_page, index)
        found += _classified(obj, depth)
    return found


def _form_images(form: Any, depth: int) -> list[Any]:
    found = []
    for index in range(pdfium_c.FPDFFormObj_CountObjects(form)):
        found += _classified(pdfium_c.FPDFFormObj_GetObject(form, index), depth)
    return found


def _classified(obj: Any, depth: int) -> list[Any]:
    kind = pdfium_c.FPDFPageObj_GetType(obj)
    if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return [obj]
    if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
        return _form_images(obj, depth + 1)
    return []


def read_layer(page: Any, textpage: Any) -> LayerPage:
    """The page's text and image cover: what decides between its text layer and OCR."""
    box = page_box(page)
    return LayerPage(
        width=box[2] - box[0],
        height=box[3] - box[1],
        text=layer_text(textpage),
        image_cover=image_cover(page, box),
    )


class _Fonts:
    """Bold and italic of the fonts met on one text page, asked once per font name."""

    def __init__(self, textpage: Any) -> None:
        self.textpage = textpage
        self.buffer = ctypes.create_string_buffer(_NAME_BUFFER)
        self.flags = ctypes.c_int()
        self.known: dict[bytes, tuple[bool, bool]] = {}

    def style(self, index: int) -> tuple[bool, bool]:
        """(bold, italic) of character ``index``'s font."""
        size = pdfium_c.FPDFText_GetFontInfo(
            self.textpage, index, self.buffer, _NAME_BUFFER, ctypes.byref(self.flags)
        )
        name = self.buffer.raw[: max(0, min(size, _NAME_BUFFER) - 1)]
        if name not in self.known:
            lowered = name.lower()
            weight = pdfium_c.FPDFText_GetFontWeight(self.textpage, index)
            bold = (
                b"bold" in lowered
                or b"black" in lowered
                or weight >= BOLD_WEIGHT
                or bool(self.flags.value & FORCE_BOLD)
            )
            italic = (
                b"italic" in lowered
                or b"oblique" in lowered
                or bool(self.flags.value & ITALIC_FLAG)
            )
            self.known[name] = (bold, italic)
        return self.known[name]


def layer_tokens(textpage: Any, text: str, box: tuple[float, float, float, float]) -> list[Token]:
    """The words of a text page (NFC) with boxes (points from the top-left), sizes and styles.

    A word's box spans its first and last characters' loose boxes (the font's full height, so
    that the words of one printed line share their vertical middle).
    """
    left, _, _, top = box
    rect = pdfium_c.FS_RECTF()
    fonts = _Fonts(textpage)
    tokens = []
    for match in WORD.finditer(text):
        first, last = match.start(), match.end() - 1
        pdfium_c.FPDFText_GetLooseCharBox(textpage, first, rect)
        x0, y_top, y_bottom = rect.left, rect.top, rect.bottom
        if last != first:
            pdfium_c.FPDFText_GetLooseCharBox(textpage, last, rect)
        x0, x1 = min(x0, rect.right), max(x0, rect.right)  # right-to-left runs come reversed
        y_top, y_bottom = max(y_top, rect.top), min(y_bottom, rect.bottom)
        bold, italic = fonts.style(first)
        word = match.group()
        tokens.append(
            Token(
                word if unicodedata.is_normalized("NFC", word) else nfc(word),
                x0 - left,
                top - y_top,
                x1 - left,
                top - y_bottom,
                size=round(pdfium_c.FPDFText_GetFontSize(textpage, first), 2),
                bold=bold,
                italic=italic,
            )
        )
    return tokens


def group_rows(tokens: list[Token]) -> list[Row]:
    """Tokens into rows: a token joins a recent row whose vertical middle it overlaps.

    Each row's extent is kept beside it, so a token costs a few comparisons, not a scan of the row.
    """
    rows: list[Row] = []
    extents: list[list[float]] = []
    for token in sorted(tokens, key=lambda t: (t.y0, t.x0)):
        middle = (token.y0 + token.y1) / 2
        for row, extent in zip(rows[-3:], extents[-3:], strict=True):
            if extent[0] <= middle <= extent[1]:
                row.append(token)
                extent[0], extent[1] = min(extent[0], token.y0), max(extent[1], token.y1)
                break
        else:
            rows.append([token])
            extents.append([token.y0, token.y1])
    return [sorted(row, key=lambda t: t.x0) for row in rows]
