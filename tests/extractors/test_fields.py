"""Section typing, agencies and the obligations of legal texts (issue 14's fields)."""

from __future__ import annotations

import pytest

from extractors.agencies import canonical_agency, partners, split_agencies, subject_of
from extractors.duties import duty_holders, holder_names
from extractors.sections import heading_categories
from extractors.vocab import expand_abbreviations
from tests.support import plan_of


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("MỤC ĐÍCH, YÊU CẦU", {"purposes", "requirements"}),
        ("MUC PICH, YEU CAU", {"purposes", "requirements"}),  # OCR leftovers, a whole heading
        ("TIÊU CHÍ THI ĐUA VÀ HÌNH THỨC KHEN THƯỞNG", {"criteria", "awards"}),
        ("Nội dung và tiêu chí thi đua", {"criteria"}),  # "nội dung" shares "thi đua"
        ("Hình thức và tiêu chuẩn khen thưởng", {"awards"}),  # "hình thức" shares "khen thưởng"
        ("ĐỐI TƯỢNG, NỘI DUNG VÀ HÌNH THỨC TUYÊN TRUYỀN", {"other"}),  # no award here
        ("III. Mục tiêu cụ thể đến năm 2030", {"purposes"}),
        ("Thời gian thi đua và bình xét khen thưởng", {"schedule", "awards"}),
        ("GIẢI PHÁP THỰC HIỆN VÀ PHÂN CÔNG NHIỆM VỤ", {"other", "organisation"}),
    ],
)
def test_headings_typed_by_their_head_nouns(heading: str, expected: set[str]) -> None:
    assert heading_categories(heading) == expected


def test_no_fuzzy_prefix_types_a_title() -> None:
    title = "Tổ chức, thực hiện chương trình “Đối thoại về cải cách hành chính” đối với các sở"
    assert heading_categories(title) == frozenset()
    assert heading_categories("Tổ chức thực hiện chương trình “Đối thoại”") == frozenset()


CONTENT_TYPED = """KẾ HOẠCH
Tổng kết phong trào thi đua

I. MỤC ĐÍCH
- Đánh giá kết quả phong trào.
II. TỔNG KẾT, ĐÁNH GIÁ
1. Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho 05 tập thể tiêu biểu.
2. Giấy khen của Giám đốc Sở Nội vụ cho 10 cá nhân.
III. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ chủ trì, phối hợp với Sở Tài chính tổ chức hội nghị tổng kết./.
"""


def test_an_untyped_heading_takes_the_kind_of_its_items() -> None:
    plan = plan_of(CONTENT_TYPED)
    assert [a.form for a in plan.awards] == ["Bằng khen", "Giấy khen"]


def test_a_ministry_stays_a_ministry_and_names_keep_their_words() -> None:
    assert canonical_agency("Bộ Nông nghiệp và Môi trường") == "Bộ Nông nghiệp và Môi trường"
    assert canonical_agency("Sơ Nội vụ") == "Sở Nội vụ"  # restoration's slip, same shape
    name = "Báo và Phát thanh, Truyền hình tỉnh"
    assert canonical_agency(name) == name  # a word more is another spelling, kept
    assert split_agencies("Sở Văn hóa, Thể thao và Du lịch, Sở Nội vụ và Công an tỉnh") == [
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Nội vụ",
        "Công an tỉnh",
    ]
    assert split_agencies("Sở Khoa học và Công nghệ") == ["Sở Khoa học và Công nghệ"]


def test_abbreviations_are_never_expanded_inside_document_symbols() -> None:
    assert expand_abbreviations("Thông tư 86/2013/TT-BTC") == "Thông tư 86/2013/TT-BTC"
    assert expand_abbreviations("Công văn 12/UBND-VX") == "Công văn 12/UBND-VX"
    assert expand_abbreviations("TT HĐND tỉnh") == "Thường trực Hội đồng nhân dân tỉnh"


