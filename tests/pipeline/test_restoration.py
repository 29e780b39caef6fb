"""Restoration as a pipeline stage: which text is restored, and what is left exactly as it was."""

from __future__ import annotations

from pipeline.layout import source_for_text
from pipeline.restoration import restore_document
from schemas import DocumentText
from schemas.common import BBox
from schemas.text import Line, PageText, TextMethod, Word


def _plain(lines: list[str]) -> DocumentText:
    page = PageText(
        page_no=1,
        lines=tuple(
            Line(text=t, region="body" if i else "header-left") for i, t in enumerate(lines)
        ),
        method=TextMethod.PLAIN,
    )
    return DocumentText(source=source_for_text("\n".join(lines), "doc.txt"), pages=(page,))


LEGACY = [
    "KE HOACH",
    "Phat dong phong trao thi dua tren dia ban tinh",
    "",
    "Uy ban nhan dan tinh ban hanh Ke hoach thuc hien nhu sau:",
    "1. Muc dich",
    "- Phat huy suc manh tong hop cua ca he thong chinh tri.",
]
CORRECT = [
    "KẾ HOẠCH",
    "Phát động phong trào thi đua trên địa bàn tỉnh",
    "",
    "Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện như sau:",
    "1. Mục đích",
    "- Phát huy sức mạnh tổng hợp của cả hệ thống chính trị.",
]


def test_legacy_text_is_restored_line_for_line() -> None:
    doc = _plain(LEGACY)
    out = restore_document(doc)
    assert out.line_count == doc.line_count
    assert [line.text for line in out.pages[0].lines] == CORRECT
    assert [line.region for line in out.pages[0].lines] == [
        line.region for line in doc.pages[0].lines
    ]
    assert doc.pages[0].lines[0].text == "KE HOACH"  # the input is not mutated


def test_correct_text_is_returned_untouched() -> None:
    doc = _plain(CORRECT)
    out = restore_document(doc)
    assert out == doc


def test_only_doubtful_ocr_words_are_repaired() -> None:
    box = BBox(x0=0, y0=0, x1=100, y1=20)
    words = (
        Word(text="bảo", confidence=0.95),
        Word(text="vé", confidence=0.3),
        Word(text="an", confidence=0.96),
        Word(text="ninh", confidence=0.96),
        Word(text="T6", confidence=0.2),
        Word(text="quốc", confidence=0.93),
    )
    sure = Line(
        text="Căn cứ Luật Thi đua, khen thưởng", words=(Word(text="Căn", confidence=0.9),), bbox=box
    )
    doubtful = Line(text="bảo vé an ninh T6 quốc", words=words, bbox=box, region="body")
    page = PageText(page_no=1, lines=(sure, doubtful), method=TextMethod.OCR)
    doc = DocumentText(source=source_for_text("x", "doc.txt"), pages=(page,))
    out = restore_document(doc)
    assert out.pages[0].lines[0] is sure or out.pages[0].lines[0] == sure
    fixed = out.pages[0].lines[1]
    assert fixed.text == "bảo vệ an ninh Tổ quốc"
    assert fixed.bbox == box and fixed.region == "body"
    assert [w.text for w in fixed.words] == ["bảo", "vệ", "an", "ninh", "Tổ", "quốc"]
