"""Pages tidied across the document: running headers, page numbers and end-of-line hyphens out.

Only recognisable across pages, so done once all of a printed document's pages are read
(``pipeline.text.assemble_text``); every line stays one printed line, as the layout stage expects.
"""

from __future__ import annotations

import re
from collections import Counter

from schemas import Line, PageText

PAGE_NUMBER = re.compile(r"^[\s\-–—.(]*(trang\s*)?\d{1,4}(\s*/\s*\d{1,4})?[\s\-–—.)]*$", re.I)


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
