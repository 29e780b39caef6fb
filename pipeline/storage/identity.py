"""Which work a document is a version of: keys computed from its text and header, no database.

A file's sha256 names its bytes; the same decree saved with CRLF line ends, trailing spaces or in
NFD has other bytes but the same text. ``content_key`` hashes the normalised text (NFC, one space
for any run of white space, no empty lines, any line end), so such copies are one version.
A work (the decree, the plan) gathers its versions: the signed text and its drafts ("dự thảo").
It is found by its number and issuer where the header gives a number ("Số: 12/KH-UBND"), else
by its type, issuer and title: a draft has no number yet and the same title as the signed text.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from diacritics.orthography import fold_ascii
from extractors.legal_basis import ref_key
from schemas import DocHeader

DRAFT_LINE = re.compile(r"^\W*du\s*thao(\s+(lan|l)\s*\d+)?\W*$")
DRAFT_NAME = re.compile(r"(^|[^a-z])du[-_ ]?thao([^a-z]|$)")
HEAD_LINES = 20  # a draft's mark sits in the header block, above or beside the title
MIN_TITLE_WORDS = 3  # a shorter title ("Kế hoạch") names no particular plan


def normalised_lines(text: str) -> Iterator[str]:
    """The text's lines as the same document reads whatever its bytes: NFC, without surrounding
    or repeated white space (``str.split`` splits at exactly what ``\\s`` matches), empty lines
    left out."""
    for line in unicodedata.normalize("NFC", text).splitlines():
        kept = " ".join(line.split())
        if kept:
            yield kept


def normalised_text(text: str) -> str:
    """The normalised lines with "\\n" between them."""
    return "\n".join(normalised_lines(text))


def content_key(text: str) -> str:
    """The sha256 of the normalised text: one value for byte-variants of one version."""
    return hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()


def is_draft(text: str, path: str | None = None) -> bool:
    """True for a "dự thảo": a line of the header saying so, or a file named so."""
    head = itertools.islice(normalised_lines(text), HEAD_LINES)
    if any(DRAFT_LINE.match(fold_ascii(line)) for line in head):
        return True
    name = fold_ascii(str(path or "").replace("\\", "/").rsplit("/", 1)[-1])
    return bool(DRAFT_NAME.search(name))


def _words(text: str | None) -> str:
    return " ".join(re.findall(r"\w+", fold_ascii(text or "")))


def number_key(header: DocHeader) -> str | None:
    """The number's canonical key with the issuer, where the number is complete ("12/KH-UBND"):
    local symbols repeat across provinces and years, so the issuer is part of the key."""
    number = (header.number or "").strip()
    if not number or "?" in number or not number[:1].isdigit():
        return None
    return f"{ref_key(number)}|{_words(header.issuer)}"


def title_key(header: DocHeader) -> str | None:
    """Type, issuer, province and title folded: how a draft and its signed text meet."""
    title = _words(header.title)
    if len(title.split()) < MIN_TITLE_WORDS:
        return None
    parts = (_words(header.doc_type), _words(header.issuer), _words(header.province), title)
    return "|".join(parts)


@dataclass(frozen=True)
class Identity:
    """What a stored document is: its text's key, its work's keys, and whether a draft."""

    content_key: str
    number_key: str | None
    title_key: str | None
    ref_key: str | None
    is_draft: bool


def identity_of(text: str, header: DocHeader, path: str | None = None) -> Identity:
    """The identity of one document from its text as read and its header."""
    number = (header.number or "").strip()
    complete = bool(number) and "?" not in number and number[:1].isdigit()
    return Identity(
        content_key=content_key(text),
        number_key=number_key(header),
        title_key=title_key(header),
        ref_key=ref_key(number) if complete else None,
        is_draft=is_draft(text, path),
    )
