"""pipeline.image_bands: cleaning steps in two bands (where a core is spare) give the pixels of
the whole page done at once."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from pipeline.image_bands import filtered, rotated
from pipeline.scan import SHARPEN, suppress_colour
from pipeline.spare_core import on_spare_core


def _page(width: int = 1241, height: int = 1755) -> Image.Image:
    """A grey page of printed-looking lines with sensor noise: every pixel value occurs."""
    page = Image.new("L", (width, height), 235)
    draw = ImageDraw.Draw(page)
    for top in range(60, height - 60, 37):
        draw.text((80, top), "Ủy ban nhân dân tỉnh Lâm Đồng ban hành kế hoạch " * 2, fill=20)
    noise = np.random.default_rng(7).integers(-25, 25, (height, width))
    return Image.fromarray(np.clip(np.asarray(page, dtype=int) + noise, 0, 255).astype(np.uint8))


@pytest.mark.parametrize("degrees", [-2.9, -0.61, -0.2, 0.15, 1.1, 3.0])
def test_a_rotation_in_bands_is_pillows_rotation(degrees: float) -> None:
    page = _page()
    whole = page.rotate(degrees, Image.Resampling.BICUBIC, fillcolor=255)
    banded = on_spare_core(lambda: rotated(page, degrees, fill=255))
    assert np.array_equal(np.asarray(banded), np.asarray(whole))


@pytest.mark.parametrize(
    "kernel", [SHARPEN, ImageFilter.MedianFilter(3)], ids=["unsharp", "median"]
)
def test_a_filter_in_bands_is_pillows_filter(kernel: ImageFilter.Filter) -> None:
    page = _page()
    banded = on_spare_core(lambda: filtered(page, kernel))
    assert np.array_equal(np.asarray(banded), np.asarray(page.filter(kernel)))


def test_a_small_or_odd_sized_image_is_the_same_too() -> None:
    for size in ((300, 200), (999, 1001)):
        page = _page(*size)
        whole = page.rotate(1.3, Image.Resampling.BICUBIC, fillcolor=255)
        banded = on_spare_core(lambda: rotated(page, 1.3, fill=255))  # noqa: B023 (called here)
        assert np.array_equal(np.asarray(banded), np.asarray(whole))
        sharp = on_spare_core(lambda: filtered(page, SHARPEN))  # noqa: B023
        assert np.array_equal(np.asarray(sharp), np.asarray(page.filter(SHARPEN)))


def test_colour_suppression_in_bands_is_the_whole_pages() -> None:
    page = _page().convert("RGB")
    draw = ImageDraw.Draw(page)
    middle = page.height // 2
    draw.ellipse((500, middle - 150, 800, middle + 150), outline=(200, 30, 30), width=9)  # a seal
    draw.text((100, 120), "Số: 589", fill=(40, 60, 190))  # blue handwriting in the header
    whole, share = suppress_colour(page)
    banded, banded_share = on_spare_core(lambda: suppress_colour(page))
    assert share > 0 and banded_share == share
    assert np.array_equal(np.asarray(banded), np.asarray(whole))
