"""Hostile and broken inputs, generated on the fly: each case names the file it makes and what
the pipeline must answer (an error code, or a check of a correct result).

Kept apart from the test module so that a batch test can mix these files with good ones.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from diacritics.orthography import strip_marks
from schemas import ErrorCode, Limits
from tests.hostile_makers import (
    ENGLISH_TEXT,
    FRENCH_TEXT,
    PLAN_TEXT,
    cp1258_bytes,
    cyclic_pdf,
    deep_page_tree,
    fifo,
    good_pdf_bytes,
    image_bytes,
    in_unreadable_folder,
    link_file,
    many_items,
    mapped_font_pdf,
    mixed_cp1258,
    non_utf8_name,
    pdf_file,
    png_declaring,
    sideways_photo,
    standard_fax,
    tcvn3_bytes,
    text_page,
    unreadable_file,
    vni_bytes,
    write_file,
    zero_page_pdf,
)


@dataclass(frozen=True)
class Case:
    """One hostile input: how to make it and what must come out."""

    name: str
    make: Callable[[Path], Path]
    expect: ErrorCode | None = None  # None: must succeed, then ``check`` runs on the result
    check: Callable[[object], bool] | None = None
    limits: Limits = field(default_factory=Limits)
    unprivileged: bool = False  # run as an ordinary user: root reads files whatever their mode


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
    Case("zero-bytes", write_file("empty.pdf", b""), ErrorCode.EMPTY),
    Case("zero-bytes-txt", write_file("empty.txt", b""), ErrorCode.EMPTY),
    Case("whitespace-only", write_file("blank.txt", b" \n\n\t \n"), ErrorCode.EMPTY),
    Case("header-only-pdf", write_file("header.pdf", b"%PDF-1.7\n"), ErrorCode.CORRUPT),
    Case(
        "truncated-pdf",
        lambda f: write_file("truncated.pdf", good_pdf_bytes(3)[:300])(f),
        ErrorCode.CORRUPT,
    ),
    Case(
        "pdf-garbage-body",
        write_file("garbage.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 40),
        ErrorCode.CORRUPT,
    ),
    Case(
        "random-bytes-as-pdf",
        write_file("random.pdf", bytes((i * 7919) % 256 for i in range(4096))),
        ErrorCode.UNSUPPORTED,
    ),
    Case(
        "zip-as-pdf",
        write_file("archive.pdf", b"PK\x03\x04" + b"\x00" * 200),
        ErrorCode.UNSUPPORTED,
    ),
    Case(
        "zip-named-docx",
        write_file("plan.docx", b"PK\x03\x04" + b"\x14\x00" * 100),
        ErrorCode.UNSUPPORTED,
    ),
    Case(
        "docx-broken",
        write_file(
            "plan.docx", b"PK\x03\x04" + b"\x14\x00" * 13 + b"word/document.xml" + bytes(300)
        ),
        ErrorCode.CORRUPT,
    ),
    Case(
        "html-only-scripts",
        write_file("page.html", b"<!DOCTYPE html><html><script>var a = 1;</script><nav>Menu</nav>"),
        ErrorCode.EMPTY,
    ),
    Case(
        "ole-doc",
        write_file("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        ErrorCode.UNSUPPORTED,
    ),
    Case(
        "elf-binary",
        write_file("tool.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 300),
        ErrorCode.UNSUPPORTED,
    ),
    Case("gzip", write_file("plan.txt.gz", zlib.compress(b"x" * 100)), ErrorCode.UNSUPPORTED),
    Case(
        "nul-bytes-txt",
        write_file("nul.txt", b"Ke hoach\x00\x00\x00\x01\x02 binary" * 50),
        ErrorCode.UNSUPPORTED,
    ),
    Case(
        "encrypted-pdf",
        pdf_file(
            "locked.pdf", text_page, encryption=pikepdf.Encryption(user="secret", owner="owner")
        ),
        ErrorCode.ENCRYPTED,
    ),
    Case(
        "encrypted-aes256",
        pdf_file(
            "locked256.pdf", text_page, encryption=pikepdf.Encryption(user="u", owner="o", R=6)
        ),
        ErrorCode.ENCRYPTED,
    ),
    Case("zero-pages", zero_page_pdf, ErrorCode.EMPTY),
    Case("cyclic-page-tree", cyclic_pdf, ErrorCode.CORRUPT),
    Case(
        "absurd-page-size",
        pdf_file("huge-page.pdf", lambda pdf: text_page(pdf, box=(14400, 14400))),
        ErrorCode.TOO_MANY_PIXELS,
    ),
    Case(
        "too-many-pages",
        lambda f: write_file("long.pdf", good_pdf_bytes(4))(f),
        ErrorCode.TOO_MANY_PAGES,
        limits=Limits(max_pages=3),
    ),
    Case(
        "too-many-bytes",
        write_file("big.txt", PLAN_TEXT.encode() * 10),
        ErrorCode.TOO_LARGE,
        limits=Limits(max_bytes=1000),
    ),
    Case(
        "png-bomb",
        write_file("bomb.png", png_declaring(100_000, 100_000)),
        ErrorCode.TOO_MANY_PIXELS,
    ),
    Case(
        "png-bomb-as-pdf",
        write_file("bomb.pdf", png_declaring(60_000, 60_000)),
        ErrorCode.TOO_MANY_PIXELS,
    ),
    Case(
        "image-over-pixel-limit",
        write_file("wide.png", image_bytes("PNG", (3000, 3000))),
        ErrorCode.TOO_MANY_PIXELS,
        limits=Limits(max_pixels=1_000_000),
    ),
    Case(
        "truncated-png",
        lambda f: write_file("cut.png", image_bytes("PNG", (400, 400))[:60])(f),
        ErrorCode.CORRUPT,
    ),
    Case(
        "truncated-jpeg",
        lambda f: write_file("cut.jpg", image_bytes("JPEG", (400, 400))[:100])(f),
        ErrorCode.CORRUPT,
    ),
    Case("blank-image", write_file("blank.png", image_bytes("PNG", (600, 400))), ErrorCode.EMPTY),
    Case(
        "jpeg-named-pdf", write_file("photo.pdf", image_bytes("JPEG", (600, 400))), ErrorCode.EMPTY
    ),
    Case("invalid-utf8", write_file("bad.txt", b"\x81\x8d\x8f\x90\x9d" * 200), ErrorCode.ENCODING),
    Case(
        "english-document",
        write_file("english.txt", ENGLISH_TEXT.encode()),
        ErrorCode.NOT_VIETNAMESE,
    ),
    Case(
        "french-document", write_file("french.txt", FRENCH_TEXT.encode()), ErrorCode.NOT_VIETNAMESE
    ),
    Case(
        "english-pdf",
        pdf_file(
            "english.pdf", lambda pdf: [text_page(pdf, line) for line in ENGLISH_TEXT.split(". ")]
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
        write_file("tcvn3.txt", tcvn3_bytes(PLAN_TEXT)),
        check=_text_has("phát động phong trào thi đua"),
    ),
    Case(
        "vni-text",
        write_file("vni.txt", vni_bytes(PLAN_TEXT)),
        check=_text_has("Phát động phong trào thi đua"),
    ),
    Case(
        "cp1258-text",
        write_file("cp1258.txt", cp1258_bytes(PLAN_TEXT)),
        check=_text_has("Phát động phong trào thi đua"),
    ),
    Case(
        "utf16-text",
        write_file("utf16.txt", PLAN_TEXT.encode("utf-16")),
        check=_text_has("Phát động phong trào thi đua"),
    ),
    Case(
        "utf8-bom-crlf",
        write_file("bom.txt", b"\xef\xbb\xbf" + PLAN_TEXT.replace("\n", "\r\n").encode()),
        check=_text_has("Phát động phong trào"),
    ),
    Case(
        "nfd-text",
        write_file("nfd.txt", unicodedata.normalize("NFD", PLAN_TEXT).encode()),
        check=_text_has("Phát động phong trào"),
    ),
    Case(
        "traversal-name",
        write_file("../escaped/plan..%2F..%2F.txt", PLAN_TEXT.encode()),
        check=_plan_found,
    ),
    Case(
        "odd-name",
        write_file("kế hoạch 67\n KH;rm -rf $(x) 'q'.txt", PLAN_TEXT.encode()),
        check=_plan_found,
    ),
    Case("number-with-slash", write_file("67/KH-UBND.txt", PLAN_TEXT.encode()), check=_plan_found),
    # --- issue 18: an outside attack's cases -------------------------------------------------
    Case("one-byte-pdf", write_file("tiny.pdf", b"x"), ErrorCode.NOT_A_PLAN),
    Case(
        "short-junk-text", write_file("junk.txt", b"asdkj qwe zzxv plmq ttt"), ErrorCode.NOT_A_PLAN
    ),
    Case(
        "short-syllable-shaped-text",
        write_file("short.txt", "Kế hoạch số 12 năm 2026 của tỉnh".encode()),
        ErrorCode.NOT_A_PLAN,
    ),
    Case(
        "zero-width-text",
        write_file("invisible.txt", ("\u200b\u200c\u200d\u2060\ufeff" * 300).encode()),
        ErrorCode.EMPTY,
    ),
    Case(
        "cjk-tounicode-pdf",
        mapped_font_pdf("cjk-map.pdf", "Hello world", "".join(map(chr, range(0x4E00, 0x4E40)))),
        ErrorCode.NOT_A_PLAN,  # the layer is CJK: read by OCR, which finds two words
    ),
    Case(
        "random-letters-tounicode-pdf",
        mapped_font_pdf("scrambled.pdf", "Hello world again", "qwxzkjvbpfgmtrl"),
        ErrorCode.NOT_A_PLAN,
    ),
    Case("exif-sideways-photo", sideways_photo, check=_plan_found),
    Case("fax-204x98-dpi", standard_fax, check=_plan_found),
    Case("deep-page-tree", deep_page_tree, ErrorCode.CORRUPT),
    Case(
        "truncated-pdf-late",
        lambda f: write_file("cut-late.pdf", good_pdf_bytes(3)[:-40])(f),
        ErrorCode.CORRUPT,
    ),
    Case(
        "cp1258-with-a-utf8-line",
        write_file("mixed.txt", mixed_cp1258()),
        check=_line_is(3, PLAN_TEXT.splitlines()[3]),
    ),
    Case(
        "ocr-timeout",
        sideways_photo,
        ErrorCode.OCR_TIMEOUT,
        limits=Limits(ocr_seconds_per_page=0.001),
    ),
    Case(
        "slow-extraction",
        write_file("many-items.txt", many_items(3000)),
        ErrorCode.STAGE_TIMEOUT,
        limits=Limits(extract_seconds=0.05),
    ),
    Case(
        "slow-restoration",
        write_file("no-diacritics.txt", strip_marks(PLAN_TEXT * 20).encode()),
        ErrorCode.STAGE_TIMEOUT,
        limits=Limits(restore_seconds=0.01),
    ),
    Case("non-utf8-name", non_utf8_name, ErrorCode.UNSAFE_PATH),
    Case("dangling-link", link_file("dangling.txt", "nowhere.txt"), ErrorCode.BAD_LINK),
    Case("looping-link", link_file("loop.txt", "loop.txt"), ErrorCode.BAD_LINK),
    Case("fifo", fifo, ErrorCode.UNSUPPORTED),
    Case("unreadable-file", unreadable_file, ErrorCode.PERMISSION_DENIED, unprivileged=True),
    Case(
        "file-in-unreadable-folder",
        in_unreadable_folder,
        ErrorCode.PERMISSION_DENIED,
        unprivileged=True,
    ),
    Case(
        "escape-sequences-in-name",
        write_file("\x1b[31mred\x1b[0m\rplan\x07.txt", PLAN_TEXT.encode()),
        check=_plan_found,
    ),
    Case(
        "one-huge-line",
        write_file("one-line.txt", ("Kế hoạch phòng chống ma túy năm 2026 " * 40_000).encode()),
        check=lambda r: True,
    ),
)
