"""OCR of one page image with the Tesseract binary: words with boxes and confidences, as lines.

The binary is called directly on a PNG file with TSV output: pytesseract re-encodes every image
(0.5–1.5 s per page of overhead) and hides the word boxes we need to find the header's columns.
One Tesseract process uses one thread (OMP_THREAD_LIMIT=1): with more, processes running side by
side stall each other for minutes on small machines.

Tesseract is started before its image is ready (``start_tesseract``): it loads its language model
(about 0.13 CPU s, 0.15-0.3 s wall, of every run) and then waits for the image's file name on its
standard input, a list of one image that it reads as it reads a file named on its command line
(the same TSV, byte for byte). A scan's page starts its Tesseract before it is rendered, so that
loading is done beside our own work rather than between two pages' reading.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from pipeline.closing_geometry import read_closing_columns
from pipeline.scan import (
    MIN_SKEW,
    Row,
    Token,
    clean_page,
    closing_rows,
    reading_order,
    row_height,
    sharpen_for_ocr,
)
from pipeline.second_reader import reread_unsure
from pipeline.spare_core import core_taken
from schemas import Line
from schemas.common import nfc

PSM = 4  # a single column of text of variable sizes; psm 6 reads margin dust as lines
SIGNER_CONF = 0.8  # a sure word in a re-read signer row; seal and pen strokes score lower
NOISE_CONF = 0.6  # punctuation-only words below this are specks read as ".", "_", "ˆ"


class OcrTimeout(Exception):
    """Tesseract ran past its time budget for one page."""


@dataclass(frozen=True)
class OcrPage:
    """The lines OCR found on one page and what the cleaning did."""

    lines: tuple[Line, ...]
    width: int
    height: int
    skew_degrees: float = 0.0
    coloured_share: float = 0.0

    @property
    def deskewed(self) -> bool:
        return abs(self.skew_degrees) >= MIN_SKEW


def tesseract_command(lang: str, options: Sequence[str], tessdata: Path | None = None) -> list[str]:
    """The Tesseract command line of ``start_tesseract``: the image's name comes on stdin ("-")."""
    command = ["tesseract", "-", "stdout", "-l", lang, *options]
    if tessdata is not None:
        command[1:1] = ["--tessdata-dir", str(tessdata)]
    return command


def start_tesseract(
    lang: str, options: Sequence[str], tessdata: Path | None = None
) -> subprocess.Popen[str]:
    """A Tesseract process for an image yet to come: it loads its model now, then waits on its
    standard input (``run_tesseract``). Never given an image, it ends when its stdin is closed."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # the only place: see the module's docstring
    return subprocess.Popen(
        tesseract_command(lang, options, tessdata),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def stop_tesseract(process: subprocess.Popen[str]) -> None:
    """End a started Tesseract that will not be given its image (its page is not read)."""
    if process.poll() is None:
        process.kill()
    process.communicate()


def run_tesseract(
    image_path: Path,
    lang: str,
    options: Sequence[str],
    *,
    timeout: float | None = None,
    tessdata: Path | None = None,
    started: subprocess.Popen[str] | None = None,
) -> str:
    """The one call of the Tesseract binary: its stdout for one image file, one OpenMP thread.

    ``started`` is a process of ``start_tesseract`` with the same arguments, its model loaded
    while the image was made; without it one is started here. The time limit counts from the
    moment the image is handed over.
    """
    name = os.path.abspath(image_path)  # the process may have started in another folder
    if "\n" in name:
        if started is not None:
            stop_tesseract(started)
        raise ValueError(f"an image path with a line break cannot be given to Tesseract: {name!r}")
    process = started or start_tesseract(lang, options, tessdata)
    if process.args != tesseract_command(lang, options, tessdata):
        stop_tesseract(process)
        raise ValueError(f"a Tesseract started as {process.args!r} cannot run {options}")
    try:
        with core_taken():  # our other work stays on one thread meanwhile (pipeline.spare_core)
            out, err = process.communicate(name + "\n", timeout=timeout)
    except subprocess.TimeoutExpired as error:
        stop_tesseract(process)
        raise OcrTimeout(f"OCR took longer than {timeout:.0f} s") from error
    if process.returncode != 0:
        raise RuntimeError(f"tesseract failed ({process.returncode}): {err.strip()[-300:]}")
    return out


def page_options(dpi: int, psm: int = PSM) -> list[str]:
    """Tesseract's options for a page or a crop of it: segmentation, resolution, TSV output."""
    return ["--psm", str(psm), "--dpi", str(dpi), "tsv"]


