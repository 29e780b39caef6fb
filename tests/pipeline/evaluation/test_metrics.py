"""pipeline.evaluation metrics and synthetic pages: the measuring stick and what it measures."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from pipeline.evaluation.metrics import cer, normalize, syllable_accuracy, tokens, wer
from pipeline.evaluation.synthetic import (
    LEVELS,
    default_closing,
    layout_document,
    render_pages,
    render_plan,
    save_scanned_pdf,
    save_text_pdf,
    split_plan_header,
)

PLAN = """ỦY BAN NHÂN DÂN
TỈNH LÂM ĐỒNG
       Số:          /KH-UBND         \tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
  Lâm Đồng, ngày       tháng 10 năm 2025

KẾ HOẠCH
Tổng kết thực hiện Chiến lược quốc gia phòng, chống và kiểm soát ma túy
I. MỤC ĐÍCH, YÊU CẦU
Đánh giá toàn diện kết quả thực hiện Chiến lược, những hạn chế, nguyên nhân và bài học kinh nghiệm.
"""


def test_cer_collapses_whitespace_and_normalises_to_nfc() -> None:
    assert cer("Kế  hoạch\nsố 1", "Ke\u0302\u0301 hoạch số 1") == 0.0
    assert cer("abcd", "abxd") == pytest.approx(0.25)
    assert cer("", "") == 0.0 and cer("", "x") == 1.0


def test_wer_counts_words() -> None:
    assert wer("Kế hoạch số một", "Kế hoạch so một") == pytest.approx(0.25)


def test_syllable_accuracy_uses_letter_and_digit_runs() -> None:
    assert tokens("Số: 12/KH-UBND, ngày 05") == ["số", "12", "kh", "ubnd", "ngày", "05"]
    assert syllable_accuracy("Kế hoạch số 12", "kế hoạch, số 12!") == 1.0
    assert syllable_accuracy("Kế hoạch số 12", "Ke hoach số 12") == pytest.approx(0.5)
    assert normalize(" a \n b ") == "a b"


def test_plan_header_is_split_into_columns() -> None:
    header, body = split_plan_header(PLAN.splitlines())
    assert header is not None
    assert header.left == ("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số:   /KH-UBND")
    assert header.right[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert header.right[2].startswith("Lâm Đồng, ngày")
    assert body[0] == "KẾ HOẠCH"


def test_rendering_is_deterministic_and_levels_differ() -> None:
    first = render_plan(PLAN, "light", seed=4, max_pages=1)[0]
    again = render_plan(PLAN, "light", seed=4, max_pages=1)[0]
    assert first.image.tobytes() == again.image.tobytes()
    assert first.truth == again.truth
    assert first.image.size == (2480, 3508)  # A4 at 300 dpi
    clean = render_plan(PLAN, "clean", seed=4, max_pages=1)[0]
    assert clean.truth == first.truth and clean.image.tobytes() != first.image.tobytes()
    with pytest.raises(ValueError):
        render_pages(["x"], level="medium")
    assert LEVELS == ("clean", "light", "heavy")


def test_truth_reads_header_left_then_right_and_skips_page_numbers() -> None:
    header, body = split_plan_header(PLAN.splitlines())
    layouts = layout_document(body * 12, header, default_closing("Trần Văn B"))
    assert len(layouts) >= 2
    first = layouts[0].truth.splitlines()
    assert first[:4] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH LÂM ĐỒNG",
        "Số:   /KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ]
    assert not layouts[1].truth.splitlines()[0].isdigit()  # the printed "2" is not text
    assert layouts[-1].truth.splitlines()[-1] == "Trần Văn B"


def test_text_pdf_holds_the_exact_vietnamese(tmp_path: Path) -> None:
    header, body = split_plan_header(PLAN.splitlines())
    layouts = layout_document(body, header)
    path = save_text_pdf(layouts, tmp_path / "plan.pdf")
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text()
    for line in ("KẾ HOẠCH", "I. MỤC ĐÍCH, YÊU CẦU", "Độc lập - Tự do - Hạnh phúc"):
        assert line in text


def test_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    page = render_plan(PLAN, "clean", max_pages=1)[0]
    path = save_scanned_pdf([page.image], tmp_path / "scan.pdf")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        assert not (pdf.pages[0].extract_text() or "").strip()
        assert len(pdf.pages[0].images) == 1
