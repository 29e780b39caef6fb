"""Printed pages: a PDF page through its text layer or OCR, an image's frames through OCR.

A PDF page goes through its text layer only when that layer is real text covering the page; scans
often carry a layer holding only an e-signature stamp ("SAO Y; CÔNG AN TỈNH ...; 06/01/2026;
16:42:26; +07:00") over a full-page image, and such pages are read by OCR. ``pipeline.text``
chooses the reader by the file's kind; every limit is checked here before a page is read.
"""

from __future__ import annotations

import re
import subprocess
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from PIL import Image

from pipeline.legacy_encoding import legacy_layer_encoding, translate_legacy
from pipeline.ocr import (
    OcrTimeout,
    PreparedPage,
    finish_page,
    page_options,
    prepare_page,
    start_tesseract,
    stop_tesseract,
    tesseract_rows,
    tokens_to_line,
)
from pipeline.pdf_layer import LayerPage, group_rows, layer_tokens, page_box, read_layer
from pipeline.scan import Row, reading_order
from schemas import ErrorCode, KehoachError, Line, PageText, PipelineSettings, TextMethod
from schemas.common import nfc

# "SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 06/01/2026; 16:42:26; +07:00": a signing software's stamp
E_SIGNATURE = re.compile(
    r"\d{1,2}/\d{1,2}/\d{4}\s*;?\s*\d{1,2}:\d{2}(:\d{2})?\s*;?\s*[+-]\d{2}:?\d{2}"
)
MIN_LAYER_CHARS = 200  # a real page of a plan has more; stamps and headers alone have less
IMAGE_COVER = 0.5  # share of the page an image must cover to be a scan


PageLoad = PageText | Callable[[], PageText]
"""A page loaded: read when it had a text layer, else a call that runs Tesseract on it."""


@dataclass(frozen=True)
class PageReader:
    """An opened file: how many pages it has, and how to read one of them (0-based index).

    ``load``, where given, does a page's work but Tesseract (opening, rendering, cleaning), so
    that ``pipeline.page_pipeline`` loads the next page in a thread while Tesseract reads this one.
    """

    count: int
    read: Callable[[int], PageText]
    load: Callable[[int], PageLoad] | None = None


# ---------------------------------------------------------------- PDF


def _refusal(path: Path, cause: Exception) -> KehoachError:
    """Why a PDF cannot be opened: no pages, a password, or a broken file.

    PDFium's error text comes from a process-wide "last error" that a previous document may have
    left behind, so the verdict comes from pdfminer's exception and the file's own /Encrypt entry.
    """
    import pdfplumber

    try:
        with pdfplumber.open(str(path)) as pdf:
            if len(pdf.pages) == 0:
                return KehoachError(ErrorCode.EMPTY, path, "the PDF has no pages")
    except Exception as error:  # pdfminer raises many unrelated types for broken files
        cause = error
    name = type(cause).__name__
    if "Password" in name or "Encrypt" in name or _declares_encryption(path):
        return KehoachError(
            ErrorCode.ENCRYPTED, path, "the PDF is password-protected; kehoach cannot open it"
        )
    return KehoachError(ErrorCode.CORRUPT, path, f"not a readable PDF ({name}: {cause})")


def _declares_encryption(path: Path) -> bool:
    """Whether a trailer names an /Encrypt dictionary: at the end, or at the start if linearised."""
    with path.open("rb") as handle:
        head = handle.read(65536)
        handle.seek(max(0, path.stat().st_size - 65536))
        return b"/Encrypt" in head or b"/Encrypt" in handle.read()


def _open_pdf(path: Path) -> Any:
    """Open a PDF with PDFium; encrypted and corrupt files raise KehoachError."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        raise _refusal(path, error) from error


def _page_tree_count(path: Path) -> int:
    """The page count pdfminer reads from the page tree: a second opinion on broken files."""
    import pdfplumber

    try:
        with pdfplumber.open(str(path)) as plumbed:
            return len(plumbed.pages)
    except Exception as error:  # pdfminer raises many unrelated types for broken files
        raise _refusal(path, error) from error


@contextmanager
def pdf_reader(path: Path, settings: PipelineSettings) -> Iterator[PageReader]:
    """A PDF opened once; each page read through its text layer or OCR."""
    rendered = _open_pdf(path)
    try:
        count = _checked_page_count(path, rendered, settings)

        def load(index: int) -> PageLoad:
            return _pdf_page(path, rendered[index], index + 1, settings)

        def read(index: int) -> PageText:
            loaded = load(index)
            return loaded if isinstance(loaded, PageText) else loaded()

        yield PageReader(count, read, load)
    finally:
        rendered.close()


def _checked_page_count(path: Path, rendered: Any, settings: PipelineSettings) -> int:
    """The PDF's page count, refused when empty, too long, broken or with a page too large."""
    count = len(rendered)
    if count == 0:
        raise KehoachError(ErrorCode.EMPTY, path, "the PDF has no pages")
    if count > settings.limits.max_pages:
        raise KehoachError(
            ErrorCode.TOO_MANY_PAGES,
            path,
            f"{count} pages is over the limit of {settings.limits.max_pages} (raise --max-pages)",
        )
    if _page_tree_count(path) != count:
        raise KehoachError(
            ErrorCode.CORRUPT, path, "broken page tree: PDF readers disagree on the page count"
        )
    for number in range(count):
        width_pt, height_pt = rendered.get_page_size(number)
        # refused for every page, text layer or not: any page may have to be rendered
        _check_pixels(path, width_pt * settings.dpi / 72, height_pt * settings.dpi / 72, settings)
    return count


