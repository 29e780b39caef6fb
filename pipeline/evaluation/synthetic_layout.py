"""Known text laid out as an A4 page of a Vietnamese administrative document, line by line.

Liberation Serif (metric twin of Times New Roman), Nghị định 30/2020's margins, the two-column
header ("issuing body | national motto", "Số: ... | place and date") and closing block ("Nơi nhận"
| signer), justified body, running page numbers. ``synthetic`` draws, stamps and spoils the pages;
every position here is in pixels at the layout's dpi, and the truth is the lines in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

# Liberation 2 (Debian fonts-liberation2) has Vietnamese glyphs; 1.07 draws "Ủ", "ộ" as boxes.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)
FONT_DIR = next(
    (d for d in FONT_DIRS if (d / "LiberationSerif-Regular.ttf").is_file()), FONT_DIRS[0]
)
FONT_FILES = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}
A4_MM = (210.0, 297.0)
MARGINS_MM = (30.0, 20.0, 20.0, 20.0)  # left, top, right, bottom, as Decree 30/2020 sets them


@dataclass(frozen=True)
class Block:
    """Two columns printed side by side: header or closing block; "" in a column is a blank row."""

    left: tuple[str, ...]
    right: tuple[str, ...]


@dataclass(frozen=True)
class PlacedLine:
    """One printed line: position in pixels of the page at the layout's dpi."""

    text: str
    x: float
    y: float  # top of the line box
    size_pt: float
    bold: bool = False
    italic: bool = False
    region: str = "body"
    justify_width: float | None = None  # stretch spaces to this width
    truth: bool = True  # page numbers are printed but are not text of the document


@dataclass(frozen=True)
class PageLayout:
    """Every line of one page plus where stamp and signature go."""

    lines: tuple[PlacedLine, ...]
    width: int
    height: int
    dpi: int
    signer_box: tuple[float, float, float, float] | None = None

    @property
    def truth(self) -> str:
        """The page's text in reading order, one printed line per line."""
        return "\n".join(line.text for line in self.lines if line.truth and line.text.strip())


@lru_cache(maxsize=64)
def font(size_px: int, bold: bool = False, italic: bool = False) -> ImageFont.FreeTypeFont:
    """Liberation Serif at a pixel size."""
    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[(bold, italic)]), size_px)


def mm_px(mm: float, dpi: int) -> float:
    return mm * dpi / 25.4


def pt_px(pt: float, dpi: int) -> int:
    return round(pt * dpi / 72)


def text_width(
    text: str, size_pt: float, dpi: int, bold: bool = False, italic: bool = False
) -> float:
    """Printed width of ``text`` in pixels."""
    return font(pt_px(size_pt, dpi), bold, italic).getlength(text)


