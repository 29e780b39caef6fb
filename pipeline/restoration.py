"""Restoration as a pipeline stage: restore only the text that needs it, keep every line's place.

Legacy plain text and text layers are restored when the document as a whole does not read as
correct Vietnamese (no diacritics, or garbled). OCR lines are restored when some of their words
came out with low confidence; the confident words are kept as Tesseract read them. Lines keep their
count, order, region and box; the input is never mutated.
"""

from __future__ import annotations

from schemas import DocumentText
from schemas.text import Line, PageText, TextMethod, Word

LOW_CONFIDENCE = 0.6
"""OCR word confidence under which a word is open to repair."""


def _words(line: Line, new_text: str) -> tuple[Word, ...]:
    """The line's words with their texts replaced when the restored line splits the same way."""
    new_words = new_text.split()
    if len(new_words) != len(line.words):
        return line.words
    return tuple(
        w if w.text == t else w.model_copy(update={"text": t})
        for w, t in zip(line.words, new_words, strict=True)
    )


def _restored_line(line: Line, new_text: str) -> Line:
    if new_text == line.text:
        return line
    return line.model_copy(update={"text": new_text, "words": _words(line, new_text)})


def _restore_plain(pages: list[PageText], restorer) -> list[PageText]:  # type: ignore[no-untyped-def]
    """Restore plain pages as one text, so the restorer judges the whole document's garbling."""
    lines = [line for page in pages for line in page.lines]
    restored = restorer.restore("\n".join(line.text for line in lines), force=True).text.split("\n")
    if len(restored) != len(lines):  # a line held a line break: keep the document as read
        return pages
    new_lines = iter(_restored_line(line, text) for line, text in zip(lines, restored, strict=True))
    return [
        page.model_copy(update={"lines": tuple(next(new_lines) for _ in page.lines)})
        for page in pages
    ]


def _restore_ocr(page: PageText, restorer) -> PageText:  # type: ignore[no-untyped-def]
    lines = []
    for i, line in enumerate(page.lines):
        chunks = line.text.split()
        doubtful = [w.confidence < LOW_CONFIDENCE for w in line.words]
        if not any(doubtful):
            lines.append(line)
            continue
        keep = (
            {n for n, d in enumerate(doubtful) if not d} if len(chunks) == len(doubtful) else set()
        )
        # the doubtful words are open to any repair; the confident ones are kept as read
        restored = restorer.restore_line(line.text, i, keep=keep, garbled=True)[0]
        lines.append(_restored_line(line, restored))
    return page.model_copy(update={"lines": tuple(lines)})


def restore_document(doc: DocumentText) -> DocumentText:
    """A new document whose text needing it is restored; good text and line geometry untouched."""
    from diacritics.restorer import default_restorer

    restorer = default_restorer()
    plain = [p for p in doc.pages if p.method != TextMethod.OCR]
    plain_needs = bool(plain) and not restorer.looks_clean("\n".join(p.text for p in plain))
    restored_plain = iter(_restore_plain(plain, restorer) if plain_needs else plain)
    pages = [
        _restore_ocr(page, restorer) if page.method == TextMethod.OCR else next(restored_plain)
        for page in doc.pages
    ]
    return doc.model_copy(update={"pages": tuple(pages)})
