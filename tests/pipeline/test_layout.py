"""Layout: header, section tree, items and closing block of plans written in the tests."""

from __future__ import annotations

from pipeline.layout import build_tree, clean_line, document_from_text, join_parts
from schemas import BBox, BlockKind, DocumentText, Line, PageText, TextMethod

PLAN = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND
Quảng Ngãi, ngày 05 tháng 3 năm 2026

KẾ HOẠCH
Phát động phong trào thi đua
bảo vệ môi trường năm 2026

Căn cứ Quyết định số 45/2025/QĐ-UBND ngày 10/12/2025 của Ủy ban nhân dân tỉnh;

I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Nâng cao nhận thức của cán bộ, công chức và Nhân
dân về bảo vệ môi trường.
- Phát huy vai trò của các cơ quan, đơn vị.
2. Yêu cầu
- Phong trào được triển khai sâu rộng, thiết thực.
II. TỔ CHỨC THỰC HIỆN
1. Sở Nông nghiệp và Môi trường: chủ trì, phối hợp với Sở Tài chính hướng dẫn thực hiện.
2. UBND các xã, phường:
a) Xây dựng kế hoạch trước ngày 30/4/2026.
b) Báo cáo kết quả trước ngày 15/11 hằng năm.
Trên đây là Kế hoạch phát động phong trào thi đua./.

