"""Cleaning a scanned page before OCR: colour ink suppression, dark scanner borders, deskew.

Vietnamese administrative scans carry a red seal over the signer, a blue signature, and often
handwritten blue numbers in the header ("Số: 589", "ngày 02"). Taking the brightest channel of
each pixel turns any saturated ink white while black print stays black; in the header band blue ink
is kept (darkest channel) because the handwritten number and date belong to the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageChops, ImageFilter

from pipeline.image_bands import filtered, rotated, row_bands, stacked
from pipeline.spare_core import spare_map

HEADER_BAND = 0.30  # share of the page height where blue handwriting is text, not a signature
MAX_SKEW = 3.0  # degrees searched; real scans are within ±2°
NOISY = 4.0  # noise_level from which a median filter pays (synthetic light 8, heavy 11, real 1)
SHARPEN = ImageFilter.UnsharpMask(radius=2, percent=80, threshold=2)
MIN_SKEW = 0.15  # below this the rotation's resampling costs more than the skew
RIM_REACH = 4  # rows beyond a band that a seal's rim (a 5-pixel dilation) may come from


@dataclass(frozen=True)
class CleanPage:
    """A page ready for OCR and what cleaning did to it."""

    image: Image.Image  # mode "L"
    skew_degrees: float
    coloured_share: float  # share of pixels that were coloured ink


def _rgb(image: Image.Image) -> Image.Image:
    """The page in RGB: itself when it already is (``convert`` would copy 25 MB a page)."""
    return image if image.mode == "RGB" else image.convert("RGB")


def _lightest_darkest(image: Image.Image) -> tuple[Image.Image, Image.Image]:
    """Per-pixel brightest and darkest channel (Pillow's C loops: numpy takes 2 s a page)."""
    r, g, b = _rgb(image).split()
    return ImageChops.lighter(ImageChops.lighter(r, g), b), ImageChops.darker(
        ImageChops.darker(r, g), b
    )


def dilate(mask: Image.Image, size: int) -> Image.Image:
    """``mask.filter(ImageFilter.MaxFilter(size))`` as two one-dimensional passes of numpy maxima.

    The same pixels (edges repeated as Pillow repeats them), in 8 array maxima instead of a
    25-value rank per pixel: 0.05 s a page where Pillow's rank filter took 1.5 s.
    """
    reach = size // 2
    pixels = np.pad(np.asarray(mask), reach, mode="edge")
    rows = pixels[:, reach:-reach].copy()
    for shift in range(-reach, reach + 1):
        np.maximum(rows, pixels[:, reach + shift : pixels.shape[1] - reach + shift], out=rows)
    out = rows[reach:-reach].copy()
    for shift in range(-reach, reach + 1):
        np.maximum(out, rows[reach + shift : rows.shape[0] - reach + shift], out=out)
    return Image.fromarray(out, mask.mode)


def suppress_colour(
    image: Image.Image, keep_blue_top: float = HEADER_BAND, min_chroma: int = 60
) -> tuple[Image.Image, float]:
    """Greyscale page with red and blue ink whitened; blue kept in the top band. Returns share.

    Saturated pixels (chroma at least ``min_chroma``) are ink of a colour; tinted paper is not.
    Done in two bands of rows where a core is spare (``image_bands``): the same pixels.
    """
    if image.mode not in ("RGB", "RGBA", "P", "CMYK"):
        return image.convert("L"), 0.0
    rgb = _rgb(image)
    header = round(image.height * keep_blue_top)
    done = spare_map(partial(_suppressed_rows, rgb, header, min_chroma), row_bands(rgb.height))
    coloured = sum(count for _, count in done)
    return stacked([grey for grey, _ in done]), coloured / max(1, image.width * image.height)


def _suppressed_rows(
    rgb: Image.Image, header: int, min_chroma: int, rows: tuple[int, int]
) -> tuple[Image.Image, int]:
    """``suppress_colour`` on the rows ``top`` to ``bottom`` of a page (the ``header`` rows at its
    top keep blue ink), and how many of those rows' pixels are coloured. A band is cut with a
    margin wider than the rim's dilation reaches; one without coloured pixels is left as it is,
    as the whole page would leave it there."""
    top, bottom = rows
    above, below = max(0, top - RIM_REACH), min(rgb.height, bottom + RIM_REACH)
    whole = (above, below) == (0, rgb.height)
    part = rgb if whole else rgb.crop((0, above, rgb.width, below))
    inner = (0, top - above, rgb.width, bottom - above)
    lightest, darkest = _lightest_darkest(part)
    chroma = ImageChops.subtract(lightest, darkest)
    counted = chroma if whole else chroma.crop(inner)
    coloured = sum(counted.histogram()[min_chroma:])
    if (coloured if whole else sum(chroma.histogram()[min_chroma:])) == 0:
        return (lightest if whole else lightest.crop(inner)), coloured
    saturated = chroma.point(lambda v: 255 if v >= min_chroma else 0)
    # the blurred rim of a seal is only faintly coloured: take it too, next to sure ink
    rim = ImageChops.darker(
        dilate(saturated, 5),
        chroma.point(lambda v: 255 if v >= min_chroma // 3 else 0),
    )
    lightest.paste(255, (0, 0, part.width, part.height), ImageChops.lighter(saturated, rim))
    band = min(header - above, part.height)
    if band > 0:
        box = (0, 0, part.width, band)
        r, _, b = part.crop(box).split()
        bluish = ImageChops.subtract(r, b).point(lambda v: 255 if v == 0 else 0)
        # blue ink in the header is handwriting (number, date): keep it dark
        lightest.paste(darkest.crop(box), (0, 0), ImageChops.darker(saturated.crop(box), bluish))
    return (lightest if whole else lightest.crop(inner)), coloured


def whiten_borders(grey: Image.Image, dark: int = 90, share: float = 0.5) -> Image.Image:
    """White out dark scanner edges: outer rows/columns that are mostly dark, up to 6% inwards."""
    pixels = np.asarray(grey).copy()
    is_dark = pixels < dark
    height, width = pixels.shape
    for axis, size in ((0, height), (1, width)):
        profile = is_dark.mean(axis=1 - axis)
        limit = max(1, round(size * 0.06))
        for edge in (range(limit), range(size - 1, size - 1 - limit, -1)):
            for i in edge:
                if profile[i] < share:
                    break
                if axis == 0:
                    pixels[i, :] = 255
                else:
                    pixels[:, i] = 255
    return Image.fromarray(pixels, "L")


def _projection_score(binary: Image.Image, angle: float) -> float:
    """Sharpness of the row profile: text lines give peaks when the page is level."""
    rotated = binary.rotate(angle, Image.Resampling.NEAREST, expand=False, fillcolor=0)
    rows = np.asarray(rotated, dtype=np.float32).sum(axis=1)
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(grey: Image.Image) -> float:
    """Skew angle in degrees (counter-clockwise positive, as PIL rotates) from row profiles."""
    small = grey.resize((max(1, grey.width // 4), max(1, grey.height // 4)), Image.Resampling.BOX)
    pixels = np.asarray(small)
    binary = Image.fromarray(((pixels < 160) * 255).astype(np.uint8), "L")
    if not np.asarray(binary).any():
        return 0.0

    scores: dict[float, float] = {}  # the fine search meets three coarse angles again

    def best_of(angles: list[float]) -> float:
        new = [a for a in angles if round(a, 2) not in scores]
        # two threads where a core is spare (the first page): Pillow and NumPy release the GIL
        for angle, value in zip(
            new, spare_map(partial(_projection_score, binary), new), strict=True
        ):
            scores[round(angle, 2)] = value
        return max(angles, key=lambda a: scores[round(a, 2)])

    best = best_of([float(a) for a in np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5)])
    angle = best_of([float(a) for a in np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)])
    return round(angle, 2)


def deskew(grey: Image.Image, angle: float) -> Image.Image:
    """Rotate the page level; small angles are left alone."""
    if abs(angle) < MIN_SKEW:
        return grey
    return rotated(grey, angle, fill=255)  # bicubic, in two threads


def noise_level(grey: Image.Image) -> float:
    """Median absolute difference of neighbouring pixels at the page centre: 0-1 when clean."""
    pixels = np.asarray(grey)
    h, w = pixels.shape
    centre = pixels[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4].astype(np.int16)
    steps = np.abs(np.diff(centre, axis=1)).ravel()
    if not steps.size:
        return 0.0
    # np.median's value from a histogram of the 256 possible steps: no sort of 2 M values
    below = np.cumsum(np.bincount(steps))
    middle = np.searchsorted(below, [(steps.size - 1) // 2, steps.size // 2], side="right")
    return float(middle.sum()) / 2


def otsu_threshold(grey: Image.Image) -> int:
    """The grey level that best separates ink from paper (Otsu's between-class variance)."""
    counts = np.asarray(grey.histogram()[:256], dtype=np.float64)
    share = counts / max(1.0, counts.sum())
    below = np.cumsum(share)
    mean_below = np.cumsum(share * np.arange(256))
    total = mean_below[-1]
    between = (total * below - mean_below) ** 2 / (below * (1 - below) + 1e-12)
    return int(np.argmax(between))


def sharpen_for_ocr(grey: Image.Image, noisy_above: float = NOISY) -> Image.Image:
    """Unsharp mask; a noisy scan gets a 3×3 median before it and is binarised after it.

    On noise, the mask alone sharpens the noise, and Tesseract's LSTM reads the grey image, so
    the speckle reaches the recogniser unless the page is binarised first (light 1.8 → 1.5% CER).
    Clean and real office scans stay grey: binarising the gold page raised its CER (3.14 → 3.33%).
    """
    if noise_level(grey) < noisy_above:
        return filtered(grey, SHARPEN)  # in two threads
    sharp = filtered(filtered(grey, ImageFilter.MedianFilter(3)), SHARPEN)
    cut = otsu_threshold(sharp)
    return sharp.point(lambda v: 255 if v > cut else 0)


def clean_page(image: Image.Image) -> CleanPage:
    """Colour suppression, border removal and deskew, in that order."""
    grey, coloured = suppress_colour(image)
    grey = whiten_borders(grey)
    angle = estimate_skew(grey)
    return CleanPage(deskew(grey, angle), angle, coloured)


class Token(NamedTuple):
    """A word with its box on the page (pixels for OCR, points for text layers).

    A named tuple: a text-layer page makes hundreds, and a tuple is built several times faster
    than a frozen dataclass.
    """

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float = 1.0
    size: float = 0.0  # font size in points, text layers only (0: unknown)
    bold: bool = False
    italic: bool = False

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


Row = list[Token]


def row_height(row: Row) -> float:
    """Median word height of a printed row."""
    heights = sorted(t.y1 - t.y0 for t in row)
    return heights[len(heights) // 2] if heights else 0.0


def split_row(row: Row, min_gap_heights: float = 1.6) -> list[Row]:
    """Cut a row where two words stand further apart than ``min_gap_heights`` line heights."""
    words = sorted(row, key=lambda t: t.x0)
    if not words:
        return []
    gap = row_height(words) * min_gap_heights
    segments: list[Row] = [[words[0]]]
    for word in words[1:]:
        if word.x0 - segments[-1][-1].x1 > gap:
            segments.append([word])
        else:
            segments[-1].append(word)
    return segments


Gutter = tuple[float, float]


def seed_gutter(rows: Sequence[Row]) -> Gutter | None:
    """The empty band between two columns in the first row that shows two segments."""
    for row in rows:
        segments = split_row(row)
        if len(segments) >= 2:
            widest = max(
                range(len(segments) - 1), key=lambda i: segments[i + 1][0].x0 - segments[i][-1].x1
            )
            return segments[widest][-1].x1, segments[widest + 1][0].x0
    return None


def narrow_gutter(gutter: Gutter, row: Row) -> Gutter | None:
    """The gutter left free by this row's words; None when the row runs across it (body text)."""
    g0, g1 = gutter
    for token in row:
        if token.x0 < g1 and token.x1 > g0:
            if token.centre < (g0 + g1) / 2:
                g0 = max(g0, token.x1)
            else:
                g1 = min(g1, token.x0)
    return (g0, g1) if g1 - g0 >= row_height(row) * 0.6 else None


def _is_centred(row: Row, centre: float, width: float) -> bool:
    """A row centred on the page: the title ("KẾ HOẠCH") below the header."""
    middle = (min(t.x0 for t in row) + max(t.x1 for t in row)) / 2
    return abs(middle - centre) < width * 0.06


def _two_columns(rows: Sequence[Row], gutter: Gutter, region: str) -> list[tuple[Row, str]]:
    """Left column top to bottom, then the right column: each row cut at the gutter."""
    split = (gutter[0] + gutter[1]) / 2
    left = [[t for t in row if t.centre < split] for row in rows]
    right = [[t for t in row if t.centre >= split] for row in rows]
    return [(r, f"{region}-left") for r in left if r] + [(r, f"{region}-right") for r in right if r]


def header_rows(
    rows: Sequence[Row], page_height: float, top_share: float = 0.35
) -> tuple[int, Gutter | None]:
    """How many rows from the top form the two-column header, and its gutter.

    The gutter comes from the first row with two segments and narrows row by row; the header ends
    at the first row that runs across it (body text) or sits centred on the page (the title).
    """
    top = [row for row in rows[:12] if row and row[0].y0 < page_height * top_share]
    gutter = seed_gutter(top[:6])
    if gutter is None:
        return 0, None
    tokens = [t for row in rows for t in row]
    left, right = min(t.x0 for t in tokens), max(t.x1 for t in tokens)
    end, paired = 0, False
    for row in top:
        narrowed = narrow_gutter(gutter, row)
        single = len(split_row(row)) == 1
        if narrowed is None or (
            paired and single and _is_centred(row, (left + right) / 2, right - left)
        ):
            break
        paired = paired or not single
        gutter, end = narrowed, end + 1
    return (end, gutter) if paired else (0, None)


def closing_rows(rows: Sequence[Row]) -> tuple[int, Gutter | None] | None:
    """Where the closing block ("Nơi nhận" | signer) starts, with signer rows just above it."""
    for i, row in enumerate(rows):
        words = " ".join(t.text for t in row[:2]).lower()
        if not words.startswith(("nơi nhận", "noi nhận", "nơi nhan")):
            continue
        gutter = seed_gutter(rows[i : i + 6])
        if gutter is None:
            return i, None
        for later in rows[i:]:
            gutter = narrow_gutter(gutter, later) or gutter
        start = i
        while start > 0 and _signer_row_above(rows[start - 1], rows[start], gutter):
            start -= 1
        return start, gutter
    return None


def _signer_row_above(above: Row, below: Row, gutter: Gutter) -> bool:
    """A row right of the closing's gutter and close above it: the signer's title, not a page
    number at the top of the page nor text far above."""
    gap = min(t.y0 for t in below) - max(t.y1 for t in above)
    return min(t.x0 for t in above) >= gutter[0] and gap <= 2 * row_height(below)


def reading_order(rows: Sequence[Row], page_height: float) -> list[tuple[Row, str]]:
    """Rows in reading order with their region; header and closing read column by column."""
    rows = [sorted(r, key=lambda t: t.x0) for r in rows if r]
    if not rows:
        return []
    head, gutter = header_rows(rows, page_height)
    early = closing_rows(rows[:head])
    if early is not None:  # a page opening on the closing block ("Nơi nhận") has no header
        head, gutter = 0, None
    ordered: list[tuple[Row, str]] = []
    if head and gutter:
        ordered += _two_columns(rows[:head], gutter, "header")
    closing = closing_rows(rows[head:])
    tail = len(rows) if closing is None else head + closing[0]
    ordered += [(row, "body") for row in rows[head:tail]]
    if closing is not None:
        if closing[1] is None:
            ordered += [(row, "closing-left") for row in rows[tail:]]
        else:
            ordered += _two_columns(rows[tail:], closing[1], "closing")
    return ordered
