"""Document identity, jurisdiction, legal basis and relations (issues 13, 14, 15)."""

from __future__ import annotations

from extractors.header import extract_header
from extractors.legal_basis import extract_legal_basis, ref_key
from extractors.portal import read_portal_attributes
from extractors.relations import body_relations, note_relations
from extractors.sections import place_blocks
from extractors.signer import signer_of
from extractors.vocab import expand_abbreviations
from pipeline.layout import build_tree, document_from_text
from tests.support import plan_of


def _header(text: str):  # type: ignore[no-untyped-def]
    tree = build_tree(document_from_text(text))
    return extract_header(tree, place_blocks(tree))


CHI_THI = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số:
16/CT-UBND
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Ngãi, ngày 27 tháng 12 năm 2021
CHỈ THỊ
Về việc tăng cường các biện pháp bảo đảm đón Tết Nguyên đán
Nhâm Dần năm 2022 đầm ấm, an toàn và tiết kiệm
Thực hiện Chỉ thị số 11-CT/TW ngày 08/12/2021 của Ban Bí thư về việc tổ chức Tết Nhâm Dần năm 2022.
1. Các sở, ban ngành tỉnh tăng cường kiểm tra.
"""

CONG_VAN = """BỘ CÔNG AN
Số: 4409/BCA-C04
V/v tham gia ý kiến vào Dự thảo Hồ sơ
Quyết định của Thủ tướng Chính phủ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 01 tháng 10 năm 2025
Kính gửi: UBND các tỉnh, thành phố trực thuộc Trung ương
Thực hiện Nghị quyết số 93/NQ-CP ngày 16/4/2025 của Chính phủ, Bộ Công an đề nghị như sau.
Nơi nhận:
- Như trên;
- Lưu: VT, C04.
KT. BỘ TRƯỞNG
THỨ TRƯỞNG
Thượng tướng Nguyễn Văn Long
"""

QD_TTG = """THỦ TƯỚNG CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 932/QĐ-TTg
Hà Nội, ngày 15 tháng 5 năm 2025

QUYẾT ĐỊNH
Về việc phê duyệt danh sách thành viên của Tổ Công tác cải cách hành chính

THỦ TƯỚNG CHÍNH PHỦ

Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;
Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;
Theo đề nghị của Bộ trưởng Bộ Nội vụ.

QUYẾT ĐỊNH:

