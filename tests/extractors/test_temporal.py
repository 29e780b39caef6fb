"""The temporal grammar: every time expression found first, then its role; targets by number."""

from __future__ import annotations

import pytest

from extractors.deadlines import clause_spans, deadlines_in_text
from extractors.targets import targets_in_text
from extractors.temporal import document_dates, find_time_expressions


def roles(text: str, issue_date: str | None = None) -> list[tuple[str, str, str | None, str]]:
    return [
        (found.role, found.text, found.date, found.recurrence)
        for found in find_time_expressions(text, issue_date)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Căn cứ Thông tư 86/2013/TT-BTC của Bộ Tài chính",
        "Thực hiện Quyết định số 2447/QĐ-TTg của Thủ tướng Chính phủ",
        "theo Nghị định 30/2020/NĐ-CP về công tác văn thư",
        "Nghị quyết số 05-NQ/TU, Thông tư 86/2013 và Kế hoạch số /KH-UBND",
        "quy hoạch phân khu tỷ lệ 1/2000",
        "Xã Hòa Thắng 2, Phường 3 Bảo Lộc",
    ],
)
def test_document_numbers_and_names_hold_no_date(text: str) -> None:
    assert [r for r in roles(text) if r[0] != "horizon"] == []
    assert deadlines_in_text(text, None, None, None) == []


def test_a_cited_documents_date_is_a_reference() -> None:
    text = (
        "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ; Luật Bảo vệ môi trường ngày"
        " 17 tháng 11 năm 2020; Nghị định số [66/2006/NĐ-CP](https://example.vn/a.aspx) ngày 07"
        " tháng 7 năm 2006"
    )
    assert {role for role, *_ in roles(text)} == {"reference"}


def test_quarters_are_never_day_and_month() -> None:
    assert roles("Quý 1/2026: tổng kết; trong quý IV năm 2025") == [
        ("deadline", "Quý 1/2026", "2026-Q1", "once"),
        ("deadline", "trong quý IV năm 2025", "2025-Q4", "once"),
    ]


def test_effective_and_expiry_dates_are_document_fields_not_deadlines() -> None:
    text = (
        "Thông tư này có hiệu lực thi hành kể từ ngày 15 tháng 8 năm 2014 và hết hiệu lực từ ngày"
        " 31/12/2020."
    )
    assert [r[0] for r in roles(text)] == ["effective", "expiry"]
    assert deadlines_in_text(text, None, None, None) == []
    assert document_dates(text, None) == {
        "effective_date": "2014-08-15",
        "expiry_date": "2020-12-31",
    }
    assert document_dates("Quyết định này có hiệu lực kể từ ngày ký.", "2026-03-05") == {
        "effective_date": "2026-03-05"
    }


def test_the_period_a_report_covers_is_not_its_deadline() -> None:
    text = (
        "Số liệu báo cáo tính từ ngày 15/12 năm trước đến ngày 14/12 của năm báo cáo; gửi báo cáo"
        " trước ngày 20/12 hằng năm."
    )
    assert [r[0] for r in roles(text)] == ["coverage", "deadline"]
    found = deadlines_in_text(text, None, None, None)
    assert [(d.text, d.date, d.recurrence) for d in found] == [
        ("trước ngày 20/12 hằng năm", "--12-20", "yearly")
    ]
    other = "Gửi đề cương. Số liệu thống kê báo cáo từ ngày 01/01/2020 đến ngày 31/12/2020."
    assert [r[0] for r in roles(other)] == ["coverage"]


def test_observances_are_yearly_deadlines() -> None:
    text = (
        "Tổ chức Ngày Pháp luật Việt Nam (09/11); Tháng hành động vì trẻ em (tháng 6); sự kiện"
        " nhân ngày Chuyển đổi số Quốc gia 10/10."
    )
    assert roles(text) == [
        ("observance", "Ngày Pháp luật Việt Nam (09/11)", "--11-09", "yearly"),
        ("observance", "Tháng hành động vì trẻ em (tháng 6)", "--06", "yearly"),
        ("observance", "nhân ngày Chuyển đổi số Quốc gia 10/10", "--10-10", "yearly"),
    ]


