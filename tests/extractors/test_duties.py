"""Duties of legal texts by the genre's conventions: what obliges, who holds it."""

from __future__ import annotations

from extractors.duties import holder_names
from extractors.duty_rules import (
    article_kind,
    opens_rights,
    states_definition,
    states_right,
    states_sanction,
)
from tests.support import plan_of

DECREE = """Số: 15/2026/NĐ-CP
Hà Nội, ngày 05 tháng 3 năm 2026
NGHỊ ĐỊNH
Quy định về quản lý kho lưu trữ
Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;
Chính phủ ban hành Nghị định quy định về quản lý kho lưu trữ.
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Nghị định này quy định về quản lý kho lưu trữ của các cơ quan nhà nước.
Điều 2. Đối tượng áp dụng
1. Cơ quan, tổ chức, đơn vị của Nhà nước ở trung ương và địa phương.
2. Sở Nội vụ các tỉnh, thành phố trực thuộc trung ương.
Điều 3. Giải thích từ ngữ
1. Kho lưu trữ là công trình dùng để bảo quản tài liệu lưu trữ.
2. Văn phòng Bộ là đầu mối tiếp nhận tài liệu của các đơn vị thuộc Bộ.
Chương II
QUYỀN VÀ NGHĨA VỤ
Điều 4. Quyền và nghĩa vụ của người quản lý kho
1. Người quản lý kho có quyền:
a) Yêu cầu cơ quan, đơn vị cung cấp hồ sơ tài liệu;
b) Từ chối nhận tài liệu không đủ thành phần.
2. Người quản lý kho có nghĩa vụ:
a) Kiểm tra nhiệt độ, độ ẩm trong kho hằng ngày;
b) Báo cáo Sở Nội vụ khi có sự cố.
3. Người quản lý kho vi phạm quy định tại khoản 2 Điều này thì bị xử phạt vi phạm hành chính.
Điều 5. Trách nhiệm của Sở Nội vụ
1. Kiểm tra việc bảo quản tài liệu tại các kho lưu trữ trên địa bàn.
2. Trong thời hạn 10 ngày kể từ ngày nhận được báo cáo, Chi cục Văn thư - Lưu trữ phải thông báo kết quả kiểm tra cho cơ quan có kho.
3. Ngoài những nhiệm vụ quy định tại các khoản 1, 2 Điều này, giao Sở Tài chính:
a) Bố trí kinh phí bảo quản tài liệu lưu trữ hằng năm.
Điều 6. Hiệu lực thi hành
1. Nghị định này có hiệu lực thi hành từ ngày 01 tháng 5 năm 2026.
2. Hồ sơ đã nộp trước ngày Nghị định này có hiệu lực thì tiếp tục thực hiện theo quy định cũ.
3. Các Bộ trưởng, Chủ tịch Ủy ban nhân dân cấp tỉnh chịu trách nhiệm thi hành Nghị định này./.
"""  # noqa: E501 - decree lines are long, as in the corpus


def _obligations() -> dict[str, tuple[str, ...]]:
    plan = plan_of(DECREE)
    found: dict[str, tuple[str, ...]] = {}
    for assignment in plan.assignments:
        found[assignment.agency] = found.get(assignment.agency, ()) + assignment.tasks
    return found


def test_opening_articles_oblige_no_one_and_closing_only_by_the_execution_clause() -> None:
    found = _obligations()
    tasks = [task for tasks in found.values() for task in tasks]
    assert not any(task.startswith(("Cơ quan, tổ chức", "Kho lưu trữ là")) for task in tasks)
    assert "Sở Nội vụ các tỉnh, thành phố trực thuộc trung ương" not in found
    assert not any("tiếp tục thực hiện theo quy định cũ" in task for task in tasks)
    assert any("chịu trách nhiệm thi hành" in task for task in found["Các Bộ trưởng"])


def test_rights_and_sanctions_are_no_duties() -> None:
    found = _obligations()
    tasks = [task for tasks in found.values() for task in tasks]
    assert not any("Yêu cầu cơ quan, đơn vị" in task or "Từ chối" in task for task in tasks)
    assert not any("bị xử phạt" in task for task in tasks)
    duties = found["Người quản lý kho"]
    assert any("Kiểm tra nhiệt độ" in task for task in duties)


def test_a_sentence_names_its_own_holder_inside_another_bodys_article() -> None:
    found = _obligations()
    assert any(t.startswith("Kiểm tra việc bảo quản") for t in found["Sở Nội vụ"])
    assert any("thông báo kết quả kiểm tra" in t for t in found["Chi cục Văn thư - Lưu trữ"])
    assert not any("thông báo kết quả kiểm tra" in t for t in found["Sở Nội vụ"])
    assert any("Bố trí kinh phí" in t for t in found["Sở Tài chính"])


def test_genre_conventions() -> None:
    assert article_kind("Giải thích từ ngữ") == "none"
    assert article_kind("Hiệu lực thi hành") == "closing"
    assert article_kind("Trách nhiệm của Bộ Nội vụ") == "any"
    assert opens_rights("Người bị tạm giữ có quyền:")
    assert opens_rights("Quyền hạn")
    assert not opens_rights("Quyền hạn và trách nhiệm")
    assert states_right("Tổ chức, cá nhân có quyền yêu cầu cơ quan cung cấp thông tin.")
    assert states_sanction("Tổ chức vi phạm thì tùy theo mức độ sẽ bị xử phạt vi phạm hành chính.")
    assert states_definition("Vật mang dữ liệu là phương tiện mã hóa thông tin.")
    assert not states_definition("Văn phòng Bộ là đầu mối tiếp nhận hồ sơ.")


def test_holders_are_subjects_not_fragments() -> None:
    assert holder_names("Tự") == []
    assert holder_names("01 văn bản của tổ chức, cá nhân cam kết") == []
    assert holder_names("Doanh nghiệp cam kết về tính chính xác, trung thực và hoàn toàn") == []
    assert holder_names("Trường hợp có người chết thì trưởng ga hoặc trực ban chạy tàu ga") == [
        "Trưởng ga hoặc trực ban chạy tàu ga"
    ]
    assert holder_names("Cơ quan chủ trì thẩm tra quyết toán") == [
        "Cơ quan chủ trì thẩm tra quyết toán"
    ]
    assert holder_names("Thanh tra Ngân hàng Nhà nước phối hợp với Cục Quản lý ngoại hối") == [
        "Thanh tra Ngân hàng Nhà nước"
    ]


def test_a_verb_or_a_label_is_no_holder_and_an_opening_subject_holds_its_and_clause() -> None:
    from extractors.duties import duty_holders, labelled_holder
    from extractors.duty_holders import own_subject

    assert (
        labelled_holder("Thanh tra, kiểm tra, giám sát hoạt động của cơ sở nuôi trên địa bàn;")[0]
        == ()
    )
    assert duty_holders(
        "Trách nhiệm của đơn vị cung cấp dịch vụ truyền hình a) Đối với đơn vị"
    ) == ("Đơn vị cung cấp dịch vụ truyền hình",)
    text = (
        "Cục trưởng Cục Quản lý thi hành án dân sự thực hiện theo khoản 1 Điều 13"
        " và có trách nhiệm tổng hợp."
    )
    assert own_subject(text) == ("Cục trưởng Cục Quản lý thi hành án dân sự",)