def wrap(text: str, width: float, size_pt: float, dpi: int, indent: float = 0.0) -> list[str]:
    """Greedy word wrap of one paragraph to ``width`` pixels, first line indented."""
    words = text.split()
    lines: list[str] = []
    current: list[str] = []
    for word in words:
        room = width - (indent if not lines else 0.0)
        trial = " ".join([*current, word])
        if current and text_width(trial, size_pt, dpi) > room:
            lines.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def _is_heading(text: str) -> bool:
    """Short all-capital lines ("KẾ HOẠCH", "I. MỤC ĐÍCH") print bold."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and text == text.upper() and len(text) < 90


def _is_title(text: str) -> bool:
    """The document-type line is printed centred."""
    return text.strip() in {"KẾ HOẠCH", "QUYẾT ĐỊNH", "CÔNG VĂN", "BÁO CÁO", "THÔNG BÁO"}


_RIGHT_HEADER = re.compile(r"^(CỘNG HÒA|Độc lập)|,\s*ngày\b")
_CELL_BREAK = re.compile(r"\t+|\s+(?=CỘNG HÒA)")


def split_plan_header(lines: Sequence[str]) -> tuple[Block | None, list[str]]:
    """Split a corpus plan's first lines into its two-column header and the rest.

    Corpus texts keep header lines in extraction order ("ỦY BAN ...", "CỘNG HÒA ...", "Số: ...",
    a date), sometimes two cells on one line separated by a tab; motto and date go right.
    """
    left: list[str] = []
    right: list[str] = []
    end = 0
    for i, line in enumerate(lines[:10]):
        if not line.strip() or _is_title(line):
            end = i
            break
        for cell in (c.strip() for c in _CELL_BREAK.split(line.strip())):
            if cell:
                (right if _RIGHT_HEADER.search(cell) else left).append(
                    re.sub(r"\s{2,}", "   ", cell)
                )
        end = i + 1
    if not right:
        return None, [line for line in lines if line.strip()]
    return Block(tuple(left), tuple(right)), [line for line in lines[end:] if line.strip()]


def default_closing(signer: str = "Nguyễn Văn An") -> Block:
    """A typical closing block: recipients on the left, signer on the right."""
    return Block(
        left=(
            "Nơi nhận:",
            "- Thường trực Tỉnh ủy;",
            "- Thường trực HĐND tỉnh;",
            "- Chủ tịch, các PCT UBND tỉnh;",
            "- Các sở, ban, ngành tỉnh;",
            "- Lưu: VT, NC.",
        ),
        right=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "", "", signer),
    )


class _Cursor:
    """Page-by-page placement of lines top to bottom."""

    def __init__(self, dpi: int, page_numbers: bool) -> None:
        self.dpi = dpi
        self.width = round(mm_px(A4_MM[0], dpi))
        self.height = round(mm_px(A4_MM[1], dpi))
        left, top, right, bottom = (mm_px(m, dpi) for m in MARGINS_MM)
        self.left, self.top, self.right, self.bottom = (
            left,
            top,
            self.width - right,
            self.height - bottom,
        )
        self.page_numbers = page_numbers
        self.pages: list[list[PlacedLine]] = []
        self.signer_boxes: dict[int, tuple[float, float, float, float]] = {}
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.top
        number = len(self.pages)
        if self.page_numbers and number > 1:
            label = str(number)
            x = (self.width - text_width(label, 13, self.dpi)) / 2
            self.pages[-1].append(PlacedLine(label, x, mm_px(10, self.dpi), 13, truth=False))

    def line_height(self, size_pt: float) -> float:
        return size_pt * 1.25 * self.dpi / 72

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.new_page()

    def place(self, line: PlacedLine, height: float) -> None:
        self.pages[-1].append(line)
        self.y += height


def _centre(
    text: str, x0: float, x1: float, size: float, dpi: int, bold: bool, italic: bool
) -> float:
    return x0 + max(0.0, (x1 - x0 - text_width(text, size, dpi, bold, italic)) / 2)


def _place_block(cur: _Cursor, block: Block, kind: str) -> None:
    """Place two columns side by side; the closing block's left column is small and left-aligned."""
    dpi = cur.dpi
    split = cur.left + (cur.right - cur.left) * (0.42 if kind == "header" else 0.5)
    size = 13.0 if kind == "header" else 12.0
    step = cur.line_height(size) * 1.05
    rows = max(len(block.left), len(block.right))
    cur.ensure(rows * step)
    top = cur.y
    for i, text in enumerate(block.left):
        if not text:
            continue
        if kind == "header":
            bold = i > 0 and not text.startswith("Số")
            x = _centre(text, cur.left - mm_px(12, dpi), split, size, dpi, bold, False)
            cur.pages[-1].append(
                PlacedLine(text, x, top + i * step, size, bold, region=f"{kind}-left")
            )
        else:
            first = i == 0
            small = 12.0 if first else 11.0
            line = PlacedLine(text, cur.left, top + i * step, small, first, first, f"{kind}-left")
            cur.pages[-1].append(line)
    signer_top = None
    for i, text in enumerate(block.right):
        if not text:
            signer_top = signer_top or top + i * step
            continue
        italic = kind == "header" and "ngày" in text
        bold = not italic
        size_r = 12.5 if kind == "header" and i == 0 else size
        x = _centre(text, split, cur.right + mm_px(8, dpi), size_r, dpi, bold, italic)
        cur.pages[-1].append(
            PlacedLine(text, x, top + i * step, size_r, bold, italic, f"{kind}-right")
        )
    if kind == "closing" and signer_top is not None:
        cur.signer_boxes[len(cur.pages) - 1] = (
            split,
            signer_top - step,
            cur.right,
            signer_top + 3 * step,
        )
    cur.y = top + rows * step + step * 0.6


def layout_document(
    paragraphs: Sequence[str],
    header: Block | None = None,
    closing: Block | None = None,
    dpi: int = 300,
    size_pt: float = 14.0,
    page_numbers: bool = True,
) -> list[PageLayout]:
    """Lay out paragraphs (one per entry) on A4 pages with optional header and closing blocks."""
    cur = _Cursor(dpi, page_numbers)
    if header is not None:
        _place_block(cur, header, "header")
    width = cur.right - cur.left
    indent = mm_px(12.7, dpi)
    height = cur.line_height(size_pt)
    for paragraph in paragraphs:
        text = " ".join(paragraph.split())
        if not text:
            continue
        if _is_heading(text):
            for piece in wrap(text, width, size_pt, dpi):
                cur.ensure(height)
                x = _centre(piece, cur.left, cur.right, size_pt, dpi, True, False)
                x = x if _is_title(piece) or len(piece) < 40 else cur.left + indent
                cur.place(PlacedLine(piece, x, cur.y, size_pt, bold=True), height)
            continue
        pieces = wrap(text, width, size_pt, dpi, indent)
        for i, piece in enumerate(pieces):
            cur.ensure(height)
            x = cur.left + (indent if i == 0 else 0.0)
            stretch = (cur.right - x) if i < len(pieces) - 1 else None
            cur.place(PlacedLine(piece, x, cur.y, size_pt, justify_width=stretch), height)
        cur.y += height * 0.2  # paragraph spacing
    if closing is not None:
        cur.y += height * 0.5
        _place_block(cur, closing, "closing")
    return [
        PageLayout(tuple(lines), cur.width, cur.height, dpi, cur.signer_boxes.get(i))
        for i, lines in enumerate(cur.pages)
    ]
