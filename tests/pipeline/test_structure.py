"""Structure: frame, body tree and attached documents of decrees, decisions and plans."""

from __future__ import annotations

from extractors import extract_plan
from pipeline.layout import build_tree, document_from_text
from pipeline.structure import build_structure, find_node

DECREE = """CHÍNH PHỦ
Số: 12/2025/NĐ-CP
Hà Nội, ngày 01 tháng 3 năm 2025
NGHỊ ĐỊNH
Quy định chi tiết một số điều
Căn cứ Luật Tổ chức Chính phủ;
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Nghị định này quy định chi tiết.
Chương II
QUY ĐỊNH CỤ THỂ
Mục 1
TIÊU CHÍ
Điều 5. Tiêu chí
1. Tiêu chí chung.
2. Tiêu chí riêng:
a) Có bằng cấp;
b) Có kinh nghiệm;
đ) Khác.
Điều 6. Hiệu lực
Nghị định này có hiệu lực từ ngày ký./.
"""


def _by_path(text: str) -> dict[str, str]:
    return {n.path: n.kind for n in build_structure(document_from_text(text)).nodes}


def test_decree_levels_nest_and_are_addressable() -> None:
    nodes = build_structure(document_from_text(DECREE)).nodes
    paths = _by_path(DECREE)
    assert paths["Chương II > Mục 1 > Điều 5 > khoản 2 > điểm a"] == "point"
    assert paths["Chương I > Điều 1"] == "article"
    chapter = next(n for n in nodes if n.kind == "chapter" and n.label == "II")
    assert chapter.heading == "QUY ĐỊNH CỤ THỂ"
    found = find_node(nodes, "điểm a khoản 2 Điều 5")
    assert found is not None and found.heading == "Có bằng cấp;"
    article6 = next(n for n in nodes if n.kind == "article" and n.label == "6")
    assert article6.parent == chapter.id or nodes[int(article6.parent[1:]) - 1].kind == "section"


def test_ocr_damaged_numbering_keeps_its_level() -> None:
    damaged = DECREE.replace("Điều 5.", "Điểu 5,").replace("2. Tiêu chí riêng", "2, Tiêu chí riêng")
    paths = _by_path(damaged)
    assert paths["Chương II > Mục 1 > Điều 5 > khoản 2 > điểm b"] == "point"


PLAN = """KẾ HOẠCH
Thi đua năm 2026
1. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Nâng cao nhận thức.
II. NHIỆM VỤ
1. Sở Nội vụ chủ trì thực hiện.
TH. TỔ CHỨC THỰC HIỆN
1. Các sở, ngành triển khai.
"""


def test_a_roman_numeral_read_as_1_or_th_stays_a_section() -> None:
    nodes = build_structure(document_from_text(PLAN)).nodes
    sections = [n.label for n in nodes if n.kind == "section"]
    assert sections == ["I", "II", "III"]
    assert _by_path(PLAN)["Mục III > khoản 1"] == "clause"


DECISION = """ỦY BAN NHÂN DÂN
TỈNH LÂM ĐỒNG
Số: 10/QĐ-UBND
Lâm Đồng, ngày 02 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch tuyên truyền
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG
Căn cứ Luật Tổ chức chính quyền địa phương;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch tuyên truyền.
Điều 2. Quyết định này có hiệu lực từ ngày ký./.
Nơi nhận:
- Như Điều 2;
- Lưu: VT.
CHỦ TỊCH
Trần Văn Minh
KẾ HOẠCH
Tuyên truyền năm 2026
(Ban hành kèm theo Quyết định số 10/QĐ-UBND ngày 02/3/2026)
I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao nhận thức của Nhân dân.
II. TỔ CHỨC THỰC HIỆN
1. Sở Văn hóa, Thể thao và Du lịch chủ trì tổ chức tuyên truyền trước ngày 30/6/2026.
2. Ủy ban nhân dân các xã, phường triển khai thực hiện.
"""


def test_an_attached_plan_is_a_child_document_not_recipients() -> None:
    document = document_from_text(DECISION)
    tree = build_tree(document)
    assert [a.doc_type for a in tree.attachments] == ["KẾ HOẠCH"]
    assert tree.attachments[0].attached_by.startswith("(Ban hành kèm theo")
    plan = extract_plan(tree, document.source)
    assert len(plan.recipients) <= 2
    assert plan.assignments, "the attached plan's tasks are read"
    assert plan.nodes == tree.nodes
    appendix = next(n for n in tree.nodes if n.kind == "appendix")
    assert any(n.parent == appendix.id and n.kind == "section" for n in tree.nodes)


def test_the_authority_line_does_not_hide_the_preamble() -> None:
    nodes = build_structure(document_from_text(DECISION)).nodes
    first = nodes[0]
    assert first.part == "preamble" and first.heading.startswith("Căn cứ")


OCR_PLAN = """KẾ HOẠCH
Phòng, chống ma túy năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Nắm chắc tình hình.
II. CHỈ TIÊU
1. Giảm số người nghiện.
111. NỘI DUNG, GIẢI PHÁP TRỌNG TÂM VÀ PHÂN CÔNG NHIỆM VỤ
l. Triển khai các giải pháp tổng thể
2. Nâng cao hiệu quả quản lý.
2.1. Công an tỉnh
22. Đề nghị Ngân hàng Nhà nước Chi nhánh Khu vực 10
lV, KINH PHÍ THỰC HIỆN
1. Ngân sách tỉnh.
V KIẾN NGHỊ
1. Đề nghị Bộ Công an hỗ trợ.
"""


def test_ocr_roman_look_alikes_and_lost_periods_follow_the_sequence() -> None:
    paths = _by_path(OCR_PLAN)
    sections = [p for p, kind in paths.items() if kind == "section"]
    assert sections == ["Mục I", "Mục II", "Mục III", "Mục IV", "Mục V"]
    assert paths["Mục III > khoản 1"] == "clause"  # "l." after a heading: the first khoản
    assert paths["Mục III > khoản 2 > khoản 2.2"] == "clause"  # "22." is 2.2 under clause 2
    assert paths["Mục V > khoản 1"] == "clause"


def test_an_unnumbered_heading_spelt_out_of_vocabulary_reach_stays_a_heading() -> None:
    text = """KẾ HOẠCH
Cải cách hành chính năm 2026
I. MỤC TIÊU, NHIỆM VỤ
Cải cách thể chế
a) Mục tiêu
- Cập nhật văn bản quy phạm pháp luật đầy đủ, kịp thời trên cơ sở dữ liệu quốc gia về pháp luật.
Cải cách chế do công vụ
a) Mục tiêu
- Bố trí công chức theo đúng vị trí việc làm được phê duyệt.
"""
    nodes = build_structure(document_from_text(text)).nodes
    headings = [n.heading for n in nodes if n.kind == "clause"]
    assert headings == ["Cải cách thể chế", "Cải cách chế do công vụ"]
