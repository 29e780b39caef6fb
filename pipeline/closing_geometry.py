"""The closing block of a scanned page ("Nơi nhận" list | signer column) by geometry.

Tesseract reading the whole page joins the two closing columns row by row and, with a seal and a
signature beside it, misreads the small italic "Nơi nhận:" (on quangngai-23 page 2 as "Ma ca"), so
the block is not found by its label. Here the block is found by its label read fuzzily or, failing
that, by its shape (a row cut in two by a gutter with a dash list below on the left), and then each
column is read again from its own crop of the cleaned page: the list apart from the signer column.
In the signer column the crop still holds the seal's and signature's remains; rows with no sure
word of two letters or more are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image
from rapidfuzz import fuzz

from diacritics.orthography import fold_ascii
from pipeline.line_choice import Reading, choose
from pipeline.scan import (
    Gutter,
    Row,
    Token,
    _signer_row_above,
    narrow_gutter,
    row_height,
    seed_gutter,
    split_row,
)
from pipeline.spare_core import side_by_side

LABEL = "noi nhan"  # "Nơi nhận", folded
LABEL_SCORE = 70  # rapidfuzz ratio: "Noi nhan", "Nơi nhặn:" pass, body words do not
LIST_MARKS = ("-", "–", "—", "+", "~", "•")
SAME_SPAN = 0.8  # two readings of a line overlap over this share of the wider one
SURE_CONF = 0.6  # a signer-column row is kept when one of its words of two letters reaches this

# reads an image with a page segmentation mode: ``pipeline.ocr._run`` with its settings bound
Reader = Callable[[Image.Image, int], list[Row]]


@dataclass(frozen=True)
class Closing:
    """Where the closing block starts among the page's rows, and the gap between its columns."""

    start: int
    gutter: Gutter


def is_recipients_label(row: Row) -> bool:
    """The row opens with "Nơi nhận" read fuzzily (case, tone marks and one slip forgiven)."""
    words = sorted(row, key=lambda t: t.x0)[:2]
    head = fold_ascii(" ".join(t.text for t in words)).lower().rstrip(":;. ")
    return len(head) >= 6 and fuzz.ratio(head, LABEL) >= LABEL_SCORE


def _opens_list(rows: Sequence[Row], left: float, tolerance: float) -> bool:
    """Two or more of the rows start at ``left`` with a list mark: the recipients' list."""
    starts = [min(row, key=lambda t: t.x0) for row in rows if row]
    return sum(abs(t.x0 - left) <= tolerance and t.text.startswith(LIST_MARKS) for t in starts) >= 2


def _kept_apart(rows: Sequence[Row]) -> bool:
    """The rows leave a gutter free from the first to the last: two columns, not a body line
    with a speck far to its right ("b) Nhiệm vụ  :") above body lines that run across."""
    gutter = seed_gutter(rows[:1])
    for row in rows[1:]:
        if gutter is None:
            return False
        gutter = narrow_gutter(gutter, row)
    return gutter is not None


def _label_row(rows: Sequence[Row], page_width: float) -> int | None:
    """The row of "Nơi nhận", by its label or by the shape of the block below it."""
    for i, row in enumerate(rows):
        if is_recipients_label(row):
            return i
    for i, row in enumerate(rows):
        segments = split_row(row)
        if len(segments) < 2 or segments[-1][0].x0 < page_width * 0.4:
            continue
        left = segments[0][0].x0
        if _opens_list(rows[i + 1 : i + 6], left, row_height(row) * 1.5) and _kept_apart(
            rows[i : i + 4]
        ):
            return i
    return None


def find_closing(rows: Sequence[Row], page_width: float) -> Closing | None:
    """The closing block: its label row (or the signer rows just above it) and its gutter."""
    label = _label_row(rows, page_width)
    if label is None:
        return None
    gutter = seed_gutter(rows[label : label + 6])
    if gutter is None:
        return None
    for later in rows[label:]:
        gutter = narrow_gutter(gutter, later) or gutter
    start = label
    while start > 0 and _signer_row_above(rows[start - 1], rows[start], gutter):
        start -= 1
    return Closing(start, gutter)