def layer_text(layer: LayerPage) -> str:
    """The page's text layer without e-signature stamps, NFC."""
    lines = [line for line in nfc(layer.text).splitlines() if not E_SIGNATURE.search(line)]
    return "\n".join(lines)


def is_garbage(text: str) -> bool:
    """A layer of glyph ids, private-use or replacement characters, or too few letters."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return False
    odd = text.count("(cid:") * 5 + sum(
        1 for c in visible if c == "\ufffd" or unicodedata.category(c) in ("Co", "Cc")
    )
    letters = [c for c in visible if c.isalpha()]
    # Vietnamese is written in Latin letters: a layer of CJK or other scripts is a font's
    # ToUnicode map gone wrong, and the page reads right only through OCR
    foreign = sum(1 for c in letters if c > "\u024f" and not "\u1e00" <= c <= "\u1eff")
    return (
        odd > len(visible) * 0.05
        or len(letters) < len(visible) * 0.4
        or foreign > len(letters) * 0.2
    )


def needs_ocr(layer: LayerPage) -> bool:
    """True when the text layer is missing, garbage, or a stamp over a full-page scan."""
    text = layer_text(layer)
    letters = sum(1 for c in text if c.isalnum())
    if is_garbage(text):
        return True
    if layer.image_cover >= IMAGE_COVER:
        return letters < MIN_LAYER_CHARS
    return False


def _layer_lines(textpage: Any, layer: LayerPage, box: tuple[float, ...]) -> tuple[Line, ...]:
    """Text-layer words grouped into printed lines, header and closing read column by column."""
    tokens = [
        token
        for token in layer_tokens(textpage, layer.text, box)
        if not E_SIGNATURE.search(token.text)
    ]
    rows = group_rows(tokens)
    rows = [row for row in rows if not E_SIGNATURE.search(" ".join(t.text for t in row))]
    return tuple(tokens_to_line(r, region) for r, region in reading_order(rows, layer.height))


def unicode_layer(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """A text layer typed in a legacy font encoding (TCVN3 ".VnTime", VNI) converted to Unicode
    word by word, as legacy .txt files are (``pipeline.legacy_encoding``); the boxes stay."""
    name = legacy_layer_encoding("\n".join(line.text for line in lines))
    if name is None:
        return lines
    return tuple(
        line.model_copy(
            update={
                "text": translate_legacy(line.text, name),
                "words": tuple(
                    word.model_copy(update={"text": translate_legacy(word.text, name)})
                    for word in line.words
                ),
            }
        )
        for line in lines
    )


def _check_pixels(path: Path, width: float, height: float, settings: PipelineSettings) -> None:
    """Refuse before rendering or decoding a page that would be too many pixels."""
    if width * height > settings.limits.max_pixels:
        raise KehoachError(
            ErrorCode.TOO_MANY_PIXELS,
            path,
            f"a page of {width:.0f}×{height:.0f} pixels is over the limit of "
            f"{settings.limits.max_pixels:,} (lower dpi or raise --max-pixels)",
        )


def _pdf_page(path: Path, rendered: Any, number: int, settings: PipelineSettings) -> PageLoad:
    """One PDF page: read from its text layer when real, else rendered and cleaned for OCR."""
    start = time.perf_counter()
    textpage = rendered.get_textpage()
    try:
        layer = read_layer(rendered, textpage)
        if not settings.force_ocr and not needs_ocr(layer):
            lines = unicode_layer(_layer_lines(textpage, layer, page_box(rendered)))
            return PageText(
                page_no=number,
                lines=lines,
                method=TextMethod.TEXT_LAYER,
                seconds=time.perf_counter() - start,
                width=layer.width,
                height=layer.height,
            )
    finally:
        textpage.close()
    dpi = settings.dpi  # scans at 250 dpi still read better rendered at 300 (1.46% vs 1.69% CER)
    width_pt, height_pt = rendered.get_size()
    _check_pixels(path, width_pt * dpi / 72, height_pt * dpi / 72, settings)
    return _ocr_load(lambda: rendered.render(scale=dpi / 72).to_pil(), dpi, number, settings, start)


def _ocr_load(
    image: Callable[[], Image.Image],
    dpi: int,
    number: int,
    settings: PipelineSettings,
    start: float,
) -> OcrLoad:
    """A page made and cleaned for OCR, its Tesseract started first: the model loads (about
    0.13 CPU s) while the page is rendered and cleaned, not while the reader waits for it."""
    started = start_tesseract(settings.ocr_lang, page_options(dpi))
    try:
        prepared = prepare_page(image(), dpi)
    except BaseException:
        stop_tesseract(started)
        raise
    return OcrLoad(prepared, number, settings, start, started)


def ocr_page_text(
    image: Image.Image,
    number: int,
    dpi: int,
    settings: PipelineSettings,
    start: float | None = None,
) -> PageText:
    """OCR one page image into a PageText; a timeout leaves the page empty with a warning."""
    start = time.perf_counter() if start is None else start
    return OcrLoad(prepare_page(image, dpi), number, settings, start)()


@dataclass(frozen=True)
class OcrLoad:
    """A page cleaned for OCR, waiting for Tesseract. Called, it is read; ``tesseract()`` runs
    only Tesseract and gives back the rest of the reading (the second reader, the lines), which
    needs no Tesseract, so that ``pipeline.page_pipeline`` runs it beside the next page's."""

    prepared: PreparedPage
    number: int
    settings: PipelineSettings
    start: float
    started: subprocess.Popen[str] | None = None  # its Tesseract, started ahead (``ocr``)

    def __call__(self) -> PageText:
        return self.tesseract()()

    def discard(self) -> None:
        """The page will not be read: its Tesseract, started and waiting, is ended."""
        if self.started is not None:
            stop_tesseract(self.started)

    def tesseract(self) -> Callable[[], PageText]:
        """Tesseract's rows of the page, and the call that finishes the page from them; a
        timeout leaves the page empty with a warning."""
        limit = self.settings.limits.ocr_seconds_per_page
        try:
            ordered = tesseract_rows(self.prepared, self.settings.ocr_lang, limit, self.started)
        except OcrTimeout as error:
            return partial(self._timed_out, error)
        return partial(self._finished, ordered)

    def _timed_out(self, error: OcrTimeout) -> PageText:
        return PageText(
            page_no=self.number,
            method=TextMethod.OCR,
            seconds=time.perf_counter() - self.start,
            width=float(self.prepared.image.width),
            height=float(self.prepared.image.height),
            warnings=(f"{ErrorCode.OCR_TIMEOUT}: {error}; page left empty",),
        )

    def _finished(self, ordered: list[tuple[Row, str]]) -> PageText:
        page = finish_page(self.prepared, ordered)
        warnings = (f"deskewed by {page.skew_degrees:.2f}°",) if page.deskewed else ()
        return PageText(
            page_no=self.number,
            lines=tuple(line for line in page.lines if not E_SIGNATURE.search(line.text)),
            method=TextMethod.OCR,
            seconds=time.perf_counter() - self.start,
            width=float(page.width),
            height=float(page.height),
            warnings=warnings,
        )


