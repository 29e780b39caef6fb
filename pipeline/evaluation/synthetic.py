"""Realistic scanned pages from known text: the truth side of every OCR benchmark and test.

Pages are A4 in Liberation Serif (metric twin of Times New Roman, the font of Vietnamese
administrative documents), with the two-column header ("issuing body | national motto",
"Số: ... | place and date") and closing block ("Nơi nhận" | signer) of real plans, an optional red
stamp and blue signature, running page numbers, and three degradation levels. Everything is
deterministic for a given seed. The truth of a page lists its printed lines in reading order: left
header column, right header column, body, left closing column, right closing column; page numbers,
stamps and signatures are not text. The pages are laid out by ``synthetic_layout``; this module
draws them, stamps and signs them, and spoils them as a scanner would.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from pipeline.evaluation.synthetic_layout import (
    A4_MM,
    FONT_DIR,
    FONT_FILES,
    Block,
    PageLayout,
    PlacedLine,
    default_closing,
    font,
    layout_document,
    mm_px,
    pt_px,
    split_plan_header,
)

LEVELS = ("clean", "light", "heavy")
STAMP_RED = (205, 35, 45)
INK_BLUE = (30, 50, 170)


@dataclass(frozen=True)
class Degradation:
    """How a scan was spoiled: each field is one physical cause."""

    max_angle: float = 0.0  # degrees, skew of the sheet on the glass
    blur: float = 0.0  # Gaussian radius in pixels at 300 dpi, focus and optics
    noise: float = 0.0  # sensor noise, grey levels sigma
    contrast: tuple[int, int] = (0, 255)  # paper and ink grey levels after toner fade
    jpeg_quality: int = 0  # 0 = no JPEG round trip
    speckles: int = 0  # dust and toner dots per page
    resolution: float = 1.0  # < 1: scanned at lower resolution then resampled


DEGRADATIONS = {
    "clean": Degradation(),
    # calibrated so raw Tesseract `vie` scores about the floor (light 1.3-1.6%, heavy 3.5%)
    "light": Degradation(
        max_angle=0.5, blur=1.0, noise=14.0, contrast=(45, 230), jpeg_quality=45, speckles=250
    ),
    "heavy": Degradation(
        max_angle=1.0,
        blur=1.1,
        noise=20.0,
        contrast=(60, 215),
        jpeg_quality=30,
        speckles=600,
        resolution=0.7,
    ),
}


@dataclass(frozen=True)
class SyntheticPage:
    """A rendered page and the text printed on it."""

    image: Image.Image
    truth: str
    layout: PageLayout = field(repr=False)


def _draw_line(draw: ImageDraw.ImageDraw, line: PlacedLine, dpi: int) -> None:
    """Draw one line, spreading spaces for justified lines."""
    face = font(pt_px(line.size_pt, dpi), line.bold, line.italic)
    words = line.text.split()
    if line.justify_width is None or len(words) < 2:
        draw.text((line.x, line.y), line.text, font=face, fill=(0, 0, 0))
        return
    widths = [face.getlength(w) for w in words]
    gap = (line.justify_width - sum(widths)) / (len(words) - 1)
    gap = min(gap, face.getlength(" ") * 3)  # never spread a short line across the page
    x = line.x
    for word, w in zip(words, widths, strict=True):
        draw.text((x, line.y), word, font=face, fill=(0, 0, 0))
        x += w + gap


def _draw_stamp(
    image: Image.Image, box: tuple[float, float, float, float], rng: random.Random
) -> None:
    """A red round seal with a star and text over the signer, as printed by a rubber stamp."""
    x0, y0, x1, y1 = box
    cx = (x0 + x1) / 2 - (x1 - x0) * 0.18 + rng.uniform(-20, 20)
    cy = (y0 + y1) / 2 + rng.uniform(-20, 20)
    r = (y1 - y0) * 0.42
    layer = Image.new("L", image.size, 0)
    d = ImageDraw.Draw(layer)
    for radius, width in ((r, 9), (r * 0.93, 4), (r * 0.62, 4)):
        d.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=255, width=width)
    star = [
        (
            cx + r * 0.22 * (1 if k % 2 == 0 else 0.42) * math.sin(k * math.pi / 5),
            cy - r * 0.22 * (1 if k % 2 == 0 else 0.42) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ]
    d.polygon(star, fill=255)
    face = font(round(r * 0.16), True)
    ring = "ỦY BAN NHÂN DÂN * TỈNH * "
    for k, char in enumerate(ring * 2):
        angle = 2 * math.pi * k / (2 * len(ring)) - math.pi / 2
        px, py = cx + r * 0.78 * math.cos(angle), cy + r * 0.78 * math.sin(angle)
        d.text((px, py), char, font=face, fill=255, anchor="mm")
    ink = Image.new("RGB", image.size, STAMP_RED)
    # ink over print multiplies, as a rubber stamp does: black text under the seal stays black
    tint = Image.new("RGB", image.size, (255, 255, 255))
    tint.paste(ink, (0, 0), layer.point(lambda v: int(v * 0.85)))
    image.paste(ImageChops.multiply(image, tint))


def _draw_signature(
    image: Image.Image, box: tuple[float, float, float, float], rng: random.Random
) -> None:
    """A blue pen scribble across the signer's blank rows."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    points = []
    for t in range(120):
        s = t / 119
        points.append(
            (
                cx - 260 + 520 * s + 40 * math.sin(s * 19 + rng.random()),
                cy + 70 * math.sin(s * 11 + rng.random()) * (1 - s * 0.5),
            )
        )
    stroke = Image.new("RGB", image.size, (255, 255, 255))
    ImageDraw.Draw(stroke).line(points, fill=INK_BLUE, width=6, joint="curve")
    image.paste(ImageChops.multiply(image, stroke))


