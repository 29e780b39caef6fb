"""What a file is, from its content: kind by magic bytes, sha256 identity, size limit.

The extension is never trusted: a ZIP or an executable renamed ``.pdf`` is refused as unsupported,
a PDF saved as ``.txt`` is read as a PDF.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

from schemas import ErrorCode, KehoachError, Limits, SourceDocument, SourceKind
from schemas.errors import is_utf8_name, os_error, printable_path

# (prefix, offset, kind, media type); WebP needs a second check at offset 8
MAGIC: tuple[tuple[bytes, int, SourceKind, str], ...] = (
    (b"%PDF-", 0, SourceKind.PDF, "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", 0, SourceKind.IMAGE, "image/png"),
    (b"\xff\xd8\xff", 0, SourceKind.IMAGE, "image/jpeg"),
    (b"II*\x00", 0, SourceKind.IMAGE, "image/tiff"),
    (b"MM\x00*", 0, SourceKind.IMAGE, "image/tiff"),
    (b"BM", 0, SourceKind.IMAGE, "image/bmp"),
    (b"WEBP", 8, SourceKind.IMAGE, "image/webp"),
    (b"GIF87a", 0, SourceKind.IMAGE, "image/gif"),
    (b"GIF89a", 0, SourceKind.IMAGE, "image/gif"),
)
# known formats we do not read, named so the error says what the file is
FOREIGN: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or XLSX/ODT/PPTX)"),
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "an ELF executable"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (DOC/XLS)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
)
HEAD_BYTES = 64 * 1024  # enough to decide whether a file is text
PDF_SEARCH = 1024  # "%PDF-" may follow some junk bytes, as readers accept
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = b"PK\x03\x04"
# A Word file is a ZIP whose first entries (names stored in the clear) include word/…
DOCX_ENTRY = b"word/"
# A saved web page: markup from its first tag (after a BOM, blanks, a "saved from url" comment)
HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b",
    re.IGNORECASE | re.DOTALL,
)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in chunks."""
    with path.open("rb") as handle:
        return _sha256_and_head(handle)[0]


def _sha256_and_head(handle: BinaryIO) -> tuple[str, bytes]:
    """Hex sha256 of what is left to read in ``handle``, and its first ``HEAD_BYTES``: one
    pass over the file."""
    digest = hashlib.sha256()
    head = handle.read(HEAD_BYTES)
    digest.update(head)
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest(), head


# Bytes that are not control characters: deleting them leaves the control characters to count.
NOT_CONTROL = bytes([9, 10, 12, 13, 27, *range(32, 256)])


def looks_like_text(head: bytes) -> bool:
    """Bytes that are text in some encoding: no NULs, few control characters."""
    if not head or b"\x00" in head:
        return False
    controls = len(head.translate(None, NOT_CONTROL))
    return controls <= len(head) * 0.01


def detect_kind(head: bytes) -> tuple[SourceKind, str] | None:
    """Kind and media type from the first bytes of a file; None when unknown."""
    for magic, offset, kind, media in MAGIC:
        if head[offset : offset + len(magic)] == magic:
            if media == "image/webp" and head[:4] != b"RIFF":
                continue
            if media == "image/bmp" and head[6:10] != b"\x00\x00\x00\x00":
                continue  # "BM" alone also starts plain text; a BMP's reserved bytes are zero
            return kind, media
    if head.startswith(ZIP) and DOCX_ENTRY in head:
        return SourceKind.DOCX, DOCX_MEDIA
    if any(head.startswith(magic) for magic, _ in FOREIGN):
        return None
    if b"%PDF-" in head[:PDF_SEARCH]:
        return SourceKind.PDF, "application/pdf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return SourceKind.TEXT, "text/plain; charset=utf-16"
    if looks_like_text(head):
        if HTML_START.match(head[: PDF_SEARCH * 4]):
            return SourceKind.HTML, "text/html"
        return SourceKind.TEXT, "text/plain"
    return None


def _foreign(head: bytes) -> str:
    """What an unsupported file looks like, for the error message."""
    for magic, name in FOREIGN:
        if head.startswith(magic):
            return name
    return "binary content of an unknown format"


def _file_status(path: Path) -> os.stat_result:
    """The file's status after its links, refusing names, links and kinds that cannot be read.

    Checked with ``lstat`` first, so a dangling or looping link says so instead of "no such
    file", and a pipe or device is refused before anything opens (and blocks on) it.
    """
    if not is_utf8_name(path):
        raise KehoachError(
            ErrorCode.UNSAFE_PATH,
            path,
            "the file name is not valid UTF-8 (its odd bytes are shown as \\xNN); rename it",
        )
    try:
        link = path.lstat()
    except FileNotFoundError:
        raise KehoachError(ErrorCode.NOT_FOUND, path, "no such file") from None
    except OSError as error:
        raise _os_refusal(error, path) from error
    try:
        status = path.stat()
    except OSError as error:
        if stat.S_ISLNK(link.st_mode):
            target = printable_path(os.readlink(path))
            why = "loops" if error.errno == errno.ELOOP else f"points to {target}, which is missing"
            raise KehoachError(ErrorCode.BAD_LINK, path, f"a symbolic link that {why}") from None
        raise _os_refusal(error, path) from error
    if stat.S_ISDIR(status.st_mode):
        raise KehoachError(ErrorCode.UNSUPPORTED, path, "a folder, not a file")
    if not stat.S_ISREG(status.st_mode):
        raise KehoachError(
            ErrorCode.UNSUPPORTED, path, "not a regular file (a pipe, socket or device)"
        )
    return status


def _os_refusal(error: OSError, path: Path) -> KehoachError:
    """An OS error reading the file as its actionable code; an unknown one is an I/O failure."""
    found = os_error(error, path)
    if found is not None:
        return found
    return KehoachError(ErrorCode.CORRUPT, path, f"the file cannot be read: {error.strerror}")


def identify(path: Path, limits: Limits) -> SourceDocument:
    """Identify a file by content; raise ``KehoachError`` naming the file and the reason."""
    return identify_with_head(path, limits)[0]


def identify_with_head(path: Path, limits: Limits) -> tuple[SourceDocument, bytes]:
    """``identify``, and the file's first ``HEAD_BYTES``, read in the same pass as its hash: a
    batch judges a text's work by them (``pipeline.workload``) without opening it again."""
    path = Path(path)
    size = _file_status(path).st_size
    if size == 0:
        raise KehoachError(ErrorCode.EMPTY, path, "the file is empty (0 bytes)")
    if size > limits.max_bytes:
        raise KehoachError(
            ErrorCode.TOO_LARGE,
            path,
            f"{size:,} bytes is over the limit of {limits.max_bytes:,} bytes (raise --max-bytes)",
        )
    try:
        with path.open("rb") as handle:
            sha256, head = _sha256_and_head(handle)
    except OSError as error:
        raise _os_refusal(error, path) from error
    found = detect_kind(head)
    if found is None:
        raise KehoachError(
            ErrorCode.UNSUPPORTED,
            path,
            f"unsupported format: {_foreign(head)}; kehoach reads PDF, images, plain text, "
            "Word (.docx) and saved web pages (.html)",
        )
    kind, media = found
    source = SourceDocument(path=path, sha256=sha256, kind=kind, size_bytes=size, media_type=media)
    return source, head


def pdf_truncated(path: Path) -> bool:
    """Whether a PDF lacks its end-of-file marker in its last kilobyte: cut off in transfer."""
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - 1024))
            return b"%%EOF" not in handle.read()
    except OSError:
        return False
