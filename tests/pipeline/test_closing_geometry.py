"""The closing block by geometry: found by its label read fuzzily or by its shape; columns apart."""

from __future__ import annotations

import pytest

from pipeline.closing_geometry import (
    best_rows,
    find_closing,
    is_recipients_label,
    read_closing_columns,
)
from pipeline.evaluation.synthetic import default_closing, degrade, layout_document, render_layout
from pipeline.ocr import _run, prepare
from pipeline.scan import Token

BODY_LINE = "Thực hiện Nghị quyết số 163 của Quốc hội phê duyệt chủ trương đầu tư"


def _row(y: float, *cells: tuple[float, str], conf: float = 0.9) -> list[Token]:
    """Tokens of one printed row: each cell starts at x, words 8 units apart, 20 high."""
    tokens = []
    for x, text in cells:
        for word in text.split():
            width = 12 * len(word)
            tokens.append(Token(word, x, y, x + width, y + 20, conf))
            x += width + 8
    return tokens


def _closing_page(label: str) -> list[list[Token]]:
    return [
        _row(100, (40, BODY_LINE)),
        _row(130, (40, "tổng hợp./.")),
        _row(170, (40, label), (450, "KT. CHỦ TỊCH")),
        _row(200, (40, "- Như trên;"), (450, "PHÓ CHỦ TỊCH")),
        _row(230, (40, "- CT, PCT UBND tỉnh;")),
        _row(260, (40, "- Lưu: VT, TTHC.")),
        _row(330, (470, "Trần Hoàng Tuấn")),
    ]


@pytest.mark.parametrize("label", ["Nơi nhận:", "Noi nhan:", "Nơi nhặn:", "NƠI NHẬN"])
def test_the_recipients_label_is_read_fuzzily(label: str) -> None:
    assert is_recipients_label(_row(0, (40, label)))


@pytest.mark.parametrize("text", ["Nội dung", "Nơi tổ chức hội nghị", "- Như trên;"])
def test_other_rows_are_not_the_label(text: str) -> None:
    assert not is_recipients_label(_row(0, (40, text)))


def test_a_misread_label_is_found_by_the_list_beside_the_signer() -> None:
    found = find_closing(_closing_page("Ma ca"), page_width=800)
    assert found is not None and found.start == 2
    assert found.gutter[0] < 450 <= found.gutter[1]


def test_a_body_page_has_no_closing() -> None:
    rows = [_row(100 + 30 * i, (40, BODY_LINE)) for i in range(6)]
    rows.append(_row(300, (40, "- một gạch đầu dòng trong thân văn bản;")))
    assert find_closing(rows, page_width=800) is None


@pytest.mark.slow
def test_both_closing_columns_are_read_apart_under_a_seal_and_signature() -> None:
    layout = layout_document(
        ["Nội dung kế hoạch năm 2026."], None, default_closing("Nguyễn Văn An")
    )[0]
    image = degrade(render_layout(layout, stamps=True, seed=3), "light", seed=3)
    ready = prepare(image)[0]
    rows = _run(ready, "vie", 120, 300)
    read = read_closing_columns(ready, rows, lambda crop, psm: _run(crop, "vie", 120, 300, psm))
    assert read is not None
    _, recipients, signer = read
    recipients_text = [" ".join(t.text for t in row) for row in recipients]
    signer_text = [" ".join(t.text for t in row) for row in signer]
    assert recipients_text[0].startswith("Nơi nhận")
    assert all(not line.startswith(("KT.", "TM.", "PHÓ")) for line in recipients_text)
    assert signer_text[0].startswith("TM. ỦY BAN")
    assert signer_text[-1] == "Nguyễn Văn An"


def test_the_page_reading_of_a_line_wins_where_its_evidence_is_stronger() -> None:
    """The bundled scan's crop read "Tỉnh Ủy; 3" and "~ Lưu: VT, ÑG." where the whole page read
    the lines right (the merge that was reverted): each line is now chosen by evidence."""
    crop = [
        _row(100, (40, "- Thường trực Tỉnh Ủy; 3"), conf=0.9),
        _row(130, (40, "~ Lưu: VT, ÑG."), conf=0.77),
    ]
    page = [
        _row(101, (40, "- Thường trực Tỉnh ủy;"), conf=0.9),
        _row(131, (40, "Lưu: VT, NC."), conf=0.75),
    ]
    chosen = [" ".join(t.text for t in row) for row in best_rows(crop, page)]
    assert chosen == ["- Thường trực Tỉnh ủy;", "Lưu: VT, NC."]


def test_the_crop_reading_wins_where_the_page_misread_tone_marks() -> None:
    crop = [_row(100, (450, "KT. BỘ TRƯỞNG"), conf=0.85)]
    page = [_row(100, (450, "KT. BỌ TRƯƠNG"), conf=0.88)]
    assert " ".join(t.text for t in best_rows(crop, page)[0]) == "KT. BỘ TRƯỞNG"


def test_a_scrap_at_a_lines_start_is_no_reading_of_the_line() -> None:
    crop = [_row(100, (40, "- Lưu: VT, TTHC."))]
    page = [_row(100, (40, "7"), conf=0.95)]
    assert " ".join(t.text for t in best_rows(crop, page)[0]) == "- Lưu: VT, TTHC."


@pytest.mark.slow
def test_the_bundled_scans_recipients_are_read_as_printed() -> None:
    """Regression: the bundled scanned sample's closing page, read whole (issue 16's revert)."""
    import pypdfium2 as pdfium

    from kehoach import SAMPLES_DIR
    from pipeline.ocr import ocr_image

    pdf = pdfium.PdfDocument(str(SAMPLES_DIR / "plan-scanned.pdf"))
    page = ocr_image(pdf[1].render(scale=300 / 72).to_pil(), "vie", 120, 300)
    left = [line.text for line in page.lines if line.region == "closing-left"]
    right = [line.text for line in page.lines if line.region == "closing-right"]
    assert left == [
        "Nơi nhận:",
        "- Thường trực Tỉnh ủy;",
        "- Thường trực HĐND tỉnh;",
        "- Chủ tịch, các PCT UBND tỉnh;",
        "- Các sở, ban, ngành tỉnh;",
        "Lưu: VT, NC.",
    ]
    assert right == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]


def test_a_speck_right_of_a_body_heading_opens_no_closing() -> None:
    """Synthetic light page 6: "b) Nhiệm vụ  :" (a speck far right) above dash lines that run
    across the page was taken for a closing block, and every line lost its right half."""
    long_dash = "- Xây dựng kế hoạch giải ngân chi tiết và tổ chức thực hiện"
    rows = [
        _row(100, (40, "b) Nhiệm vụ"), (600, ":")),
        _row(130, (40, long_dash)),
        _row(160, (40, "ngân sách nhà nước được giao đảm bảo tiến độ, đúng quy định.")),
        _row(190, (40, long_dash)),
        _row(220, (40, long_dash)),
    ]
    assert find_closing(rows, page_width=800) is None
