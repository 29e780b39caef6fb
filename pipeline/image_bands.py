"""A page's costliest cleaning steps in horizontal bands, one thread each.

Pillow releases the GIL in its filters and geometric transforms, so the bands run on separate
cores. This is done only when a core is spare (``pipeline.spare_core``): on a two-core machine,
on a scan's first page, which Tesseract waits for, in two bands; later pages are cleaned beside
Tesseract, on the other core, in one thread. The pixels are those of the whole page done at
once: a filter's band is cut with a margin wider than the filter reaches, and a rotation's band
is the same affine transform of the whole source page, shifted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PIL import Image, ImageFilter

from pipeline.spare_core import has_spare_core, spare_map, spare_threads

MARGIN = 24  # rows beyond a band a filter reads: the unsharp mask (radius 2) and median reach less
MIN_ROWS = 256  # smaller images are done whole: a thread would cost more than it saves


def row_bands(height: int) -> list[tuple[int, int]]:
    """A page's rows as (top, bottom) bands: one per spare core (``spare_threads``; two on a
    two-core machine while no Tesseract runs), else the whole page."""
    count = spare_threads() if height >= MIN_ROWS else 1
    cuts = [round(height * i / count) for i in range(count + 1)]
    return list(zip(cuts, cuts[1:], strict=False))


def stacked(parts: Sequence[Image.Image]) -> Image.Image:
    """Bands of the same width, one below the other."""
    if len(parts) == 1:
        return parts[0]
    out = Image.new(parts[0].mode, (parts[0].width, sum(part.height for part in parts)))
    top = 0
    for part in parts:
        out.paste(part, (0, top))
        top += part.height
    return out


def _in_bands(height: int, band: Callable[[tuple[int, int]], Image.Image]) -> Image.Image:
    """The image of ``height`` rows made of ``band((top, bottom))`` for each band, in threads."""
    return stacked(spare_map(band, row_bands(height)))


def filtered(image: Image.Image, kernel: ImageFilter.Filter) -> Image.Image:
    """``image.filter(kernel)``, the same pixels, for a filter that reads at most ``MARGIN`` rows
    away (the unsharp mask and the median filter of ``pipeline.scan``)."""
    if image.height < MIN_ROWS or not has_spare_core():
        return image.filter(kernel)

    def band(rows: tuple[int, int]) -> Image.Image:
        top, bottom = rows
        above, below = max(0, top - MARGIN), min(image.height, bottom + MARGIN)
        done = image.crop((0, above, image.width, below)).filter(kernel)
        return done.crop((0, top - above, image.width, bottom - above))

    return _in_bands(image.height, band)


def rotated(image: Image.Image, degrees: float, fill: int) -> Image.Image:
    """``image.rotate(degrees, BICUBIC, fillcolor=fill)`` about the centre, the same pixels:
    Pillow's own affine matrix (``Image.rotate``), its rows shifted to each band's top."""
    if image.height < MIN_ROWS or not has_spare_core():
        return image.rotate(degrees, Image.Resampling.BICUBIC, fillcolor=fill)
    # Image.rotate's matrix, built step by step as it builds it: the same floating point
    angle = -math.radians(degrees)
    a, b = round(math.cos(angle), 15), round(math.sin(angle), 15)
    d, e = round(-math.sin(angle), 15), round(math.cos(angle), 15)
    cx, cy = image.width / 2, image.height / 2
    c, f = a * -cx + b * -cy + 0.0, d * -cx + e * -cy + 0.0
    matrix = (a, b, c + cx, d, e, f + cy)

    def band(rows: tuple[int, int]) -> Image.Image:
        top, bottom = rows
        a, b, c, d, e, f = matrix
        shifted = (a, b, c + b * top, d, e, f + e * top)
        return image.transform(
            (image.width, bottom - top),
            Image.Transform.AFFINE,
            shifted,
            Image.Resampling.BICUBIC,
            fillcolor=fill,
        )

    return _in_bands(image.height, band)