def test_a_table_row_read_as_one_line_takes_the_year_of_its_column() -> None:
    text = (
        "TT Nội dung Thời gian (Năm 2026) 1 Giải đáp vướng mắc của Sở Y tế Lãnh đạo Sở Y tế"
        " Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 08 tháng 5 2 Giải đáp vướng mắc"
    )
    found = deadlines_in_text(text, None, None, None)
    assert [(d.text, d.date) for d in found] == [
        ("Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 08 tháng 5", "2026-05-08")
    ]
    assert found[0].action and "Lãnh đạo Sở Y tế" in found[0].action


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("giao ban ít nhất 01 lần/tháng", ("schedule", "ít nhất 01 lần/tháng", None, "periodic")),
        (
            "Định kỳ 6 tháng, 1 năm hoặc đột xuất",
            ("schedule", "Định kỳ 6 tháng, 1 năm hoặc đột xuất", None, "periodic"),
        ),
        ("Kết thúc kiểm tra lập báo cáo", ("event", "Kết thúc kiểm tra", None, "once")),
        (
            "Từ tháng 3 đến tháng 9/2026",
            ("period", "Từ tháng 3 đến tháng 9/2026", "2026-09", "once"),
        ),
        ("công tác cán bộ cuối năm", ("deadline", "cuối năm", None, "yearly")),
    ],
)
def test_schedules_events_and_periods(text: str, expected: tuple) -> None:  # type: ignore[type-arg]
    assert roles(text) == [expected]


def test_a_rate_is_a_target_not_a_schedule_and_a_horizon_no_deadline() -> None:
    assert roles("phát sóng mỗi tháng 02 chuyên mục") == []
    assert roles("phấn đấu đến năm 2030 đạt tiêu chí") == [
        ("horizon", "đến năm 2030", None, "once")
    ]


def test_marked_words_must_be_the_grammars_words() -> None:
    # "điện tử ngay" is no "từ"; "Công an tỉnh Từ" no "tính từ" (a coverage cue).
    assert roles("Trang thông tin điện tử ngay sau khi ban hành") == [
        ("event", "ngay sau khi ban hành", None, "once")
    ]


def test_clauses_split_in_linear_time_and_keep_abbreviations() -> None:
    text = "Gửi TP. Hà Nội; báo cáo PCT. UBND tỉnh. Xong."
    assert [text[a:b] for a, b in clause_spans(text)] == [
        "Gửi TP. Hà Nội",
        " báo cáo PCT. UBND tỉnh",
        " Xong",
    ]


def test_targets_one_per_number_with_its_clause() -> None:
    text = (
        "Tổ chức phong trào tại các địa bàn. Trong đó, tổ chức cho 100% cấp xã ký cam kết;"
        " xây dựng ít nhất 01 (một) mô hình điểm, 02 cấp xã; nằm trong nhóm 5 tỉnh dẫn đầu;"
        " trước ngày 30/01/2026 theo Thông tư 86/2013/TT-BTC, Điều 5, tuần thứ 2."
    )
    found = [
        (value, unit, text[a:b].strip(" ,;.")) for value, unit, (a, b) in targets_in_text(text)
    ]
    assert found == [
        (100.0, "%", "Trong đó, tổ chức cho 100% cấp xã ký cam kết"),
        (1.0, "mô hình", "xây dựng ít nhất 01 (một) mô hình điểm, 02 cấp xã"),
        (2.0, "mô hình", "xây dựng ít nhất 01 (một) mô hình điểm, 02 cấp xã"),
        (5.0, "nhóm", "nằm trong nhóm 5 tỉnh dẫn đầu"),
    ]
