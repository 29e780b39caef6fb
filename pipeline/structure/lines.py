"""Lines of a document as the structure reads them: cleaned, numbered over all pages, with boxes.

Blank lines, page numbers, separators and OCR dust are dropped, but the line after them is marked
``blank_before``: a new paragraph, how plain text shows the end of a title or a wrapped item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas import BBox, DocumentText, Provenance, nfc

PAGE_NUMBER = re.compile(r"^[-–\s]*\d{1,3}[-–\s]*$|PAGE\s+\\\*\s*MERGEFORMAT")
SEPARATOR = re.compile(r"^[-_=.*–—\s]{3,}$")
TERMINAL = ".;:!?…"


@dataclass
class TextLine:
    """One non-blank line: 1-based number over the document, page, cleaned text, box, confidence."""

    no: int
    page: int
    text: str
    bbox: BBox | None = None
    confidence: float = 1.0
    blank_before: bool = False


def clean_line(text: str) -> str:
    """A line without Markdown emphasis or heading marks, whitespace collapsed, NFC."""
    text = nfc(text).replace("\\*", "\x00")
    text = re.sub(r"^\s*#{1,6}\s*", "", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<!\S)\*(?=\S)|(?<=\S)\*(?=[\s:;,.)]|$)", "", text)
    text = text.replace("\x00", "*")
    text = re.sub(r"DỰ\s*THẢO", " ", text)  # the draft watermark of text layers
    return re.sub(r"\s+", " ", text).strip()


def join_parts(parts: list[str]) -> str:
    """Join wrapped lines into one string, mending words hyphenated at the line end."""
    out = ""
    for part in parts:
        if not out:
            out = part
        elif re.search(r"[A-Za-zÀ-ỹ]-$", out) and part[:1].islower():
            out = out[:-1] + part
        else:
            out = out + " " + part
    return out.strip()


def provenance(lines: list[TextLine]) -> Provenance:
    """Page and line span of ``lines``, union of their boxes on the first page, min confidence."""
    first = lines[0]
    bbox = None
    for line in lines:
        if line.bbox is not None and line.page == first.page:
            bbox = line.bbox if bbox is None else bbox.union(line.bbox)
    return Provenance(
        page=first.page,
        line_start=first.no,
        line_end=max(line.no for line in lines),
        bbox=bbox,
        confidence=min(line.confidence for line in lines),
    )


def numbered_lines(doc: DocumentText) -> list[TextLine]:
    """Every line with its 1-based number over all pages; blank and page-number lines dropped."""
    out: list[TextLine] = []
    blank = False
    for number, page_no, line in doc.numbered_lines():
        text = clean_line(line.text)
        # Blank, page numbers, separators, and stray one- or two-character dust of text layers.
        dust = (len(text) <= 2 and not re.match(r"^[a-zđ]\)$", text)) or garbled(text)
        if not text or dust or PAGE_NUMBER.search(text) or SEPARATOR.match(text):
            blank = True
            continue
        out.append(TextLine(number, page_no, text, line.bbox, line.confidence, blank))
        blank = False
    return out


def garbled(text: str) -> bool:
    """OCR of a stamp or scribble: mostly symbols, or no word of two letters or more."""
    visible = [ch for ch in text if not ch.isspace() and ch != "|"]  # table rules are not dust
    alnum = sum(ch.isalnum() for ch in visible)
    return len(visible) >= 4 and (alnum < 0.6 * len(visible) or not re.search(r"[^\W\d_]{2}", text))


def is_upper(text: str) -> bool:
    """Whether a line is written in capitals (headings, titles, signer blocks)."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) / len(letters) >= 0.85


def starts_with(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether ``text`` opens with one of ``phrases``, compared without diacritics."""
    from diacritics.orthography import fold_ascii

    low = fold_ascii(text.lstrip("~-–•*( "))
    return any(low.startswith(fold_ascii(phrase)) for phrase in phrases)
