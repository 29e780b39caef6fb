"""Text out of every kind of file: PDF text layers, scanned PDFs and images by OCR, plain text.

A PDF page goes through its text layer only when that layer is real text covering the page; scans
often carry a layer holding only an e-signature stamp ("SAO Y; CÔNG AN TỈNH ...; 06/01/2026;
16:42:26; +07:00") over a full-page image, and such pages are read by OCR. After reading, running
headers and page numbers are dropped and words hyphenated across lines are rejoined; every line
stays one printed line, as the layout stage expects.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from PIL import Image

from pipeline.docx_text import docx_lines
from pipeline.html_text import declared_charset, html_lines
from pipeline.legacy_encoding import decode_text_bytes, legacy_layer_encoding, translate_legacy
from pipeline.ocr import OcrTimeout, PreparedPage, prepare_page, recognise, tokens_to_line
from pipeline.pdf_layer import LayerPage, group_rows, layer_tokens, page_box, read_layer
from pipeline.scan import reading_order
from schemas import (
    DocumentText,
    ErrorCode,
    KehoachError,
    Line,
    PageText,
    PipelineSettings,
    SourceDocument,
    SourceKind,
    TextMethod,
)
from schemas.common import nfc

# "SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 06/01/2026; 16:42:26; +07:00": a signing software's stamp
E_SIGNATURE = re.compile(
    r"\d{1,2}/\d{1,2}/\d{4}\s*;?\s*\d{1,2}:\d{2}(:\d{2})?\s*;?\s*[+-]\d{2}:?\d{2}"
)
PAGE_NUMBER = re.compile(r"^[\s\-–—.(]*(trang\s*)?\d{1,4}(\s*/\s*\d{1,4})?[\s\-–—.)]*$", re.I)
PageCallback = Callable[[int, int], None]  # (pages read, pages in the file)
MIN_LAYER_CHARS = 200  # a real page of a plan has more; stamps and headers alone have less
IMAGE_COVER = 0.5  # share of the page an image must cover to be a scan


PageLoad = PageText | Callable[[], PageText]
"""A page loaded: read when it had a text layer, else a call that runs Tesseract on it."""


@dataclass(frozen=True)
class PageReader:
    """An opened file: how many pages it has, and how to read one of them (0-based index).

    ``load``, where given, does a page's work but Tesseract (opening, rendering, cleaning), so
    that ``extract_text`` loads the next page in a thread while Tesseract reads this one.
    """

    count: int
    read: Callable[[int], PageText]
    load: Callable[[int], PageLoad] | None = None


@contextmanager
def open_pages(source: SourceDocument, settings: PipelineSettings) -> Iterator[PageReader]:
    """Open an identified file for reading page by page.

    Every limit (page count, each page's pixels) is checked here, before any page is read, so a
    refused file costs no OCR. Raises ``KehoachError`` for files it cannot open.
    """
    if source.kind is SourceKind.PDF:
        with _pdf_reader(source.path, settings) as reader:
            yield reader
    elif source.kind is SourceKind.IMAGE:
        with _image_reader(source.path, settings) as reader:
            yield reader
    elif source.kind in (SourceKind.DOCX, SourceKind.HTML):
        page = markup_page(source, settings)
        yield PageReader(1, lambda index: page)
    else:
        pages = plain_text_pages(source.path)
        yield PageReader(len(pages), pages.__getitem__)


def page_count(source: SourceDocument, settings: PipelineSettings) -> int:
    """How many pages a file has, limits checked; cheap: no page is read, nothing is OCRed."""
    with open_pages(source, settings) as reader:
        return reader.count


def read_page(source: SourceDocument, settings: PipelineSettings, index: int) -> PageText:
    """Page ``index`` (0-based) as read, before ``assemble_text`` tidies the document's pages.

    Opens the file for this page alone, so pages can be read by separate workers.
    """
    with open_pages(source, settings) as reader:
        if not 0 <= index < reader.count:
            raise IndexError(f"{source.path} has {reader.count} pages; there is no page {index}")
        return reader.read(index)


def assemble_text(source: SourceDocument, pages: Sequence[PageText]) -> DocumentText:
    """A document from all its pages in order.

    Printed pages (PDF, images) lose running headers, page numbers and end-of-line hyphens, which
    are only recognisable across pages; plain text stays as written.
    """
    if source.kind.paged:
        pages = tidy_pages(list(pages))
    return DocumentText(source=source, pages=tuple(pages))


def extract_text(
    source: SourceDocument, settings: PipelineSettings, on_page: PageCallback | None = None
) -> DocumentText:
    """Read every page of an identified file; raises ``KehoachError`` for files it cannot read.

    The same pages as ``read_page`` gives one by one, read from one opening of the file.
    ``on_page(done, total)`` is called after each page (the CLI's progress line).
    """
    with open_pages(source, settings) as reader:
        pages: list[PageText] = []
        for page in read_overlapped(reader):
            pages.append(page)
            if on_page is not None:
                on_page(len(pages), reader.count)
    return assemble_text(source, pages)


def read_overlapped(reader: PageReader) -> Iterator[PageText]:
    """Every page in order; a page is loaded in a thread while Tesseract reads the one before.

    On a machine with two cores page cleaning then costs no time beside Tesseract's (one
    Tesseract process at a time, one load at a time: the open file is only touched by the
    loading thread, as PDFium is not safe across threads).
    """
    if reader.load is None or reader.count < 2:
        yield from (reader.read(index) for index in range(reader.count))
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kehoach-load") as loader:
        ahead = loader.submit(reader.load, 0)
        for index in range(reader.count):
            loaded = ahead.result()
            if index + 1 < reader.count:
                ahead = loader.submit(reader.load, index + 1)
            yield loaded if isinstance(loaded, PageText) else loaded()


# ---------------------------------------------------------------- plain text


def decode_text(data: bytes, path: Path) -> str:
    """UTF-16 with BOM, UTF-8, or a legacy Vietnamese encoding (TCVN3, VNI, CP1258) converted."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise KehoachError(ErrorCode.ENCODING, path, f"broken UTF-16 text: {error}") from error
    return decode_text_bytes(data, path)


def plain_text_pages(path: Path) -> list[PageText]:
    """A text file as it is: one page per form feed, every line kept (blank ones too)."""
    text = decode_text(path.read_bytes(), path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = text.split("\f")
    if chunks and chunks[-1].endswith("\n"):
        chunks[-1] = chunks[-1][:-1]
    # validated from plain values in one call per page: a Python __init__ per line costs more
    return [
        PageText.model_validate(
            {
                "page_no": i + 1,
                "lines": [{"text": line} for line in chunk.split("\n")],
                "method": TextMethod.PLAIN,
            }
        )
        for i, chunk in enumerate(chunks)
    ]


# ---------------------------------------------------------------- Word files and web pages


def markup_page(source: SourceDocument, settings: PipelineSettings) -> PageText:
    """A Word file or a saved web page as one page of lines, read within ``read_seconds``;
    a file its reader cannot parse is refused as corrupt, naming the reader's reason."""
    from pipeline.time_limit import time_limit

    path = source.path
    kind = "Word file" if source.kind is SourceKind.DOCX else "web page"
    with time_limit(settings.limits.read_seconds, f"reading the {kind}", path, "--read-timeout"):
        try:
            if source.kind is SourceKind.DOCX:
                _check_unpacked_size(path, settings.limits.max_bytes)
            lines = docx_lines(path) if source.kind is SourceKind.DOCX else _html_page(path)
        except KehoachError:
            raise
        except OSError as error:
            raise KehoachError(
                ErrorCode.CORRUPT, path, f"the {kind} cannot be read: {error.strerror or error}"
            ) from error
        except Exception as error:  # zipfile, lxml and python-docx raise many types
            raise KehoachError(
                ErrorCode.CORRUPT, path, f"a broken {kind}: {_reason(error)}"
            ) from error
    return PageText.model_validate(
        {"page_no": 1, "lines": [{"text": line} for line in lines], "method": TextMethod.PLAIN}
    )


def _check_unpacked_size(path: Path, limit: int) -> None:
    """Refuse a Word file whose parts unpack to more than the byte limit (a ZIP bomb) before
    anything is unpacked; the sizes are the archive's own directory."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        unpacked = sum(entry.file_size for entry in archive.infolist())
    if unpacked > limit:
        raise KehoachError(
            ErrorCode.TOO_LARGE,
            path,
            f"the Word file unpacks to {unpacked:,} bytes, over the limit of {limit:,} bytes "
            "(raise --max-bytes)",
        )


def _reason(error: Exception) -> str:
    """An exception's message for a person: its text, or its type when it has none."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return text[:200] or type(error).__name__


def _html_page(path: Path) -> list[str]:
    """A web page's lines: decoded by its BOM, its declared charset, else as a text file."""
    data = path.read_bytes()
    charset = declared_charset(data)
    markup = None
    if charset and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        try:
            markup = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            markup = None  # a wrong or unknown declaration: let the bytes speak
    if markup is None:
        markup = decode_text(data, path)
    return html_lines(markup)


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
def _pdf_reader(path: Path, settings: PipelineSettings) -> Iterator[PageReader]:
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
    prepared = prepare_page(rendered.render(scale=dpi / 72).to_pil(), dpi)
    return partial(_recognised_page, prepared, number, settings, start)


def ocr_page_text(
    image: Image.Image,
    number: int,
    dpi: int,
    settings: PipelineSettings,
    start: float | None = None,
) -> PageText:
    """OCR one page image into a PageText; a timeout leaves the page empty with a warning."""
    start = time.perf_counter() if start is None else start
    return _recognised_page(prepare_page(image, dpi), number, settings, start)


def _recognised_page(
    prepared: PreparedPage, number: int, settings: PipelineSettings, start: float
) -> PageText:
    """Tesseract on a cleaned page; a timeout leaves the page empty with a warning."""
    try:
        page = recognise(prepared, settings.ocr_lang, settings.limits.ocr_seconds_per_page)
    except OcrTimeout as error:
        return PageText(
            page_no=number,
            method=TextMethod.OCR,
            seconds=time.perf_counter() - start,
            width=float(prepared.image.width),
            height=float(prepared.image.height),
            warnings=(f"{ErrorCode.OCR_TIMEOUT}: {error}; page left empty",),
        )
    warnings = (f"deskewed by {page.skew_degrees:.2f}°",) if page.deskewed else ()
    return PageText(
        page_no=number,
        lines=tuple(line for line in page.lines if not E_SIGNATURE.search(line.text)),
        method=TextMethod.OCR,
        seconds=time.perf_counter() - start,
        width=float(page.width),
        height=float(page.height),
        warnings=warnings,
    )


# ---------------------------------------------------------------- images


@contextmanager
def _image_reader(path: Path, settings: PipelineSettings) -> Iterator[PageReader]:
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
        yield PageReader(frames, partial(_image_frame, path, image, settings))


def _image_frame(
    path: Path, image: Image.Image, settings: PipelineSettings, index: int
) -> PageText:
    """One frame of an open image through OCR, turned upright and on square pixels."""
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
    return ocr_page_text(pixels, index + 1, dpi, settings, start)


def _image_dpi(value: int, default: int) -> int:
    """The resolution an image declares when plausible, or the settings' dpi."""
    return value if 70 <= value <= 1200 else default


# ---------------------------------------------------------------- tidying


def _is_page_number(line: Line, page: PageText) -> bool:
    """A short line of digits at the very top or bottom of a page, not at its left margin.

    Page numbers are printed centred or to the right (Nghị định 30/2020: centred in the top
    margin); a lone number at the left is a table's row number ("STT") that reached the page's edge.
    """
    if not PAGE_NUMBER.match(line.text) or not any(c.isdigit() for c in line.text):
        return False
    if line.bbox is None or not page.height:
        return True
    if page.width and (line.bbox.x0 + line.bbox.x1) / 2 < page.width * 0.3:
        return False
    return line.bbox.y1 < page.height * 0.12 or line.bbox.y0 > page.height * 0.88


def _strip_edges(page: PageText, drop: set[str]) -> PageText:
    """Drop page numbers and running headers or footers from a page's first and last lines."""
    lines = list(page.lines)
    for index in (0, -1):
        while lines and (_is_page_number(lines[index], page) or _running_key(lines[index]) in drop):
            lines.pop(index)
    return page.model_copy(update={"lines": tuple(lines)})


def _running_key(line: Line) -> str:
    """A line's text without digits, as running headers differ only in page numbers."""
    return re.sub(r"[\d\s]+", " ", line.text.lower()).strip()


def running_lines(pages: list[PageText]) -> set[str]:
    """First or last lines repeated on at least half of the pages (and at least twice)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in pages[1:]:
        edges = {_running_key(page.lines[i]) for i in (0, -1) if page.lines}
        counts.update(key for key in edges if len(key) >= 4)
    return {key for key, n in counts.items() if n >= max(2, (len(pages) - 1) / 2)}


HYPHENATED = re.compile(r"(\w+)[-\u00ad]$")


def repair_hyphenation(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """Rejoin a word split by a hyphen at a line end: "Inter-" + "net ..." → "Internet" + "..."."""
    out = list(lines)
    for i in range(len(out) - 1):
        match = HYPHENATED.search(out[i].text)
        following = out[i + 1].text.split(maxsplit=1)
        if not match or match.group(1).isdigit() or not following or not following[0][0].islower():
            continue
        head = out[i].text[: match.end() - 1] + following[0]
        rest = following[1] if len(following) > 1 else ""
        words = out[i].words
        if words and out[i + 1].words:
            last = words[-1].model_copy(
                update={"text": words[-1].text.rstrip("-\u00ad") + following[0]}
            )
            words = (*words[:-1], last)
        out[i] = out[i].model_copy(update={"text": head, "words": words})
        out[i + 1] = out[i + 1].model_copy(update={"text": rest, "words": out[i + 1].words[1:]})
    return tuple(line for line in out if line.text.strip())


def tidy_pages(pages: list[PageText]) -> list[PageText]:
    """Running headers, page numbers and end-of-line hyphens out of OCR and text-layer pages."""
    drop = running_lines(pages)
    return [
        page.model_copy(update={"lines": repair_hyphenation(_strip_edges(page, drop).lines)})
        for page in pages
    ]