def render_layout(layout: PageLayout, stamps: bool = False, seed: int = 0) -> Image.Image:
    """Draw a laid-out page as a clean RGB image at the layout's dpi."""
    image = Image.new("RGB", (layout.width, layout.height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for line in layout.lines:
        _draw_line(draw, line, layout.dpi)
    if stamps and layout.signer_box is not None:
        rng = random.Random(seed)
        _draw_signature(image, layout.signer_box, rng)
        _draw_stamp(image, layout.signer_box, rng)
    return image


def degrade(image: Image.Image, level: str | Degradation, seed: int = 0) -> Image.Image:
    """Spoil a clean page as a scanner would: skew, blur, fade, noise, dust, JPEG."""
    spec = DEGRADATIONS[level] if isinstance(level, str) else level
    if spec == Degradation():
        return image
    rng = np.random.default_rng(seed)
    out = image
    if spec.resolution < 1.0:
        small = (round(out.width * spec.resolution), round(out.height * spec.resolution))
        out = out.resize(small, Image.Resampling.BILINEAR).resize(
            out.size, Image.Resampling.BICUBIC
        )
    if spec.max_angle:
        angle = float(rng.uniform(-spec.max_angle, spec.max_angle))
        out = out.rotate(angle, Image.Resampling.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    if spec.blur:
        out = out.filter(ImageFilter.GaussianBlur(spec.blur))
    pixels = np.asarray(out, dtype=np.float32)
    lo, hi = spec.contrast
    pixels = lo + pixels * (hi - lo) / 255.0
    if spec.noise:
        pixels += (rng.standard_normal(pixels.shape[:2], dtype=np.float32) * spec.noise)[..., None]
    for _ in range(spec.speckles):
        y, x = int(rng.integers(0, pixels.shape[0])), int(rng.integers(0, pixels.shape[1]))
        r = int(rng.integers(1, 4))
        pixels[max(0, y - r) : y + r, max(0, x - r) : x + r] = lo + rng.uniform(0, 40)
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    if spec.jpeg_quality:
        buffer = io.BytesIO()
        out.save(buffer, "JPEG", quality=spec.jpeg_quality)
        out = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return out


def render_pages(
    paragraphs: Sequence[str],
    header: Block | None = None,
    closing: Block | None = None,
    level: str | Degradation = "clean",
    seed: int = 0,
    dpi: int = 300,
    stamps: bool = False,
    page_numbers: bool = True,
    max_pages: int | None = None,
) -> list[SyntheticPage]:
    """Render paragraphs to scanned-looking A4 pages at ``level``; returns images and truth."""
    if isinstance(level, str) and level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    layouts = layout_document(paragraphs, header, closing, dpi, page_numbers=page_numbers)
    pages = []
    for i, layout in enumerate(layouts[:max_pages]):
        clean = render_layout(layout, stamps=stamps, seed=seed + i)
        pages.append(SyntheticPage(degrade(clean, level, seed * 1000 + i), layout.truth, layout))
    return pages


def render_plan(
    text: str,
    level: str = "clean",
    seed: int = 0,
    max_pages: int | None = None,
    stamps: bool = False,
) -> list[SyntheticPage]:
    """Render a corpus plan text (header lines first) as real plans look, closing block included."""
    header, body = split_plan_header(text.splitlines())
    return render_pages(
        body, header, default_closing(), level, seed, stamps=stamps, max_pages=max_pages
    )


def save_scanned_pdf(
    images: Sequence[Image.Image], path: Path, dpi: int = 300, quality: int = 60, grey: bool = True
) -> Path:
    """Write page images as an image-only PDF (JPEG inside, as scanners write them)."""
    pages = [image.convert("L") if grey else image.convert("RGB") for image in images]
    pages[0].save(
        path, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi), quality=quality
    )
    return Path(path)


def save_text_pdf(layouts: Sequence[PageLayout], path: Path) -> Path:
    """Write laid-out pages as a born-digital PDF whose text layer holds the exact text."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    names = {}
    for (bold, italic), file in FONT_FILES.items():
        name = file.removesuffix(".ttf")
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
        names[(bold, italic)] = name
    width_pt, height_pt = (mm_px(mm, 72) for mm in A4_MM)
    pdf = canvas.Canvas(str(path), pagesize=(width_pt, height_pt))
    for layout in layouts:
        scale = 72 / layout.dpi
        for line in layout.lines:
            name = names[(line.bold, line.italic)]
            baseline = height_pt - (line.y * scale + line.size_pt * 0.95)
            text = pdf.beginText(line.x * scale, baseline)
            text.setFont(name, line.size_pt)
            if line.justify_width is not None and line.text.count(" "):
                natural = pdfmetrics.stringWidth(line.text, name, line.size_pt)
                spare = line.justify_width * scale - natural
                space = pdfmetrics.stringWidth(" ", name, line.size_pt)
                text.setWordSpace(max(0.0, min(spare / line.text.count(" "), space * 2)))
            text.textLine(line.text)
            pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return Path(path)
