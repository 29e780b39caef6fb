"""Hostile and broken inputs, generated on the fly: each case names the file it makes and what
the pipeline must answer (an error code, or a check of a correct result).

Kept apart from the test module so that a batch test can mix these files with good ones.
"""

from __future__ import annotations

import io
import os
import re
import struct
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from PIL import Image

from diacritics.orthography import strip_marks
from schemas import ErrorCode, Limits

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


@dataclass(frozen=True)
class Case:
    """One hostile input: how to make it and what must come out."""

    name: str
    make: Callable[[Path], Path]
    expect: ErrorCode | None = None  # None: must succeed, then ``check`` runs on the result
    check: Callable[[object], bool] | None = None
    limits: Limits = field(default_factory=Limits)
    unprivileged: bool = False  # run as an ordinary user: root reads files whatever their mode


# --- makers -------------------------------------------------------------------------------


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return make


def _pdf(name: str, build: Callable[[pikepdf.Pdf], None], **save: object) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        pdf = pikepdf.new()
        build(pdf)
        path = folder / name
        pdf.save(path, **save)
        return path

    return make


def _text_page(pdf: pikepdf.Pdf, text: str = "Hello", box: tuple[int, int] = (595, 842)) -> None:
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


def _good_pdf_bytes(pages: int = 1) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        _text_page(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _image_bytes(fmt: str, size: tuple[int, int] = (64, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=fmt)
    return buffer.getvalue()


def _png_declaring(width: int, height: int) -> bytes:
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


def _cyclic_pdf(folder: Path) -> Path:
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


def _zero_page_pdf(folder: Path) -> Path:
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


def _deep_page_tree(folder: Path, depth: int = 3000) -> Path:
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


def _mapped_font_pdf(name: str, text: str, alphabet: str) -> Callable[[Path], Path]:
    """A page whose font's ToUnicode map sends every printable byte to a letter of ``alphabet``
    (scrambled): the glyphs drawn are Latin, the text layer reads as junk."""

    def make(folder: Path) -> Path:
        pdf = pikepdf.new()
        _text_page(pdf, text)
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


def _plan_page_image(
    folder: Path, name: str, transform: Callable[[Image.Image], Image.Image], **save: object
) -> Path:
    """PLAN_TEXT rendered as a scanned A4 page, changed by ``transform``, saved as ``name``."""
    from pipeline.evaluation.synthetic import render_plan

    page = render_plan(PLAN_TEXT, max_pages=1)[0].image
    path = folder / name
    transform(page).save(path, **save)
    return path


def _sideways_photo(folder: Path) -> Path:
    """A phone photo taken sideways: pixels turned, and the EXIF tag that says how to turn back."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to view
    return _plan_page_image(
        folder, "sideways.jpg", lambda page: page.rotate(90, expand=True),
        exif=exif.tobytes(), dpi=(300, 300), quality=90,
    )  # fmt: skip


def _standard_fax(folder: Path) -> Path:
    """A fax at standard resolution: 204×98 dpi, every pixel twice as tall as wide."""

    def squash(page: Image.Image) -> Image.Image:
        size = (round(page.width * 204 / 300), round(page.height * 98 / 300))
        return page.resize(size, Image.Resampling.LANCZOS).convert("1")

    return _plan_page_image(folder, "fax.tif", squash, dpi=(204, 98), compression="group4")


def _many_items(count: int) -> bytes:
    """A plan whose last section has ``count`` numbered assignments with deadlines."""
    head, tail = PLAN_TEXT.split("II. TỔ CHỨC THỰC HIỆN\n")
    items = "".join(
        f"{n}. Sở Kế hoạch và Đầu tư thực hiện nhiệm vụ số {n}; báo cáo trước ngày 30/11/2026.\n"
        for n in range(1, count + 1)
    )
    return (head + "II. TỔ CHỨC THỰC HIỆN\n" + items + tail).encode()


def _mixed_cp1258() -> bytes:
    """A CP1258 file into which one UTF-8 line was pasted (the 4th, the title)."""
    lines = PLAN_TEXT.splitlines()
    return b"\n".join(
        line.encode() if number == 3 else cp1258_bytes(line) for number, line in enumerate(lines)
    )


def _link(name: str, target: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.symlink_to(target)
        return path

    return make


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)  # opening it would block for ever
    return path


def _unreadable_file(folder: Path) -> Path:
    path = _write("locked.txt", PLAN_TEXT.encode())(folder)
    path.chmod(0)
    return path


def _in_unreadable_folder(folder: Path) -> Path:
    path = _write("closed/plan.txt", PLAN_TEXT.encode())(folder)
    path.parent.chmod(0)
    return path


def _non_utf8_name(folder: Path) -> Path:
    """A file name in a legacy encoding (CP1258 "kế hoạch"): bytes that are not UTF-8."""
    name = os.fsdecode(b"k\xea\xf2 ho\xb8ch.txt")
    path = folder / name
    path.write_bytes(PLAN_TEXT.encode())
    return path


# --- checks -------------------------------------------------------------------------------


def _plan_found(result: object) -> bool:
    plan = result.plan  # type: ignore[attr-defined]
    return "Công an tỉnh" in {a.agency for a in plan.assignments} or bool(plan.purposes)


def _text_has(fragment: str) -> Callable[[object], bool]:
    return lambda result: fragment in result.text.text  # type: ignore[attr-defined]


def _line_is(number: int, expected: str) -> Callable[[object], bool]:
    return lambda result: result.raw_text.text.splitlines()[number] == expected  # type: ignore[attr-defined]


# --- the catalogue -----------------------------------------------------------------------

CASES: tuple[Case, ...] = (
    Case("zero-bytes", _write("empty.pdf", b""), ErrorCode.EMPTY),
    Case("zero-bytes-txt", _write("empty.txt", b""), ErrorCode.EMPTY),
    Case("whitespace-only", _write("blank.txt", b" \n\n\t \n"), ErrorCode.EMPTY),
    Case("header-only-pdf", _write("header.pdf", b"%PDF-1.7\n"), ErrorCode.CORRUPT),
    Case(
        "truncated-pdf",
        lambda f: _write("truncated.pdf", _good_pdf_bytes(3)[:300])(f),
        ErrorCode.CORRUPT,
    ),
    Case(
        "pdf-garbage-body",
        _write("garbage.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 40),
        ErrorCode.CORRUPT,
    ),
    Case(
        "random-bytes-as-pdf",
        _write("random.pdf", bytes((i * 7919) % 256 for i in range(4096))),
        ErrorCode.UNSUPPORTED,
    ),
    Case("zip-as-pdf", _write("archive.pdf", b"PK\x03\x04" + b"\x00" * 200), ErrorCode.UNSUPPORTED),
    Case(
        "zip-named-docx",
        _write("plan.docx", b"PK\x03\x04" + b"\x14\x00" * 100),
        ErrorCode.UNSUPPORTED,
    ),
    Case(
        "docx-broken",
        _write("plan.docx", b"PK\x03\x04" + b"\x14\x00" * 13 + b"word/document.xml" + bytes(300)),
        ErrorCode.CORRUPT,
    ),
    Case(
        "html-only-scripts",
        _write("page.html", b"<!DOCTYPE html><html><script>var a = 1;</script><nav>Menu</nav>"),
        ErrorCode.EMPTY,
    ),
    Case(
        "ole-doc",
        _write("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        ErrorCode.UNSUPPORTED,
    ),
    Case(
        "elf-binary",
        _write("tool.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 300),
        ErrorCode.UNSUPPORTED,
    ),
    Case("gzip", _write("plan.txt.gz", zlib.compress(b"x" * 100)), ErrorCode.UNSUPPORTED),
    Case(
        "nul-bytes-txt",
        _write("nul.txt", b"Ke hoach\x00\x00\x00\x01\x02 binary" * 50),
        ErrorCode.UNSUPPORTED,
    ),
    Case(
        "encrypted-pdf",
        _pdf("locked.pdf", _text_page, encryption=pikepdf.Encryption(user="secret", owner="owner")),
        ErrorCode.ENCRYPTED,
    ),
    Case(
        "encrypted-aes256",
        _pdf("locked256.pdf", _text_page, encryption=pikepdf.Encryption(user="u", owner="o", R=6)),
        ErrorCode.ENCRYPTED,
    ),
    Case("zero-pages", _zero_page_pdf, ErrorCode.EMPTY),
    Case("cyclic-page-tree", _cyclic_pdf, ErrorCode.CORRUPT),
    Case(
        "absurd-page-size",
        _pdf("huge-page.pdf", lambda pdf: _text_page(pdf, box=(14400, 14400))),
        ErrorCode.TOO_MANY_PIXELS,
    ),
    Case(
        "too-many-pages",
        lambda f: _write("long.pdf", _good_pdf_bytes(4))(f),
        ErrorCode.TOO_MANY_PAGES,
        limits=Limits(max_pages=3),
    ),
    Case(
        "too-many-bytes",
        _write("big.txt", PLAN_TEXT.encode() * 10),
        ErrorCode.TOO_LARGE,
        limits=Limits(max_bytes=1000),
    ),
    Case(
        "png-bomb", _write("bomb.png", _png_declaring(100_000, 100_000)), ErrorCode.TOO_MANY_PIXELS
    ),
    Case(
        "png-bomb-as-pdf",
        _write("bomb.pdf", _png_declaring(60_000, 60_000)),
        ErrorCode.TOO_MANY_PIXELS,
    ),
    Case(
        "image-over-pixel-limit",
        _write("wide.png", _image_bytes("PNG", (3000, 3000))),
        ErrorCode.TOO_MANY_PIXELS,
        limits=Limits(max_pixels=1_000_000),
    ),
    Case(
        "truncated-png",
        lambda f: _write("cut.png", _image_bytes("PNG", (400, 400))[:60])(f),
        ErrorCode.CORRUPT,
    ),
    Case(
        "truncated-jpeg",
        lambda f: _write("cut.jpg", _image_bytes("JPEG", (400, 400))[:100])(f),
        ErrorCode.CORRUPT,
    ),
    Case("blank-image", _write("blank.png", _image_bytes("PNG", (600, 400))), ErrorCode.EMPTY),
    Case("jpeg-named-pdf", _write("photo.pdf", _image_bytes("JPEG", (600, 400))), ErrorCode.EMPTY),
    Case("invalid-utf8", _write("bad.txt", b"\x81\x8d\x8f\x90\x9d" * 200), ErrorCode.ENCODING),
    Case(
        "english-document", _write("english.txt", ENGLISH_TEXT.encode()), ErrorCode.NOT_VIETNAMESE
    ),
    Case("french-document", _write("french.txt", FRENCH_TEXT.encode()), ErrorCode.NOT_VIETNAMESE),
    Case(
        "english-pdf",
        _pdf(
            "english.pdf", lambda pdf: [_text_page(pdf, line) for line in ENGLISH_TEXT.split(". ")]
        ),
        ErrorCode.NOT_VIETNAMESE,
    ),
    Case("missing-file", lambda f: f / "does-not-exist.pdf", ErrorCode.NOT_FOUND),
    Case(
        "directory",
        lambda f: (f / "a-folder.pdf").mkdir() or f / "a-folder.pdf",
        ErrorCode.UNSUPPORTED,
    ),
    Case(
        "tcvn3-text",
        _write("tcvn3.txt", tcvn3_bytes(PLAN_TEXT)),
        check=_text_has("phát động phong trào thi đua"),
    ),
    Case(
        "vni-text",
        _write("vni.txt", vni_bytes(PLAN_TEXT)),
        check=_text_has("Phát động phong trào thi đua"),
    ),
    Case(
        "cp1258-text",
        _write("cp1258.txt", cp1258_bytes(PLAN_TEXT)),
        check=_text_has("Phát động phong trào thi đua"),
    ),
    Case(
        "utf16-text",
        _write("utf16.txt", PLAN_TEXT.encode("utf-16")),
        check=_text_has("Phát động phong trào thi đua"),
    ),
    Case(
        "utf8-bom-crlf",
        _write("bom.txt", b"\xef\xbb\xbf" + PLAN_TEXT.replace("\n", "\r\n").encode()),
        check=_text_has("Phát động phong trào"),
    ),
    Case(
        "nfd-text",
        _write("nfd.txt", unicodedata.normalize("NFD", PLAN_TEXT).encode()),
        check=_text_has("Phát động phong trào"),
    ),
    Case(
        "traversal-name",
        _write("../escaped/plan..%2F..%2F.txt", PLAN_TEXT.encode()),
        check=_plan_found,
    ),
    Case(
        "odd-name",
        _write("kế hoạch 67\n KH;rm -rf $(x) 'q'.txt", PLAN_TEXT.encode()),
        check=_plan_found,
    ),
    Case("number-with-slash", _write("67/KH-UBND.txt", PLAN_TEXT.encode()), check=_plan_found),
    # --- issue 18: an outside attack's cases -------------------------------------------------
    Case("one-byte-pdf", _write("tiny.pdf", b"x"), ErrorCode.NOT_A_PLAN),
    Case("short-junk-text", _write("junk.txt", b"asdkj qwe zzxv plmq ttt"), ErrorCode.NOT_A_PLAN),
    Case(
        "short-syllable-shaped-text",
        _write("short.txt", "Kế hoạch số 12 năm 2026 của tỉnh".encode()),
        ErrorCode.NOT_A_PLAN,
    ),
    Case(
        "zero-width-text",
        _write("invisible.txt", ("\u200b\u200c\u200d\u2060\ufeff" * 300).encode()),
        ErrorCode.EMPTY,
    ),
    Case(
        "cjk-tounicode-pdf",
        _mapped_font_pdf("cjk-map.pdf", "Hello world", "".join(map(chr, range(0x4E00, 0x4E40)))),
        ErrorCode.NOT_A_PLAN,  # the layer is CJK: read by OCR, which finds two words
    ),
    Case(
        "random-letters-tounicode-pdf",
        _mapped_font_pdf("scrambled.pdf", "Hello world again", "qwxzkjvbpfgmtrl"),
        ErrorCode.NOT_A_PLAN,
    ),
    Case("exif-sideways-photo", _sideways_photo, check=_plan_found),
    Case("fax-204x98-dpi", _standard_fax, check=_plan_found),
    Case("deep-page-tree", _deep_page_tree, ErrorCode.CORRUPT),
    Case(
        "truncated-pdf-late",
        lambda f: _write("cut-late.pdf", _good_pdf_bytes(3)[:-40])(f),
        ErrorCode.CORRUPT,
    ),
    Case(
        "cp1258-with-a-utf8-line",
        _write("mixed.txt", _mixed_cp1258()),
        check=_line_is(3, PLAN_TEXT.splitlines()[3]),
    ),
    Case(
        "ocr-timeout",
        _sideways_photo,
        ErrorCode.OCR_TIMEOUT,
        limits=Limits(ocr_seconds_per_page=0.001),
    ),
    Case(
        "slow-extraction",
        _write("many-items.txt", _many_items(3000)),
        ErrorCode.STAGE_TIMEOUT,
        limits=Limits(extract_seconds=0.05),
    ),
    Case(
        "slow-restoration",
        _write("no-diacritics.txt", strip_marks(PLAN_TEXT * 20).encode()),
        ErrorCode.STAGE_TIMEOUT,
        limits=Limits(restore_seconds=0.01),
    ),
    Case("non-utf8-name", _non_utf8_name, ErrorCode.UNSAFE_PATH),
    Case("dangling-link", _link("dangling.txt", "nowhere.txt"), ErrorCode.BAD_LINK),
    Case("looping-link", _link("loop.txt", "loop.txt"), ErrorCode.BAD_LINK),
    Case("fifo", _fifo, ErrorCode.UNSUPPORTED),
    Case("unreadable-file", _unreadable_file, ErrorCode.PERMISSION_DENIED, unprivileged=True),
    Case(
        "file-in-unreadable-folder",
        _in_unreadable_folder,
        ErrorCode.PERMISSION_DENIED,
        unprivileged=True,
    ),
    Case(
        "escape-sequences-in-name",
        _write("\x1b[31mred\x1b[0m\rplan\x07.txt", PLAN_TEXT.encode()),
        check=_plan_found,
    ),
    Case(
        "one-huge-line",
        _write("one-line.txt", ("Kế hoạch phòng chống ma túy năm 2026 " * 40_000).encode()),
        check=lambda r: True,
    ),
)