def tesseract_tsv(
    image_path: Path,
    lang: str,
    timeout: float,
    dpi: int,
    psm: int = PSM,
    started: subprocess.Popen[str] | None = None,
) -> str:
    """Words with boxes and confidences of one page image, as Tesseract's TSV."""
    return run_tesseract(image_path, lang, page_options(dpi, psm), timeout=timeout, started=started)


def is_noise(text: str, conf: float) -> bool:
    """Dust and stamp remnants: no letter or digit and unsure, or nothing at all."""
    return not text or (conf < NOISE_CONF and not any(c.isalnum() for c in text))


def is_stray(tokens: Sequence[Token]) -> bool:
    """A lone unsure scrap of at most three letters: seal or signature remains, not a line."""
    letters = sum(1 for t in tokens for c in t.text if c.isalnum())
    return letters <= 3 and all(t.conf < NOISE_CONF for t in tokens)


STRAY_END = frozenset(".,:;'`¬_-~")  # never a word of its own at a line's end
STRAY_START = frozenset(".,:;'`¬_")  # nor at its start, where a list dash "-" or "+" may stand
STRAY_ANYWHERE = frozenset("`¬")  # no Vietnamese text uses these at all


def drop_stray_marks(tokens: Sequence[Token]) -> list[Token]:
    """A printed line without the specks read as punctuation words of their own.

    Vietnamese print sets no space before ". , : ;" and closes no line with a lone "-" or "'"
    ("đúng quy định. -", ". 2021 - 2030;"): such a word is dust or a seal's dot. A line opening
    with "~" opens with a list dash read wrong.
    """
    words = sorted(tokens, key=lambda t: t.x0)
    words = [t for t in words if not (t.text and set(t.text) <= STRAY_ANYWHERE)]
    while len(words) > 1 and set(words[-1].text) <= STRAY_END:
        words.pop()
    while len(words) > 1 and set(words[0].text) <= STRAY_START:
        words.pop(0)
    if words and words[0].text == "~":
        words[0] = words[0]._replace(text="-")
    return words


def parse_tsv(tsv: str) -> list[Row]:
    """Tesseract TSV to rows of tokens, one row per Tesseract line, top to bottom."""
    rows: dict[tuple[int, int, int], Row] = {}
    for record in tsv.splitlines()[1:]:
        fields = record.split("\t", 11)
        if len(fields) < 12 or fields[0] != "5":
            continue
        text = nfc(fields[11].strip())
        conf = max(0.0, min(1.0, float(fields[10]) / 100.0))
        if is_noise(text, conf):
            continue
        left, top, width, height = (int(v) for v in fields[6:10])
        key = (int(fields[2]), int(fields[3]), int(fields[4]))
        token = Token(text, left, top, left + width, top + height, conf)
        rows.setdefault(key, []).append(token)
    return sorted(rows.values(), key=lambda row: min(t.y0 for t in row))


def tokens_to_line(tokens: Sequence[Token], region: str) -> Line:
    """One printed line from its words, left to right.

    Validated from plain values in one call: pydantic-core builds the nested words and boxes
    without a Python ``__init__`` each (a text-layer page has hundreds of words).
    """
    ordered = sorted(tokens, key=lambda t: t.x0)
    sized = ordered[0].size > 0  # a text-layer line: its font is known
    words = [_word(t, sized) for t in ordered]
    box = {
        "x0": min(t.x0 for t in ordered),
        "y0": min(t.y0 for t in ordered),
        "x1": max(t.x1 for t in ordered),
        "y1": max(t.y1 for t in ordered),
    }
    return Line.model_validate(
        {
            "text": " ".join(t.text for t in ordered),
            "words": words,
            "bbox": box,
            "confidence": sum(t.conf for t in ordered) / len(ordered),
            "region": region,
            "font_size": line_font_size([t.size for t in ordered]) if sized else None,
            "bold": all(t.bold for t in ordered) if sized else None,
        }
    )


def line_font_size(sizes: Sequence[float]) -> float | None:
    """A printed line's font size: the median of its words' sizes (None when unknown)."""
    known = [s for s in sizes if s > 0]
    return float(statistics.median(known)) if known else None