def test_subjects_after_an_opening_clause_and_at_a_colon() -> None:
    found = subject_of("Căn cứ Kế hoạch này, Sở Nội vụ chủ trì, phối hợp với Sở Y tế triển khai.")
    assert found is not None and found.agencies == ("Sở Nội vụ",) and found.role == "lead"
    found = subject_of("Bộ Chỉ huy quân sự tỉnh chỉ đạo Bộ đội Biên phòng: Phối hợp với xã.")
    assert found is not None and found.role == "coordinate"
    assert found.task == "Phối hợp với xã."
    found = subject_of("Phòng Văn hóa - Xã hội, Tổ công tác liên ngành")
    assert found is not None and found.agencies == (
        "Phòng Văn hóa - Xã hội",
        "Tổ công tác liên ngành",
    )


HEADING_HANDS_POINTS = """KẾ HOẠCH
Phòng, chống ma túy năm 2026

I. MỤC ĐÍCH
- Kiềm chế tội phạm.
II. TỔ CHỨC THỰC HIỆN
1. Sở Tài chính chủ trì, phối hợp các sở, ban, ngành
- Ưu tiên nguồn lực cho công tác phòng, chống ma túy.
- Huy động kinh phí từ các nguồn.
2. Chủ tịch Ủy ban nhân dân cấp xã chỉ đạo
- Đẩy mạnh tuyên truyền tại địa bàn dân cư.
"""


def test_a_heading_with_a_verb_hands_its_points_to_its_agencies() -> None:
    plan = plan_of(HEADING_HANDS_POINTS)
    found = {(a.agency, a.role): len(a.tasks) for a in plan.assignments}
    assert found == {
        ("Sở Tài chính", "lead"): 2,
        ("Các sở, ban, ngành", "coordinate"): 2,
        ("Chủ tịch Ủy ban nhân dân cấp xã", "responsible"): 1,
    }


# As the corpus gives decrees: from the number down, no blank lines, long lines.
DECREE = """Số: 12/2026/NĐ-CP
Hà Nội, ngày 05 tháng 3 năm 2026
NGHỊ ĐỊNH
Quy định về cơ sở dữ liệu cán bộ
Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;
Căn cứ Luật Cán bộ, công chức số 80/2025/QH15;
Theo đề nghị của Bộ trưởng Bộ Nội vụ;
Chính phủ ban hành Nghị định quy định về Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức.
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Nghị định này quy định về xây dựng, thu thập, cập nhật, quản lý, khai thác và sử dụng Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức trong các cơ quan, tổ chức, đơn vị thuộc hệ thống cơ quan nhà nước từ trung ương đến xã, phường, đặc khu.
Điều 2. Cập nhật dữ liệu
Cơ quan sử dụng cán bộ có trách nhiệm cập nhật đầy đủ, kịp thời dữ liệu của cán bộ, công chức, viên chức vào Cơ sở dữ liệu quốc gia trong 03 ngày làm việc.
Chương II
TỔ CHỨC THỰC HIỆN
Điều 3. Trách nhiệm của Bộ Nội vụ
1. Chủ trì, phối hợp với Bộ Công an tổ chức triển khai, hướng dẫn, kiểm tra, đôn đốc thực hiện Nghị định này trên phạm vi cả nước.
2. Xây dựng, ban hành Quy chế quản lý, khai thác, sử dụng Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức; hướng dẫn các bộ, ngành, địa phương thực hiện thống nhất.
Điều 4. Trách nhiệm của Bộ Công an
1. Sửa đổi khoản 2 Điều 5 Nghị định số 10/2020/NĐ-CP như sau: “2. Thẩm định hồ sơ điện tử của cán bộ, công chức, viên chức trước khi cập nhật vào cơ sở dữ liệu.”
2. Bảo đảm hạ tầng, an ninh, an toàn hệ thống, dữ liệu và vận hành hạ tầng kỹ thuật phục vụ Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức.
3. Phối hợp với Bộ Nội vụ:
a) Thực hiện kết nối Cơ sở dữ liệu quốc gia về dân cư với Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức để đồng bộ dữ liệu bảo đảm chính xác;
b) Đối khớp, làm sạch, chia sẻ, cập nhật dữ liệu bảo đảm chính xác, thống nhất các thông tin, dữ liệu cơ bản về cán bộ.
Điều 5. Hiệu lực thi hành
1. Nghị định này có hiệu lực thi hành từ ngày 01 tháng 5 năm 2026 và thay thế các quy định trước đây trái với Nghị định này.
2. Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ chịu trách nhiệm thi hành Nghị định này./.
"""  # noqa: E501 - decree lines are long, as in the corpus