# ---------------------------------------------------------------- images


@contextmanager
def image_reader(path: Path, settings: PipelineSettings) -> Iterator[PageReader]:
    """An image file (multi-page TIFF included) opened once; each frame read through OCR."""
    try:
        image = Image.open(path)
    except Image.DecompressionBombError as error:
        raise KehoachError(ErrorCode.TOO_MANY_PIXELS, path, f"image too large: {error}") from error
    except Exception as error:  # Pillow raises several types for broken files
        raise KehoachError(ErrorCode.CORRUPT, path, f"not a readable image: {error}") from error
    with image:
        frames = getattr(image, "n_frames", 1)
        if frames > settings.limits.max_pages:
            raise KehoachError(
                ErrorCode.TOO_MANY_PAGES,
                path,
                f"{frames} pages is over the limit of {settings.limits.max_pages} "
                "(raise --max-pages)",
            )
        for frame in range(frames):
            image.seek(frame)
            _check_pixels(path, image.width, image.height, settings)
        load = partial(_image_frame, path, image, settings)
        yield PageReader(frames, lambda index: load(index)(), load)


def _image_frame(path: Path, image: Image.Image, settings: PipelineSettings, index: int) -> OcrLoad:
    """One frame of an open image, turned upright, on square pixels and cleaned for OCR."""
    from pipeline.upright import declared_dpi, square_pixels, upright

    start = time.perf_counter()
    image.seek(index)
    try:
        pixels = upright(image).convert("RGB")
    except Exception as error:
        raise KehoachError(ErrorCode.CORRUPT, path, f"broken image data: {error}") from error
    pixels, squared_dpi = square_pixels(pixels, declared_dpi(image))
    _check_pixels(path, pixels.width, pixels.height, settings)
    dpi = _image_dpi(squared_dpi, settings.dpi)
    return _ocr_load(lambda: pixels, dpi, index + 1, settings, start)


def _image_dpi(value: int, default: int) -> int:
    """The resolution an image declares when plausible, or the settings' dpi."""
    return value if 70 <= value <= 1200 else default