def _read_crop(
    image: Image.Image, box: tuple[int, int, int, int], psm: int, read: Reader
) -> list[Row]:
    """Rows read from one crop, their boxes moved back to page coordinates."""
    left, top = box[0], box[1]
    rows = read(image.crop(box), psm)
    return [
        [Token(t.text, t.x0 + left, t.y0 + top, t.x1 + left, t.y1 + top, t.conf) for t in row]
        for row in rows
        if row
    ]


def _sure_row(row: Row) -> bool:
    """A row with one sure word of two letters: not a seal ring, pen stroke or cut-off line."""
    return any(t.conf >= SURE_CONF and sum(c.isalpha() for c in t.text) >= 2 for t in row)


def _lettered_ends(row: Row) -> Row:
    """A signer row without the dots and strokes read at its ends: titles and names start and
    end with letters ("TM. ỦY BAN NHÂN DÂN", "Nguyễn Văn An"), a signature's tail does not."""
    words = list(row)
    while len(words) > 1 and not any(c.isalnum() for c in words[0].text):
        words.pop(0)
    while len(words) > 1 and not any(c.isalnum() for c in words[-1].text):
        words.pop()
    return words


def _same_line(a: Row, b: Row) -> bool:
    """Two readings of one printed line: the middle of each lies within the other's height, and
    they span the same width (a scrap read at the line's start is no reading of the line)."""
    a0, a1 = min(t.y0 for t in a), max(t.y1 for t in a)
    b0, b1 = min(t.y0 for t in b), max(t.y1 for t in b)
    if not (a0 <= (b0 + b1) / 2 <= a1 and b0 <= (a0 + a1) / 2 <= b1):
        return False
    left, right = (
        max(min(t.x0 for t in a), min(t.x0 for t in b)),
        min(max(t.x1 for t in a), max(t.x1 for t in b)),
    )
    wider = max(max(t.x1 for t in r) - min(t.x0 for t in r) for r in (a, b))
    return right - left >= SAME_SPAN * wider


def best_rows(crop_rows: Sequence[Row], page_rows: Sequence[Row]) -> list[Row]:
    """Each row of a column's crop, or the page's reading of the same line where the evidence
    for it is stronger (``line_choice``): on a clean page the whole-page reading is often the
    better one, under a seal the crop's."""
    chosen = []
    for row in crop_rows:
        same = [p for p in page_rows if p and _same_line(row, p)]
        readings = [Reading(tuple(row))] + [Reading(tuple(p)) for p in same[:1]]
        chosen.append(sorted(choose(readings).tokens, key=lambda t: t.x0))
    return chosen


def read_closing_columns(
    image: Image.Image, rows: Sequence[Row], read: Reader
) -> tuple[int, list[Row], list[Row]] | None:
    """The closing block read column by column from its own crops.

    Returns the index of the first closing row in ``rows`` (the rows above are the body), the
    recipients' rows and the signer's rows, top to bottom; None when the page has no closing.
    """
    found = find_closing(rows, image.width)
    if found is None:
        return None
    block = rows[found.start :]
    height = row_height(block[0])
    top = max(0, round(min(t.y0 for t in block[0]) - height / 2))
    bottom = min(image.height, round(max(t.y1 for row in block for t in row) + height))
    split = round((found.gutter[0] + found.gutter[1]) / 2)
    left = [[t for t in row if t.centre < split] for row in block]
    right = [[t for t in row if t.centre >= split] for row in block]
    # the two columns' Tesseract runs at once, one process each: the reader waits for the longer
    crop_left, crop_right = side_by_side(
        lambda: _read_crop(image, (0, top, split, bottom), 4, read),
        lambda: _read_crop(image, (split, top, image.width, bottom), 4, read),
    )
    crop_left = [r for r in crop_left if _sure_row(r)]
    recipients = best_rows(crop_left, left)
    signer = [_lettered_ends(r) for r in best_rows([r for r in crop_right if _sure_row(r)], right)]
    if not recipients:  # the crop read nothing where the page read a list: keep the page's rows
        return None
    return found.start, recipients, signer
