"""An image file's pixels as the page looked: EXIF orientation applied, fax pixels made square.

A phone photo taken sideways stores its pixels sideways and an EXIF tag saying how to turn them;
a fax at "standard" resolution stores 204×98 dpi, each pixel twice as tall as wide. Tesseract
reads neither: it wants upright text on square pixels.
"""

from __future__ import annotations

from PIL import Image, ImageOps

MAX_ASPECT = 4.0  # a declared dpi ratio beyond this is a broken tag, not a real scanner


def declared_dpi(image: Image.Image) -> tuple[float, float] | None:
    """The (horizontal, vertical) resolution the file declares, or None."""
    dpi = image.info.get("dpi")
    try:
        x, y = float(dpi[0]), float(dpi[1])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return None
    return (x, y) if x > 0 and y > 0 else None


def upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says; unchanged without the tag."""
    try:
        return ImageOps.exif_transpose(image) or image
    except Exception:  # a broken EXIF block: the pixels as stored are still a page
        return image


def square_pixels(image: Image.Image, dpi: tuple[float, float] | None) -> tuple[Image.Image, int]:
    """The image resampled so both axes have the finer of its two resolutions, and that dpi.

    Returns the image unchanged (and 0 for "no declared dpi") when the pixels are square.
    """
    if dpi is None:
        return image, 0
    x, y = dpi
    if abs(x - y) < 1 or max(x, y) / min(x, y) > MAX_ASPECT:
        return image, int(round(x))
    finer = max(x, y)
    size = (round(image.width * finer / x), round(image.height * finer / y))
    return image.resize(size, Image.Resampling.LANCZOS), int(round(finer))
