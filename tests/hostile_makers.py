"""Makers of hostile and broken input files for ``hostile_catalogue``: each returns a function
that writes its file into a folder and gives the path (broken PDFs, legacy encodings, images that
lie about their size, links, pipes, unreadable files and names).
"""

from __future__ import annotations

import io
import os
import re
import struct
import unicodedata
import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
from PIL import Image

PLAN_TEXT = """ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP
Số: 67/KH-UBND
KẾ HOẠCH
Phát động phong trào thi đua “Toàn dân bảo vệ an ninh Tổ quốc” trên địa bàn tỉnh
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Phát huy sức mạnh tổng hợp của cả hệ thống chính trị và sự tham gia tích cực của Nhân dân.
2. Yêu cầu
- Phong trào thi đua được triển khai sâu rộng, đồng bộ, xuyên suốt từ tỉnh đến cơ sở.
II. TỔ CHỨC THỰC HIỆN
1. Công an tỉnh chủ trì, phối hợp với các sở, ban, ngành tham mưu Ủy ban nhân dân tỉnh tổ chức
triển khai thực hiện Kế hoạch; báo cáo kết quả trước ngày 30/11 hằng năm.
Nơi nhận:
- Bộ Công an;
- Lưu: VT.
"""

ENGLISH_TEXT = (
    "The Provincial People's Committee issues this plan to implement the emulation movement for "
    "national security protection. All departments shall coordinate with the provincial police "
    "and report their results to the committee before the thirtieth of November every year.\n"
) * 4

FRENCH_TEXT = (
    "Le comité populaire provincial publie ce plan pour mettre en œuvre le mouvement d'émulation "
    "pour la protection de la sécurité nationale dans toute la province, chaque année.\n"
) * 4

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def write_file(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return make


def pdf_file(
    name: str, build: Callable[[pikepdf.Pdf], None], **save: object
) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        pdf = pikepdf.new()
        build(pdf)
        path = folder / name
        pdf.save(path, **save)
        return path

    return make


def text_page(pdf: pikepdf.Pdf, text: str = "Hello", box: tuple[int, int] = (595, 842)) -> None:
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, *box],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(content),
        )
    )
    pdf.pages.append(page)


