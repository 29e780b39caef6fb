"""Structure: tables as table and row nodes, their cells under the column headers."""

from __future__ import annotations

from pipeline.layout import build_tree, document_from_text
from pipeline.structure import build_structure
from schemas import BBox, DocumentText, Line, PageText, TextMethod, Word

PLAN_HEAD = """ỦY BAN NHÂN DÂN
TỈNH LÂM ĐỒNG
Số: 12/KH-UBND
KẾ HOẠCH
Tuyên truyền cải cách hành chính năm 2026
I. HOẠT ĐỘNG TRỌNG TÂM
1. Phát sóng chương trình đối thoại
a) Chương trình trên truyền hình, cụ thể:
"""

STACKED = (
    PLAN_HEAD
    + """
TT
Nội dung
Trách nhiệm
thực hiện
Thời gian
(Năm 2026)
1
Giải đáp vướng mắc về thủ tục đất đai
Lãnh đạo
Sở Nông nghiệp và Môi trường
Tháng 3
2
Giải đáp vướng mắc về thủ tục xây dựng
Lãnh đạo Sở Xây dựng
Tháng 4
b) Tổ chức cuộc thi tìm hiểu về cải cách hành chính.
"""
)


def _tables(text: str) -> list:
    nodes = build_structure(document_from_text(text)).nodes
    return [n for n in nodes if n.kind in ("table", "row")]


def test_stacked_table_rows_keep_cells_under_their_headers() -> None:
    nodes = build_structure(document_from_text(STACKED)).nodes
    by_id = {n.id: n for n in nodes}
    table = next(n for n in nodes if n.kind == "table")
    assert table.columns == ("TT", "Nội dung", "Trách nhiệm thực hiện", "Thời gian (Năm 2026)")
    assert by_id[table.parent].label == "a"  # the table stands in the điểm that announces it
    rows = [n for n in nodes if n.kind == "row"]
    assert [r.label for r in rows] == ["1", "2"]
    assert rows[0].cells == {
        "Nội dung": "Giải đáp vướng mắc về thủ tục đất đai",
        "Trách nhiệm thực hiện": "Lãnh đạo Sở Nông nghiệp và Môi trường",
        "Thời gian (Năm 2026)": "Tháng 3",
    }
    assert rows[1].cells["Trách nhiệm thực hiện"] == "Lãnh đạo Sở Xây dựng"
    assert "Thời gian (Năm 2026): Tháng 4" in rows[1].heading
    assert rows[0].path.endswith("điểm a > bảng 1 > dòng 1")
    point_b = next(n for n in nodes if n.kind == "point" and n.label == "b")
    assert point_b.parent == by_id[table.parent].parent  # the text after the table goes on


def test_stacked_table_groups_rows_and_reads_blank_lines_as_empty_cells() -> None:
    text = """PHỤ LỤC
PHÂN CÔNG NHIỆM VỤ
STT
Nhiệm vụ
Chủ trì
Phối hợp
I
Cải cách thể chế


1
Rà soát văn bản quy phạm pháp luật
Sở Tư pháp

2
Công bố thủ tục hành chính
Văn phòng UBND tỉnh
Các sở, ngành
II
Cải cách tổ chức bộ máy


1
Sắp xếp đơn vị sự nghiệp
Sở Nội vụ
UBND các xã
"""
    nodes = _tables(text)
    rows = {n.path.split("bảng 1 > ", 1)[1]: n for n in nodes if n.kind == "row"}
    assert list(rows) == [
        "dòng I", "dòng I > dòng 1", "dòng I > dòng 2", "dòng II", "dòng II > dòng 1",
    ]  # fmt: skip
    assert rows["dòng I"].cells["Nhiệm vụ"] == "Cải cách thể chế"
    assert rows["dòng I > dòng 1"].cells == {
        "Nhiệm vụ": "Rà soát văn bản quy phạm pháp luật",
        "Chủ trì": "Sở Tư pháp",
        "Phối hợp": "",
    }
    assert rows["dòng II > dòng 1"].cells["Phối hợp"] == "UBND các xã"


def test_pipe_table_from_a_text_layer() -> None:
    text = (
        PLAN_HEAD
        + """| STT | Đơn vị được kiểm tra | Thời gian kiểm tra |
|---|---|---|
| 1 | Sở Xây dựng | Tháng 7/2026 |
| 2 | Sở Y tế | Tháng 8/2026 |
b) Báo cáo kết quả.
"""
    )
    nodes = _tables(text)
    assert nodes[0].columns == ("STT", "Đơn vị được kiểm tra", "Thời gian kiểm tra")
    assert [(n.label, n.cells) for n in nodes[1:]] == [
        ("1", {"Đơn vị được kiểm tra": "Sở Xây dựng", "Thời gian kiểm tra": "Tháng 7/2026"}),
        ("2", {"Đơn vị được kiểm tra": "Sở Y tế", "Thời gian kiểm tra": "Tháng 8/2026"}),
    ]