Điều 1. Phê duyệt danh sách thành viên Tổ Công tác.
Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày 01 tháng 6 năm 2025 và thay thế Quyết định
số 45/QĐ-TTg ngày 10 tháng 01 năm 2024 của Thủ tướng Chính phủ.
"""


def test_number_on_the_line_after_so_and_the_title_stops_at_the_body() -> None:
    header = _header(CHI_THI)
    assert header.number == "16/CT-UBND"
    assert header.doc_type == "Chỉ thị"
    assert header.issue_date == "2021-12-27"
    assert header.title is not None and header.title.endswith("an toàn và tiết kiệm")
    assert header.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert (header.province, header.issuer_level) == ("Quảng Ngãi", "province")


def test_cong_van_has_no_type_line_but_a_subject_and_a_central_issuer_has_no_province() -> None:
    header = _header(CONG_VAN)
    assert header.doc_type == "Công văn"
    assert header.number == "4409/BCA-C04"
    assert header.title == "tham gia ý kiến vào Dự thảo Hồ sơ Quyết định của Thủ tướng Chính phủ"
    assert (header.issuer, header.issuer_level, header.province) == ("Bộ Công an", "central", None)
    assert header.place == "Hà Nội"
    assert header.signer.name == "Nguyễn Văn Long"
    assert (header.signer.title, header.signer.on_behalf) == ("Thứ trưởng", "KT. Bộ trưởng")


def test_an_authority_line_before_the_preamble_keeps_the_legal_basis() -> None:
    plan = plan_of(QD_TTG)
    assert plan.doc.authority == "Thủ tướng Chính phủ"
    assert (plan.doc.issuer, plan.doc.province) == ("Thủ tướng Chính phủ", None)
    refs = [(basis.ref, basis.name) for basis in plan.legal_basis]
    assert refs == [("63/2025/QH15", "Luật Tổ chức Chính phủ"), ("30/2020/NĐ-CP", None)]
    replaced = [r for r in plan.relations if r.kind == "thay_the"]
    assert [r.ref for r in replaced] == ["45/QĐ-TTg"]
    assert plan.validity.effective_date == "2025-06-01"


def test_tone_marks_placed_either_way_read_the_same() -> None:
    old = _header("UỶ BAN NHÂN DÂN\nTỈNH KHÁNH HOÀ\nSố: 12/KH-UBND\nKhánh Hoà, ngày 02 tháng 3 "
                  "năm 2025\nKẾ HOẠCH\nTriển khai công tác năm 2025\n")  # fmt: skip
    assert old.province == "Khánh Hòa"
    assert old.issuer == "Ủy ban nhân dân tỉnh Khánh Hòa"


def test_portal_attributes_glued_to_their_labels() -> None:
    lines = ["Số hiệu152/2025/TT-BTС", "Loại văn bảnThông tư", "Ngành--", "Ngày ban hành31/12/2025",
             "Ngày có hiệu lực01/01/2026", "Còn hiệu lực", "Cơ quan ban hànhBộ Tài chính",
             "Chức danhThứ trưởng", "Người kýNguyễn Đức Tâm"]  # fmt: skip
    portal = read_portal_attributes(lines)
    assert portal is not None
    assert (portal.doc_type, portal.issuer, portal.signer_name) == (
        "Thông tư",
        "Bộ Tài chính",
        "Nguyễn Đức Tâm",
    )
    assert (portal.issue_date, portal.effective_date, portal.status) == (
        "2025-12-31",
        "2026-01-01",
        "Còn hiệu lực",
    )
    assert ref_key(portal.number or "") == "152/2025/TT-BTC"  # a Cyrillic "С" in the page


def test_one_canonical_key_for_a_reference() -> None:
    keys = {ref_key(r) for r in ("98/2023/NĐ-CP", "098/2023/nđ-cp", "98 / 2023 / ND–CP",
                                  "Số: 98/2023/NĐ-CP")}  # fmt: skip
    assert keys == {"98/2023/ND-CP"}
    assert ref_key("Luật Thi đua, khen thưởng") == "luat thi dua khen thuong"


def test_abbreviations_are_not_expanded_inside_document_symbols() -> None:
    text = "Thông tư số 01/2024/TT-BNV; TT HĐND tỉnh; Công văn số 574/UBND-KTTH"
    assert expand_abbreviations(text) == (
        "Thông tư số 01/2024/TT-BNV; Thường trực Hội đồng nhân dân tỉnh; Công văn số 574/UBND-KTTH"
    )


def test_amending_repealing_and_history_mentions() -> None:
    text = (
        "Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số 01/2024/TT-BNV ngày 24 tháng 02 "
        "năm 2024 của Bộ trưởng Bộ Nội vụ. Bãi bỏ khoản 2 Điều 5 Quyết định số 12/2020/QĐ-UBND; "
        "bãi bỏ các quy định tại Nghị định số 90/2020/NĐ-CP (được sửa đổi, bổ sung tại Nghị "
        "định số 48/2023/NĐ-CP)."
    )
    found = {(r.kind, r.ref, r.scope) for r in body_relations(text, None)}
    assert ("sua_doi", "01/2024/TT-BNV", None) in found
    assert ("bai_bo", "12/2020/QĐ-UBND", "khoản 2 Điều 5") in found
    assert ("bai_bo", "90/2020/NĐ-CP", None) in found
    assert ("dan_chieu", "48/2023/NĐ-CP", None) in found


def test_portal_notes_are_relations_from_the_other_document() -> None:
    text = ("5. Cổ tức là khoản lợi nhuận ròng. [Khoản này được sửa đổi bởi Điểm a Khoản 1 Điều 1 "
            "Luật Doanh nghiệp sửa đổi 2025 có hiệu lực từ ngày 01/07/2025] [Khoản này được hướng "
            "dẫn bởi Điều 6 Nghị định 168/2025/NĐ-CP có hiệu lực từ ngày 01/07/2025]")  # fmt: skip
    found = {(r.kind, r.ref, r.inverse) for r in note_relations(text, None)}
    assert ("sua_doi", "Luật Doanh nghiệp sửa đổi 2025", True) in found
    assert ("huong_dan", "168/2025/NĐ-CP", True) in found


def test_signer_when_ocr_joined_the_two_closing_columns() -> None:
    closing = ("Nơi nhận:", "- Như trên; KT. CHỦ TỊCH", "- Lưu: VT. PHÓ CHỦ TỊCH", "Nguyễn Minh")
    signer = signer_of(closing)
    assert (signer.on_behalf, signer.name) == ("KT. Chủ tịch", "Nguyễn Minh")
    glued = signer_of(("TM. ỦY BAN NHÂN DÂN", ":", "KT.CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"))
    assert (glued.on_behalf, glued.title) == ("KT. Chủ tịch", "Phó Chủ tịch")


def test_legal_basis_keeps_the_first_citation_per_clause() -> None:
    text = (
        "KẾ HOẠCH\nThực hiện công tác\nCăn cứ Luật Thi đua, khen thưởng ngày 15 tháng 06 năm 2022;"
    )
    tree = build_tree(document_from_text(text + "\nI. MỤC ĐÍCH\n1. Nội dung.\n"))
    basis = extract_legal_basis(place_blocks(tree))
    assert [(b.ref, b.key) for b in basis] == [
        ("Luật Thi đua, khen thưởng", "luat thi dua khen thuong")
    ]


def test_a_circular_without_its_header_lines_is_still_central() -> None:
    header = _header(
        "THÔNG TƯ\nQuy định kỹ thuật điều tra sạt lở đất\nCăn cứ Luật Địa chất và Khoáng sản;\n"
        "Điều 1. Phạm vi điều chỉnh\n"
    )
    assert (header.doc_type, header.issuer_level, header.province) == ("Thông tư", "central", None)


def test_a_ministry_signing_in_ha_noi_has_no_province_and_its_parent_is_kept() -> None:
    header = _header(
        "BỘ TÀI CHÍNH TỔNG CỤC HẢI QUAN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 778/TCHQ-GSQL\n"
        "V/v thủ tục hải quan\nHà Nội, ngày 13 tháng 02 năm 2017\nKính gửi: Cục Hải quan các tỉnh\n"
    )
    assert (header.issuer_parent, header.issuer_level, header.province) == (
        "Bộ Tài chính",
        "central",
        None,
    )
    assert (header.doc_type, header.issue_date) == ("Công văn", "2017-02-13")


def test_a_consolidated_text_names_what_it_consolidates() -> None:
    plan = plan_of(
        "VĂN PHÒNG QUỐC HỘI\nSố: 103/VBHN-VPQH\nHà Nội, ngày 27 tháng 8 năm 2025\n"
        "LUẬT THUẾ THU NHẬP CÁ NHÂN\nLuật Thuế thu nhập cá nhân số 04/2007/QH12 ngày 21 tháng 11 "
        "năm 2007 của Quốc hội, được sửa đổi, bổ sung bởi:\n"
        "1. Luật số 26/2012/QH13 ngày 22 tháng 11 năm 2012 của Quốc hội sửa đổi, bổ sung một số "
        "điều của Luật Thuế thu nhập cá nhân;\n"
        "2. Luật Đất đai số 31/2024/QH15 ngày 18 tháng 01 năm 2024 của Quốc hội.\n"
        "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;\n"
        "Quốc hội ban hành Luật Thuế thu nhập cá nhân.\nĐiều 1. Phạm vi điều chỉnh\n"
    )
    assert (plan.doc.doc_type, plan.doc.issuer_level) == ("Văn bản hợp nhất", "central")
    merged = [r.ref for r in plan.relations if r.kind == "hop_nhat"]
    assert merged == ["04/2007/QH12", "26/2012/QH13", "31/2024/QH15"]