def _word(token: Token, sized: bool) -> dict[str, Any]:
    """A token as a schema word's values; the font only when a text layer gave it."""
    word: dict[str, Any] = {
        "text": token.text,
        "bbox": {"x0": token.x0, "y0": token.y0, "x1": token.x1, "y1": token.y1},
        "confidence": token.conf,
    }
    if sized and token.size > 0:
        word.update(font_size=token.size, bold=token.bold, italic=token.italic)
    return word


def prepare(image: Image.Image) -> tuple[Image.Image, float, float]:
    """Clean a page for Tesseract: colour ink out, borders out, level, sharpened."""
    cleaned = clean_page(image)
    return sharpen_for_ocr(cleaned.image), cleaned.skew_degrees, cleaned.coloured_share


def _run(
    image: Image.Image,
    lang: str,
    timeout: float,
    dpi: int,
    psm: int = PSM,
    started: subprocess.Popen[str] | None = None,
) -> list[Row]:
    """Tesseract on an image through a PGM/PPM file in a private folder."""
    with tempfile.TemporaryDirectory(prefix="kehoach-ocr-") as tmp:
        # uncompressed PGM/PPM: written and read in a few ms, where PNG took 0.3-0.5 s a page;
        # the resolution goes to Tesseract as --dpi
        grey = image.mode in ("L", "1")
        path = Path(tmp) / ("page.pgm" if grey else "page.ppm")
        (image.convert("L") if grey else image.convert("RGB")).save(path, format="PPM")
        return parse_tsv(tesseract_tsv(path, lang, timeout, dpi, psm, started))


def signer_rows(
    ready: Image.Image, rows: Sequence[Row], lang: str, timeout: float, dpi: int
) -> list[Row]:
    """The signer column when the page read left it out, read again as a block of text.

    Page segmentation takes a signature and seal over the signer's name for a picture and drops
    the whole column ("GIÁM ĐỐC ... Thiếu tướng ..."); psm 6 on the area beside "Nơi nhận" reads
    it.
    """
    found = closing_rows(rows)
    if found is None:
        return []
    start = found[0]
    tokens = [t for row in rows[start:] for t in row]
    if any(t.x0 > ready.width * 0.5 for t in tokens if any(c.isalpha() for c in t.text)):
        return []
    left = max([ready.width * 0.4] + [t.x1 + 20 for t in tokens if t.x0 < ready.width * 0.4])
    height = row_height(rows[start])
    top = max(0.0, min(t.y0 for t in rows[start]) - height / 2)
    # a signer block is a title, a blank for the signature and a name: about twelve rows
    bottom = min(float(ready.height), top + 14 * height)
    crop = ready.crop((round(left), round(top), ready.width, round(bottom)))
    found_rows = _run(crop, lang, timeout, dpi, psm=6)
    shifted = [
        [Token(t.text, t.x0 + left, t.y0 + top, t.x1 + left, t.y1 + top, t.conf) for t in row]
        for row in found_rows
    ]
    return [kept for row in shifted if (kept := _sure_words(row))]


def _sure_words(row: Row) -> Row:
    """Words of a re-read row worth keeping: psm 6 also reads every seal ring and pen stroke.

    A row counts when two of its words are sure (conf ≥ 0.8, two letters or more); then its
    lettered words from the first sure one on are kept unless hopeless (conf < 0.25).
    """

    def sure(t: Token) -> bool:
        return t.conf >= SIGNER_CONF and sum(c.isalpha() for c in t.text) >= 2

    if sum(sure(t) for t in row) < 2:
        return []
    first = next(i for i, t in enumerate(row) if sure(t))
    return [t for t in row[first:] if t.conf >= 0.25 and any(c.isalpha() for c in t.text)]


def merge_row(rows: list[Row], extra: Row) -> list[Row]:
    """Add a row read separately: beside the row it shares a line with, or as a row of its own."""
    middle = (min(t.y0 for t in extra) + max(t.y1 for t in extra)) / 2
    for i, row in enumerate(rows):
        if min(t.y0 for t in row) <= middle <= max(t.y1 for t in row):
            return [*rows[:i], sorted([*row, *extra], key=lambda t: t.x0), *rows[i + 1 :]]
    return sorted([*rows, extra], key=lambda row: min(t.y0 for t in row))