def test_duties_articles_give_each_khoan_to_their_holder() -> None:
    plan = plan_of(DECREE)
    found = {(a.agency, a.role): a.tasks for a in plan.assignments}
    lead = found[("Bộ Nội vụ", "lead")]
    assert len(lead) == 1 and lead[0].startswith("Chủ trì, phối hợp với Bộ Công an")
    assert found[("Bộ Công an", "coordinate")][0] == lead[0]  # the partner of the lead
    assert [t[:35] for t in found[("Bộ Công an", "coordinate")][1:]] == [
        "Phối hợp với Bộ Nội vụ: Thực hiện k",
        "Phối hợp với Bộ Nội vụ: Đối khớp, l",
    ]
    assert len(found[("Bộ Công an", "responsible")]) == 1  # the amendment is no duty
    assert len(found[("Bộ Nội vụ", "responsible")]) == 1
    assert ("Cơ quan sử dụng cán bộ", "responsible") in found
    assert ("Các Bộ trưởng", "responsible") in found


def test_duty_holders_from_article_titles() -> None:
    assert duty_holders("Trách nhiệm của Bộ Công an, Bộ Quốc phòng") == (
        "Bộ Công an",
        "Bộ Quốc phòng",
    )
    title = "Trách nhiệm của các bộ trong việc thực hiện quản lý nhà nước về năng lượng"
    assert duty_holders(title) == ("Các bộ",)
    assert duty_holders("Phạm vi điều chỉnh") == ()


DIRECTIVE = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: 05/CT-UBND
Quảng Ngãi, ngày 10 tháng 3 năm 2026
CHỈ THỊ
Về tăng cường công tác phòng, chống dịch bệnh mùa mưa bão năm 2026

