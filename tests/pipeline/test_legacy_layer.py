"""A PDF typed in a legacy font encoding (TCVN3 ".VnTime") and printed: its text layer holds the
font's codes ("Th«ng t­"), decoded like a legacy .txt file instead of refused as not Vietnamese;
`--force-ocr` reads the page by OCR whatever its layer says."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kehoach import DATA_DIR
from pipeline.legacy_encoding import legacy_layer_encoding, translate_legacy
from pipeline.process import check_content, read_text
from schemas import PipelineSettings, TextMethod

LINES = [
    "kế hoạch tổ chức phong trào thi đua năm 2026 trên địa bàn tỉnh",
    "các sở, ban, ngành chủ trì thực hiện và báo cáo kết quả đến ngày 15 tháng 11",
    "ủy ban nhân dân các huyện, thị xã, thành phố phối hợp với công an tỉnh",
    "khen tặng kịp thời các tập thể, cá nhân có thành tích xuất sắc trong phong trào",
    "sở nội vụ tổng hợp, báo cáo ủy ban nhân dân tỉnh theo quy định hiện hành",
]


def _tcvn3(text: str) -> str:
    """``text`` as a .VnTime font stores it: one Windows-1252 character per letter."""
    table = json.loads((DATA_DIR / "encodings" / "legacy_vietnamese.json").read_text("utf-8"))
    inverse = {unicode: code for code, unicode in table["tcvn3"].items()}
    return "".join(inverse.get(char, char) for char in text)


def _tcvn3_pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    for index, line in enumerate(LINES * 3):
        page.drawString(50, 780 - 18 * index, _tcvn3(line))  # Helvetica: WinAnsi = cp1252
    page.save()
    return path


def test_layer_encoding_is_recognised_and_unicode_is_left_alone() -> None:
    typed = _tcvn3(LINES[1])
    assert typed.startswith("c¸c së, ban, ngµnh")
    assert legacy_layer_encoding(typed) == "tcvn3"
    assert translate_legacy(typed, "tcvn3") == LINES[1]
    assert legacy_layer_encoding(LINES[1]) is None
    assert legacy_layer_encoding("Annual report of the company") is None


def test_a_tcvn3_text_layer_reads_as_vietnamese(tmp_path: Path) -> None:
    raw = read_text(_tcvn3_pdf(tmp_path / "vntime.pdf"), PipelineSettings(restore=False))
    assert [page.method for page in raw.pages] == [TextMethod.TEXT_LAYER]
    assert raw.text.splitlines()[:5] == LINES
    words = raw.pages[0].lines[0].words
    assert words[0].text == "kế" and words[0].bbox is not None  # boxes kept, word by word
    check_content(raw)  # no longer refused as not Vietnamese


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs the tesseract binary")
def test_force_ocr_reads_the_page_whatever_its_layer_says(tmp_path: Path) -> None:
    settings = PipelineSettings(restore=False, force_ocr=True)
    raw = read_text(_tcvn3_pdf(tmp_path / "vntime.pdf"), settings)
    assert [page.method for page in raw.pages] == [TextMethod.OCR]
    assert "phong" in raw.text  # what is printed (here the font's codes drawn in Helvetica)
