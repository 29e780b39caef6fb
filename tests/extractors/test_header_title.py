"""The trích yếu ends where the header stops being a title: a stamp's upper-case line under a
sentence-case title, and everything after it (quangngai-08-ct-ubnd-2018.pdf, page 1 as OCR'd)."""

from __future__ import annotations

from extractors.header import extract_header
from extractors.sections import place_blocks
from pipeline.layout import build_tree, document_from_text

STAMPED = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: dư /CT-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Ngãi, ngày Ø3 tháng 4 năm 2018
CHỈ THỊ
Về việc tăng cường công tác quản lý nhà nước để hỗ trợ nhà đầu tư
án sử dụng vốn ngoài ngân sách nhà nước tại tỉnh Quảng Ngãi
FRUNG-TÂN CÔNG BẢO & TÌN HỌC 0.NGÃI
W| Số: NT nhồi-gia qua. các cấp, các ngành đã có nhiều cố gắng trong lãnh đạo, chỉ
ĐẾN | c X/ “6. 4 lều hành, quản lý nhà nước về cải cách thủ tục hành chính, thu hút đầu tư
-đốt vớt các tự án đầu tư bằng nguồn vốn ngoài ngân sách Nhà nước, tạo sự
chuyên biến tích cực trong việc cải thiện mỏi trường đầu tư kinh doanh, tác động
"""


def _title(text: str) -> str | None:
    tree = build_tree(document_from_text(text))
    return extract_header(tree, place_blocks(tree)).title


def test_a_stamp_under_the_title_ends_it() -> None:
    assert _title(STAMPED) == (
        "Về việc tăng cường công tác quản lý nhà nước để hỗ trợ nhà đầu tư án sử dụng vốn "
        "ngoài ngân sách nhà nước tại tỉnh Quảng Ngãi"
    )


def test_an_upper_case_title_keeps_its_upper_case_lines() -> None:
    text = STAMPED.replace(
        "Về việc tăng cường công tác quản lý nhà nước để hỗ trợ nhà đầu tư\n"
        "án sử dụng vốn ngoài ngân sách nhà nước tại tỉnh Quảng Ngãi\n"
        "FRUNG-TÂN CÔNG BẢO & TÌN HỌC 0.NGÃI\n",
        "TĂNG CƯỜNG CÔNG TÁC QUẢN LÝ NHÀ NƯỚC\nĐỂ HỖ TRỢ NHÀ ĐẦU TƯ\n",
    )
    title = _title(text) or ""
    assert title.startswith("TĂNG CƯỜNG CÔNG TÁC QUẢN LÝ NHÀ NƯỚC ĐỂ HỖ TRỢ NHÀ ĐẦU TƯ")