def test_aligned_plain_text_table() -> None:
    text = (
        PLAN_HEAD
        + """STT   Nội dung                         Thời gian      Đơn vị thực hiện
1     Tập huấn nghiệp vụ cải cách      Quý II         Sở Nội vụ
2     Kiểm tra công tác cải cách       Quý III        Sở Nội vụ, Sở Tư pháp
b) Báo cáo kết quả.
"""
    )
    nodes = _tables(text)
    assert nodes[0].columns == ("STT", "Nội dung", "Thời gian", "Đơn vị thực hiện")
    assert nodes[2].cells == {
        "Nội dung": "Kiểm tra công tác cải cách",
        "Thời gian": "Quý III",
        "Đơn vị thực hiện": "Sở Nội vụ, Sở Tư pháp",
    }


def _boxed_line(cells: list[tuple[float, str]]) -> Line:
    """A line of word boxes: each cell starts at its x and its words stand 12 points apart."""
    words = []
    for x, cell in cells:
        for word in cell.split():
            width = 6.0 * len(word)
            words.append(Word(text=word, bbox=BBox(x0=x, y0=100, x1=x + width, y1=110)))
            x += width + 3
    text = " ".join(w.text for w in words)
    return Line(text=text, words=tuple(words))


def test_table_from_word_box_geometry() -> None:
    lines = [Line(text=t) for t in PLAN_HEAD.splitlines()]
    lines += [
        _boxed_line([(50, "STT"), (100, "Nội dung"), (400, "Thời gian")]),
        _boxed_line([(50, "1"), (100, "Tổng kết công tác năm"), (400, "Tháng 12")]),
        Line(text="b) Báo cáo kết quả."),
    ]
    page = PageText(page_no=1, lines=tuple(lines), method=TextMethod.OCR)
    doc = DocumentText(source=document_from_text("x").source, pages=(page,))
    nodes = [n for n in build_structure(doc).nodes if n.kind in ("table", "row")]
    assert nodes[0].columns == ("STT", "Nội dung", "Thời gian")
    assert nodes[1].cells == {"Nội dung": "Tổng kết công tác năm", "Thời gian": "Tháng 12"}


def test_tables_leave_the_extraction_view_as_it_was() -> None:
    """Extraction reads the same blocks with or without the table view (its figures hold)."""
    tree = build_tree(document_from_text(STACKED))
    texts, blocks = [], list(tree.body)
    while blocks:
        block = blocks.pop()
        texts.append(block.text)
        blocks.extend(block.children)
    assert all(block.kind != "table" for block in tree.body)
    assert any("Lãnh đạo Sở Xây dựng" in text for text in texts)


def test_prose_with_wide_spaces_is_no_table() -> None:
    text = PLAN_HEAD + "(Kèm theo Kế hoạch số         /KH-UBND ngày      /01/2026\n"
    assert _tables(text) == []


def test_spaced_out_list_items_are_no_table() -> None:
    text = PLAN_HEAD + (
        "a) Số biên chế được giao:      326 biên chế.\n"
        "b) Số biên chế có mặt:         310 biên chế.\n"
    )
    assert _tables(text) == []


def test_pipe_table_of_a_word_file_joins_a_cell_printed_on_two_lines() -> None:
    """``pipeline.table_text`` writes a .docx or HTML cell of two lines as two pipe lines."""
    from pipeline.table_text import table_lines

    rows = [
        [["STT"], ["Nội dung"], ["Trách nhiệm", "thực hiện"]],
        [["1"], ["Giải đáp vướng mắc"], ["Lãnh đạo", "Sở Y tế"]],
        [["2"], ["Tập huấn nghiệp vụ"], ["Sở Nội vụ"]],
    ]
    text = PLAN_HEAD + "\n".join(table_lines(rows)) + "\nb) Báo cáo kết quả.\n"
    nodes = _tables(text)
    assert nodes[0].columns == ("STT", "Nội dung", "Trách nhiệm thực hiện")
    assert [n.cells for n in nodes[1:]] == [
        {"Nội dung": "Giải đáp vướng mắc", "Trách nhiệm thực hiện": "Lãnh đạo Sở Y tế"},
        {"Nội dung": "Tập huấn nghiệp vụ", "Trách nhiệm thực hiện": "Sở Nội vụ"},
    ]


def test_an_empty_row_of_a_form_never_takes_the_next_article() -> None:
    text = """QUYẾT ĐỊNH
Điều 1. Công nhận giống vật nuôi mới theo danh mục sau:
Số TT
Tên giống
Tổ chức đề nghị
1
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
"""
    nodes = build_structure(document_from_text(text)).nodes
    assert [n.label for n in nodes if n.kind == "article"] == ["1", "2"]