Thời gian qua, công tác phòng, chống dịch bệnh trên địa bàn tỉnh đạt nhiều kết quả quan trọng; tuy nhiên nguy cơ bùng phát dịch bệnh trong mùa mưa bão vẫn còn cao.
Để chủ động phòng, chống dịch bệnh, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:
1. Sở Y tế: Chủ trì, phối hợp với Sở Nông nghiệp và Môi trường tổ chức giám sát, phát hiện sớm và xử lý kịp thời các ổ dịch trên địa bàn tỉnh.
2. Giao Sở Tài chính tham mưu bố trí kinh phí cho công tác phòng, chống dịch bệnh theo quy định hiện hành.
3. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh vận động Nhân dân thực hiện các biện pháp vệ sinh môi trường, phòng bệnh.
4. Tình hình dịch bệnh năm 2025 được kiểm soát tốt, không để xảy ra dịch lớn trên địa bàn tỉnh.
Nơi nhận:
- Bộ Y tế;
- Lưu: VT.
CHỦ TỊCH
Nguyễn Văn An
"""  # noqa: E501


def test_a_directive_obliges_the_agencies_its_points_address() -> None:
    plan = plan_of(DIRECTIVE)
    assert plan.doc.doc_type == "Chỉ thị"
    found = {(a.agency, a.role) for a in plan.assignments}
    assert found == {
        ("Sở Y tế", "lead"),
        ("Sở Nông nghiệp và Môi trường", "coordinate"),
        ("Sở Tài chính", "responsible"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "responsible"),
    }


def test_a_title_naming_holders_each_with_cua_splits_there() -> None:
    title = (
        "Trách nhiệm của Bộ trưởng Bộ Công an, của Thủ trưởng công an các đơn vị, địa phương"
        " trong tổ chức và chỉ đạo hoạt động thanh tra"
    )
    holders = duty_holders(title)
    assert holders[0] == "Bộ trưởng Bộ Công an" and len(holders) >= 2
    assert not any("của" in holder for holder in holders)


def test_a_holder_ends_at_its_verb_and_its_scope() -> None:
    subject = subject_of("Đề nghị Bộ trưởng Bộ Y tế xét tặng Kỷ niệm chương cho cá nhân.")
    assert subject is not None and subject.agencies == ("Bộ trưởng Bộ Y tế",)
    span = "Thanh tra cấp tỉnh theo phạm vi, trách nhiệm của mình"
    assert holder_names(span) == ["Thanh tra cấp tỉnh"]


def test_a_partner_list_ends_at_kien_nghi() -> None:
    task = "Chủ trì, phối hợp với các bộ kiến nghị với cơ quan có thẩm quyền sửa đổi chính sách."
    assert partners(task) == ["Các bộ"]


def test_a_right_is_not_a_duty() -> None:
    span = "Tổ chức, cá nhân khai báo hóa chất có quyền yêu cầu cơ quan, tổ chức tiếp nhận"
    assert holder_names(span) == []


# DECREE with two more articles: a duty sentence after another body's, a form.
LEGAL_FORMS = DECREE.replace(
    "Điều 5. Hiệu lực",
    """Điều 3. Giải quyết kiến nghị
1. Trường hợp kiến nghị liên quan đến hai đơn vị trở lên, Văn phòng Bộ là đầu mối tiếp nhận. Các đơn vị thuộc Bộ có trách nhiệm xử lý kiến nghị thuộc phạm vi quản lý của mình.
Điều 4. Trách nhiệm của Sở Tư pháp
1. Tổng hợp kết quả giải quyết kiến nghị hằng năm.
2. Tên cơ quan tiếp nhận: …………………………
3. Gửi báo cáo cho các cơ quan sau:
- Hội đồng Dân tộc và các Ủy ban của Quốc hội;
Điều 5. Hiệu lực""",  # noqa: E501 - decree lines are long
)


def test_a_duty_is_its_holders_sentence_and_form_blanks_are_none() -> None:
    plan = plan_of(LEGAL_FORMS)
    found = {a.agency: a.tasks for a in plan.assignments}
    assert found["Các đơn vị thuộc Bộ"] == (
        "Các đơn vị thuộc Bộ có trách nhiệm xử lý kiến nghị thuộc phạm vi quản lý của mình.",
    )
    assert found["Sở Tư pháp"] == ("Tổng hợp kết quả giải quyết kiến nghị hằng năm.",)


def test_a_lead_with_partners_holds_the_duties_its_khoan_opens() -> None:
    span = "Bộ Khoa học và Công nghệ chủ trì, phối hợp với Bộ Công an và các cơ quan liên quan"
    assert holder_names(span) == ["Bộ Khoa học và Công nghệ"]


def test_one_reader_of_headings_for_structure_and_typing() -> None:
    """The structure's test for an unnumbered heading and the typing share sections.yaml's reader:
    a whole vocabulary heading, OCR-damaged or not, is a heading and has its kind."""
    from extractors.sections import heading_categories, is_known_heading

    for text in ("Mục tiêu", "MUC PICH, YEU CAU", "Tổ chức thực hiện"):
        assert is_known_heading(text) and heading_categories(text)
    assert not is_known_heading("Sở Nội vụ chủ trì, phối hợp với các sở, ngành")