def good_pdf_bytes(pages: int = 1) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        text_page(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (64, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=fmt)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: a decompression bomb's calling card."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def cyclic_pdf(folder: Path) -> Path:
    """A page tree whose Kids point back at the root: naive walkers loop for ever."""
    body = [
        b"%PDF-1.4\n",
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n",
        b"2 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >> endobj\n",
        b"3 0 obj << /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >> endobj\n",
    ]
    data = b"".join(body)
    offsets, position = [], 0
    for part in body:
        offsets.append(position)
        position += len(part)
    xref = b"xref\n0 4\n0000000000 65535 f \n" + b"".join(
        f"{offset:010d} 00000 n \n".encode() for offset in offsets[1:]
    )
    trailer = f"trailer << /Size 4 /Root 1 0 R >>\nstartxref\n{len(data)}\n%%EOF\n".encode()
    path = folder / "cyclic.pdf"
    path.write_bytes(data + xref + trailer)
    return path


def zero_page_pdf(folder: Path) -> Path:
    path = folder / "zero-pages.pdf"
    pikepdf.new().save(path)
    return path


def tcvn3_bytes(text: str) -> bytes:
    """``text`` as a TCVN3 (.VnTime) file, lower-cased since TCVN3 capitals live in another font."""
    from pipeline.legacy_encoding import _tables

    inverse = {unicode: legacy for legacy, unicode in _tables()["tcvn3"].items()}
    legacy = "".join(inverse.get(char, char) for char in unicodedata.normalize("NFC", text.lower()))
    return legacy.encode("cp1252", errors="replace")


def vni_bytes(text: str) -> bytes:
    """``text`` as a VNI-Windows file."""
    from pipeline.legacy_encoding import _tables

    inverse = {unicode: legacy for legacy, unicode in _tables()["vni"].items()}
    legacy = "".join(inverse.get(char, char) for char in unicodedata.normalize("NFC", text))
    return legacy.encode("cp1252", errors="replace")


def cp1258_bytes(text: str) -> bytes:
    """``text`` in Windows-1258: base letters precomposed, tone marks combining."""
    parts = []
    for match in re.finditer(r".[\u0300-\u036f]*", unicodedata.normalize("NFD", text), re.S):
        cluster = match.group(0)
        tones = "".join(c for c in cluster if c in _TONES)
        rest = "".join(c for c in cluster if c not in _TONES)
        parts.append(unicodedata.normalize("NFC", rest) + tones)
    return "".join(parts).encode("cp1258")


def deep_page_tree(folder: Path, depth: int = 3000) -> Path:
    """A page tree 3,000 levels deep: recursive readers overflow the stack on it."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for level in range(depth):
        number = 2 + level
        parent = f"/Parent {number - 1} 0 R " if level else ""
        objects[number] = f"<< /Type /Pages {parent}/Kids [{number + 1} 0 R] /Count 1 >>".encode()
    leaf = 2 + depth
    objects[leaf] = f"<< /Type /Page /Parent {leaf - 1} 0 R /MediaBox [0 0 595 842] >>".encode()
    data, offsets = bytearray(b"%PDF-1.4\n"), {}
    for number in sorted(objects):
        offsets[number] = len(data)
        data += f"{number} 0 obj ".encode() + objects[number] + b" endobj\n"
    xref, size = len(data), leaf + 1
    data += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    data += b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in range(1, size))
    data += f"trailer << /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path = folder / "deep-tree.pdf"
    path.write_bytes(bytes(data))
    return path


def mapped_font_pdf(name: str, text: str, alphabet: str) -> Callable[[Path], Path]:
    """A page whose font's ToUnicode map sends every printable byte to a letter of ``alphabet``
    (scrambled): the glyphs drawn are Latin, the text layer reads as junk."""

    def make(folder: Path) -> Path:
        pdf = pikepdf.new()
        text_page(pdf, text)
        ranges = "".join(
            f"<{b:02X}> <{ord(alphabet[(b * 7) % len(alphabet)]):04X}>\n" for b in range(32, 127)
        )
        cmap = (
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CMapName /Junk def 1 begincodespacerange <00> <FF> endcodespacerange\n"
            f"95 beginbfchar\n{ranges}endbfchar\nendcmap CMapName currentdict /CMap "
            "defineresource pop end end"
        )
        font = pdf.pages[0].Resources.Font.F1
        font.ToUnicode = pdf.make_stream(cmap.encode())
        path = folder / name
        pdf.save(path)
        return path

    return make


def plan_page_image(
    folder: Path, name: str, transform: Callable[[Image.Image], Image.Image], **save: object
) -> Path:
    """PLAN_TEXT rendered as a scanned A4 page, changed by ``transform``, saved as ``name``."""
    from pipeline.evaluation.synthetic import render_plan

    page = render_plan(PLAN_TEXT, max_pages=1)[0].image
    path = folder / name
    transform(page).save(path, **save)
    return path


def sideways_photo(folder: Path) -> Path:
    """A phone photo taken sideways: pixels turned, and the EXIF tag that says how to turn back."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to view
    return plan_page_image(
        folder, "sideways.jpg", lambda page: page.rotate(90, expand=True),
        exif=exif.tobytes(), dpi=(300, 300), quality=90,
    )  # fmt: skip


def standard_fax(folder: Path) -> Path:
    """A fax at standard resolution: 204×98 dpi, every pixel twice as tall as wide."""

    def squash(page: Image.Image) -> Image.Image:
        size = (round(page.width * 204 / 300), round(page.height * 98 / 300))
        return page.resize(size, Image.Resampling.LANCZOS).convert("1")

    return plan_page_image(folder, "fax.tif", squash, dpi=(204, 98), compression="group4")


def many_items(count: int) -> bytes:
    """A plan whose last section has ``count`` numbered assignments with deadlines."""
    head, tail = PLAN_TEXT.split("II. TỔ CHỨC THỰC HIỆN\n")
    items = "".join(
        f"{n}. Sở Kế hoạch và Đầu tư thực hiện nhiệm vụ số {n}; báo cáo trước ngày 30/11/2026.\n"
        for n in range(1, count + 1)
    )
    return (head + "II. TỔ CHỨC THỰC HIỆN\n" + items + tail).encode()


def mixed_cp1258() -> bytes:
    """A CP1258 file into which one UTF-8 line was pasted (the 4th, the title)."""
    lines = PLAN_TEXT.splitlines()
    return b"\n".join(
        line.encode() if number == 3 else cp1258_bytes(line) for number, line in enumerate(lines)
    )


def link_file(name: str, target: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.symlink_to(target)
        return path

    return make


def fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)  # opening it would block for ever
    return path


def unreadable_file(folder: Path) -> Path:
    path = write_file("locked.txt", PLAN_TEXT.encode())(folder)
    path.chmod(0)
    return path


def in_unreadable_folder(folder: Path) -> Path:
    path = write_file("closed/plan.txt", PLAN_TEXT.encode())(folder)
    path.parent.chmod(0)
    return path


def non_utf8_name(folder: Path) -> Path:
    """A file name in a legacy encoding (CP1258 "kế hoạch"): bytes that are not UTF-8."""
    name = os.fsdecode(b"k\xea\xf2 ho\xb8ch.txt")
    path = folder / name
    path.write_bytes(PLAN_TEXT.encode())
    return path