Nơi nhận:
- Bộ Nông nghiệp và Môi trường;
- UBND các xã, phường;
- Lưu: VT, KT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Trần Văn Minh
"""


def test_header_body_and_closing_are_split() -> None:
    tree = build_tree(document_from_text(PLAN))
    assert tree.header[:2] == ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI")
    assert "KẾ HOẠCH" in tree.header
    assert tree.header[-1] == "bảo vệ môi trường năm 2026"
    assert tree.body[0].kind == BlockKind.PARAGRAPH and tree.body[0].text.startswith("Căn cứ")
    assert tree.closing[0] == "Nơi nhận:"
    assert tree.closing[-3:] == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Minh")


def test_sections_points_letters_and_bullets_nest() -> None:
    tree = build_tree(document_from_text(PLAN))
    sections = [block for block in tree.body if block.kind == BlockKind.SECTION]
    assert [s.label for s in sections] == ["I", "II"]
    purpose = sections[0].children[0]
    assert (purpose.kind, purpose.label, purpose.text) == (BlockKind.POINT, "1", "Mục đích")
    bullets = purpose.children
    assert [b.kind for b in bullets] == [BlockKind.BULLET, BlockKind.BULLET]
    # A wrapped line joins its item; the provenance spans both lines.
    assert bullets[0].text.endswith("Nhân dân về bảo vệ môi trường.")
    assert bullets[0].provenance.line_end == bullets[0].provenance.line_start + 1
    letters = sections[1].children[1].children
    assert [(b.kind, b.label) for b in letters] == [
        (BlockKind.LETTER, "a"),
        (BlockKind.LETTER, "b"),
    ]


def test_provenance_counts_lines_over_all_pages() -> None:
    box = BBox(x0=10, y0=20, x1=200, y1=40)
    page1 = PageText(
        page_no=1,
        method=TextMethod.OCR,
        lines=(
            Line(text="Căn cứ Luật Thi đua, khen thưởng;"),
            Line(text="I. MỤC ĐÍCH, YÊU CẦU"),
        ),
    )
    page2 = PageText(
        page_no=2,
        method=TextMethod.OCR,
        lines=(
            Line(text="- Động viên các tập thể", bbox=box, confidence=0.8),
            Line(
                text="tham gia phong trào.", bbox=BBox(x0=10, y0=45, x1=150, y1=60), confidence=0.6
            ),
        ),
    )
    source = document_from_text("x").source
    tree = build_tree(DocumentText(source=source, pages=(page1, page2)))
    bullet = tree.body[1].children[0]
    assert bullet.provenance.page == 2
    assert (bullet.provenance.line_start, bullet.provenance.line_end) == (3, 4)
    assert bullet.provenance.bbox == BBox(x0=10, y0=20, x1=200, y1=60)
    assert bullet.provenance.confidence == 0.6


def test_merged_columns_of_a_legacy_dump_are_split() -> None:
    text = (
        "TỈNH AN GIANG Độc lập - Tự do - Hạnh phúc\n"
        "Số: 169 /KH-UBND An Giang, ngày 21 tháng 02 năm 2025\nKẾ HOẠCH\nPhát động thi đua\n\n"
        "Căn cứ Luật Thi đua, khen thưởng;\nI. MỤC ĐÍCH\n- Động viên./.\n"
        "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n- Bộ Công an; CHỦ TỊCH\n- Lưu: VT.\n"
    )
    tree = build_tree(document_from_text(text))
    assert tree.header[:4] == (
        "TỈNH AN GIANG",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 169 /KH-UBND",
        "An Giang, ngày 21 tháng 02 năm 2025",
    )
    assert tree.closing == (
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "- Bộ Công an;",
        "CHỦ TỊCH",
        "- Lưu: VT.",
    )


def test_heading_without_numbering_is_recognised_despite_ocr_errors() -> None:
    text = "Căn cứ Luật A;\nMUC PICH, YEU CAU\n- Một.\nTO CHUC THUC HIEN\n- Hai.\n"
    tree = build_tree(document_from_text(text))
    assert [b.kind for b in tree.body] == [
        BlockKind.PARAGRAPH,
        BlockKind.SECTION,
        BlockKind.SECTION,
    ]
    assert [len(b.children) for b in tree.body[1:]] == [1, 1]


def test_markdown_marks_and_hyphenation_are_removed() -> None:
    assert clean_line("**1. Mục đích**") == "1. Mục đích"
    assert clean_line("\\* *Khen thưởng hàng năm*: Căn cứ") == "* Khen thưởng hàng năm: Căn cứ"
    assert join_parts(["công nghệ thông tin và truyền thô-", "ng hiện đại"]) == (
        "công nghệ thông tin và truyền thông hiện đại"
    )
    assert join_parts(["tổ chức chính trị -", "xã hội"]) == "tổ chức chính trị - xã hội"


def test_lowercase_dash_line_continues_the_sentence() -> None:
    text = (
        "Căn cứ Luật A;\nI. TỔ CHỨC THỰC HIỆN\n1. Các tổ chức chính trị\n- xã hội tỉnh báo cáo.\n"
    )
    tree = build_tree(document_from_text(text))
    point = tree.body[1].children[0]
    assert point.text == "Các tổ chức chính trị - xã hội tỉnh báo cáo."
    assert point.children == ()


def test_pipe_table_header_and_closing_rows_are_split_into_cells() -> None:
    text = (
        "|ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
        "|TỈNH LÂM ĐỒNG |Độc lập – Tự do – Hạnh phúc |\n"
        "|Số: /KH-UBND |Lâm Đồng, ngày tháng 3 năm 2026 |\n"
        "KẾ HOẠCH\nPhòng, chống ma túy năm 2026\n\n"
        "Thực hiện Nghị quyết số 50/NQ-CP ngày 13/3/2025 của Chính phủ;\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n- Phát huy sức mạnh tổng hợp./.\n"
        "|Nơi nhận: | | KT. CHỦ TỊCH |\n"
        "|- Bộ Công an; -| |PHÓ CHỦ TỊCH |\n"
        "|Thường trực Tỉnh ủy; | | |\n"
        "|- Lưu: VT, NC. | | |\n"
    )
    tree = build_tree(document_from_text(text))
    assert tree.header[:3] == (
        "ỦY BAN NHÂN DÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "TỈNH LÂM ĐỒNG",
    )
    assert tree.closing == (
        "Nơi nhận:",
        "KT. CHỦ TỊCH",
        "- Bộ Công an; -",
        "PHÓ CHỦ TỊCH",
        "Thường trực Tỉnh ủy;",
        "- Lưu: VT, NC.",
    )
