"""Text out of every kind of file: PDF text layers, scanned PDFs and images by OCR, plain text.

The file's kind chooses its reader: printed pages (PDF, images) in ``pipeline.paged_text``, Word
files and web pages whole as one page, plain text as written. After reading, printed pages lose
running headers, page numbers and end-of-line hyphens (``pipeline.page_tidy``); every line stays
one printed line, as the layout stage expects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pipeline.docx_text import docx_lines
from pipeline.html_text import declared_charset, html_lines
from pipeline.legacy_encoding import decode_text_bytes
from pipeline.page_pipeline import read_overlapped
from pipeline.page_tidy import tidy_pages
from pipeline.paged_text import PageReader, image_reader, pdf_reader
from schemas import (
    DocumentText,
    ErrorCode,
    KehoachError,
    PageText,
    PipelineSettings,
    SourceDocument,
    SourceKind,
    TextMethod,
)

PageCallback = Callable[[int, int], None]  # (pages read, pages in the file)


@contextmanager
def open_pages(source: SourceDocument, settings: PipelineSettings) -> Iterator[PageReader]:
    """Open an identified file for reading page by page.

    Every limit (page count, each page's pixels) is checked here, before any page is read, so a
    refused file costs no OCR. Raises ``KehoachError`` for files it cannot open.
    """
    if source.kind is SourceKind.PDF:
        with pdf_reader(source.path, settings) as reader:
            yield reader
    elif source.kind is SourceKind.IMAGE:
        with image_reader(source.path, settings) as reader:
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

    The same pages as ``read_page`` gives one by one, read from one opening of the file; a
    scan's pages are cleaned and finished while Tesseract reads the next (``page_pipeline``).
    ``on_page(done, total)`` is called after each page (the CLI's progress line).
    """
    with open_pages(source, settings) as reader:
        pages: list[PageText] = []
        for page in read_overlapped(reader):
            pages.append(page)
            if on_page is not None:
                on_page(len(pages), reader.count)
    return assemble_text(source, pages)


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
