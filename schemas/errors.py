"""Errors a person can act on: a stable code, the file, the reason."""

from __future__ import annotations

import errno
import unicodedata
from enum import StrEnum
from pathlib import Path

from schemas.common import Frozen


class ErrorCode(StrEnum):
    """Stable codes; the CLI's exit codes and the README table follow this list."""

    NOT_FOUND = "not-found"
    EMPTY = "empty"
    TOO_LARGE = "too-large"
    TOO_MANY_PAGES = "too-many-pages"
    TOO_MANY_PIXELS = "too-many-pixels"
    UNSUPPORTED = "unsupported-format"
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    ENCODING = "bad-encoding"
    NOT_VIETNAMESE = "not-vietnamese"
    NOT_A_PLAN = "not-a-plan"
    OCR_TIMEOUT = "ocr-timeout"
    STAGE_TIMEOUT = "stage-timeout"
    UNSAFE_PATH = "unsafe-path"
    BAD_LINK = "bad-link"
    PERMISSION_DENIED = "permission-denied"
    FILE_CHANGED = "file-changed"
    DISK_FULL = "disk-full"
    DATABASE_LOCKED = "database-locked"
    DATABASE_CORRUPT = "database-corrupt"
    USAGE = "usage"  # a command-line value the library cannot take: unknown field, no such plan
    INTERNAL = "internal"


class ErrorReport(Frozen):
    """A failure as stored and printed: what, where, why."""

    code: ErrorCode
    path: str
    reason: str


def storable_path(path: Path | str) -> str:
    """A path as text that can be stored and encoded: bytes that are not UTF-8 become ``\\xNN``.

    File names on Linux are bytes; Python carries undecodable ones as lone surrogates, which no
    database or terminal accepts.
    """
    raw = str(path)
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        return raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return raw


def printable_path(path: Path | str) -> str:
    """A path safe to print on a terminal: control and format characters (escape sequences,
    newlines, bidirectional overrides) written as ``\\xNN``/``\\uNNNN``, as ``repr`` would."""
    text = storable_path(path)
    return "".join(
        ascii(char)[1:-1] if unicodedata.category(char) in ("Cc", "Cf") else char for char in text
    )


def is_utf8_name(path: Path | str) -> bool:
    """Whether the file name is valid UTF-8 (so it can be stored and printed as it is)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class KehoachError(Exception):
    """Raised by any stage for a document it cannot handle; never for a programming error."""

    def __init__(self, code: ErrorCode, path: Path | str, reason: str) -> None:
        super().__init__(f"{printable_path(path)}: {reason} [{code}]")
        self.code = code
        self.path = storable_path(path)
        self.reason = reason

    def report(self) -> ErrorReport:
        return ErrorReport(code=self.code, path=self.path, reason=self.reason)


_OS_CODES: dict[int, tuple[ErrorCode, str]] = {
    errno.EACCES: (ErrorCode.PERMISSION_DENIED, "permission denied: check the owner and mode"),
    errno.EPERM: (ErrorCode.PERMISSION_DENIED, "operation not permitted: check the owner and mode"),
    errno.EROFS: (ErrorCode.PERMISSION_DENIED, "read-only file system: write somewhere else"),
    errno.ENOSPC: (ErrorCode.DISK_FULL, "no space left on the device: free some and run again"),
    errno.EDQUOT: (ErrorCode.DISK_FULL, "disk quota exceeded: free some space and run again"),
    errno.EFBIG: (ErrorCode.DISK_FULL, "file size limit reached: raise it or free space"),
    errno.ENOENT: (ErrorCode.NOT_FOUND, "no such file or folder"),
    errno.ENOTDIR: (ErrorCode.NOT_FOUND, "a part of the path is not a folder"),
    errno.ELOOP: (ErrorCode.BAD_LINK, "symbolic links loop: fix or remove the link"),
    errno.ENAMETOOLONG: (ErrorCode.UNSAFE_PATH, "the path is too long"),
    errno.EISDIR: (ErrorCode.UNSUPPORTED, "a folder where a file was expected"),
}


def os_error(error: OSError, path: Path | str | None = None) -> KehoachError | None:
    """The actionable error for an ``OSError`` (permissions, full disk, links), or None when its
    errno means nothing a person can fix (an I/O error is left to the caller)."""
    found = _OS_CODES.get(error.errno or 0)
    if found is None:
        return None
    code, reason = found
    where = path if path is not None else (error.filename or "")
    return KehoachError(code, where, reason)