def ordered_rows(
    ready: Image.Image, rows: list[Row], lang: str, timeout: float, dpi: int
) -> list[tuple[Row, str]]:
    """The page's rows in reading order.

    A closing block is read again column by column from its own crops (``closing_geometry``);
    without one, the signer column is re-read where the page left it out.
    """

    def read(crop: Image.Image, psm: int) -> list[Row]:
        return _run(crop, lang, timeout, dpi, psm)

    closing = read_closing_columns(ready, rows, read)
    if closing is None:
        for extra in signer_rows(ready, rows, lang, timeout, dpi):
            rows = merge_row(rows, extra)
        return reading_order(rows, ready.height)
    start, recipients, signer = closing
    return (
        reading_order(rows[:start], ready.height)
        + [(row, "closing-left") for row in recipients]
        + [(row, "closing-right") for row in signer]
    )


@dataclass(frozen=True)
class PreparedPage:
    """A page cleaned for Tesseract (``prepare``), waiting for it."""

    image: Image.Image
    skew_degrees: float
    coloured_share: float
    dpi: int
    original: Image.Image | None = None  # the page as rendered, for handwritten fields

    def original_crop(self, box: tuple[int, int, int, int]) -> Image.Image:
        """A box of the uncleaned page, turned level as the cleaned page was (same pixel
        coordinates): only a margin around the box is turned, about the page's centre."""
        if self.original is None:
            return self.image.crop(box)
        if abs(self.skew_degrees) < MIN_SKEW:
            return self.original.crop(box)
        # a degree or two moves a pixel at most a few dozen pixels: that margin is enough
        reach = round(self.original.width * 0.05)
        outer = (box[0] - reach, box[1] - reach, box[2] + reach, box[3] + reach)
        # only the margin converted (the whole page copied 25 MB); a palette or CMYK page first,
        # as pixels beyond its edge must come out black either way
        base = self.original
        base = base if base.mode in ("RGB", "RGBA", "L") else base.convert("RGB")
        turned = (
            base.crop(outer)
            .convert("RGB")
            .rotate(
                self.skew_degrees,
                Image.Resampling.BICUBIC,
                center=(self.original.width / 2 - outer[0], self.original.height / 2 - outer[1]),
                fillcolor=(255, 255, 255),
            )
        )
        return turned.crop((reach, reach, reach + box[2] - box[0], reach + box[3] - box[1]))


def prepare_page(image: Image.Image, dpi: int = 300) -> PreparedPage:
    """Everything before Tesseract: pure image work, so it can run beside another page's OCR."""
    ready, skew, coloured = prepare(image)
    return PreparedPage(ready, skew, coloured, dpi, image)


def recognise(page: PreparedPage, lang: str, timeout: float) -> OcrPage:
    """Tesseract on a prepared page, then its lines in reading order (header and closing column
    by column)."""
    return finish_page(page, tesseract_rows(page, lang, timeout))


def tesseract_rows(
    page: PreparedPage, lang: str, timeout: float, started: subprocess.Popen[str] | None = None
) -> list[tuple[Row, str]]:
    """Every Tesseract run of a page (the page, a closing block's columns): its rows in reading
    order with their regions. ``started``: the page's Tesseract, started ahead with
    ``page_options(page.dpi)``. Raises ``OcrTimeout``."""
    rows = _run(page.image, lang, timeout, page.dpi, started=started)
    return ordered_rows(page.image, rows, lang, timeout, page.dpi)


def finish_page(page: PreparedPage, ordered: Sequence[tuple[Row, str]]) -> OcrPage:
    """The page's lines from Tesseract's rows, unsure ones read again by the second reader. No
    Tesseract here: it can run while Tesseract reads the next page (``pipeline.page_pipeline``)."""
    ready = page.image
    lines = tuple(
        tokens_to_line(words, region)
        for tokens, region in reread_unsure(ready, page.original_crop, ordered)
        if (words := drop_stray_marks(tokens)) and not is_stray(words)
    )
    return OcrPage(lines, ready.width, ready.height, page.skew_degrees, page.coloured_share)


def ocr_image(image: Image.Image, lang: str, timeout: float, dpi: int = 300) -> OcrPage:
    """OCR one page image into lines in reading order (header and closing column by column)."""
    return recognise(prepare_page(image, dpi), lang, timeout)


def timed_ocr(image: Image.Image, lang: str, timeout: float, dpi: int) -> tuple[OcrPage, float]:
    """``ocr_image`` with its wall time in seconds."""
    start = time.perf_counter()
    page = ocr_image(image, lang, timeout, dpi)
    return page, time.perf_counter() - start
