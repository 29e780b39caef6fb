"""Errors a person can act on: a stable code, the file, the reason."""

from __future__ import annotations

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
    UNSAFE_PATH = "unsafe-path"
    DATABASE_LOCKED = "database-locked"
    USAGE = "usage"  # a command-line value the library cannot take: unknown field, no such plan
    INTERNAL = "internal"


class ErrorReport(Frozen):
    """A failure as stored and printed: what, where, why."""

    code: ErrorCode
    path: str
    reason: str


class KehoachError(Exception):
    """Raised by any stage for a document it cannot handle; never for a programming error."""

    def __init__(self, code: ErrorCode, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason} [{code}]")
        self.code = code
        self.path = str(path)
        self.reason = reason

    def report(self) -> ErrorReport:
        return ErrorReport(code=self.code, path=self.path, reason=self.reason)
