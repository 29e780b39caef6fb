"""pipeline.scan and pipeline.ocr: colour suppression, deskew, column reading order, real OCR."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.evaluation.metrics import cer
from pipeline.evaluation.synthetic import (
    STAMP_RED,
    Block,
    default_closing,
    degrade,
    layout_document,
    render_layout,
)
from pipeline.ocr import is_noise, is_stray, merge_row, ocr_image
from pipeline.scan import (
    Token,
    estimate_skew,
    noise_level,
    reading_order,
    suppress_colour,
    whiten_borders,
)

HEADER = Block(
    left=("BỘ CÔNG AN", "Số: 589/KH-BCA-C04"),
    right=(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Nội, ngày 02 tháng 10 năm 2025",
    ),
)
BODY = [
    "KẾ HOẠCH",
    "Tổ chức Hội nghị triển khai Chương trình mục tiêu quốc gia phòng, chống ma tuý",
    "Thực hiện Nghị quyết số 163/2024/QH15 ngày 27 tháng 11 năm 2024 của Quốc hội phê duyệt "
    "chủ trương đầu tư Chương trình mục tiêu quốc gia phòng, chống ma tuý đến năm 2030.",
]


def test_red_stamp_and_blue_signature_turn_white_black_print_stays() -> None:
    image = Image.new("RGB", (400, 1000), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 500, 100, 560), fill=(0, 0, 0))  # print
    draw.ellipse((150, 500, 250, 600), outline=STAMP_RED, width=8)  # seal
    draw.line((260, 700, 390, 760), fill=(30, 50, 170), width=6)  # signature, low on the page
    draw.line((260, 50, 390, 90), fill=(30, 50, 170), width=6)  # handwritten number in the header
    grey, share = suppress_colour(image)
    pixels = np.asarray(grey)
    assert pixels[530, 50] < 40
    assert pixels[500:600, 150:250].min() > 200
    assert pixels[690:770, 260:390].min() > 200
    assert pixels[40:100, 260:390].min() < 100  # blue in the header band is kept
    assert 0 < share < 0.1


def test_tinted_paper_is_not_ink() -> None:
    image = Image.new("RGB", (100, 100), (225, 232, 250))
    grey, share = suppress_colour(image)
    assert share == 0.0
    assert np.asarray(grey).min() >= 225


def test_dark_scanner_border_is_whitened() -> None:
    pixels = np.full((200, 200), 255, np.uint8)
    pixels[:, :6] = 0
    pixels[100, 50:150] = 0  # a line of print stays
    out = np.asarray(whiten_borders(Image.fromarray(pixels, "L")))
    assert out[:, :6].min() == 255
    assert out[100, 50:150].max() == 0


def test_skew_is_found_on_a_rotated_page() -> None:
    page = render_layout(layout_document(BODY * 4, HEADER)[0]).convert("L")
    tilted = page.rotate(1.2, Image.Resampling.BICUBIC, fillcolor=255)
    assert estimate_skew(tilted) == pytest.approx(-1.2, abs=0.25)
    assert abs(estimate_skew(page)) <= 0.1


def test_noise_level_tells_clean_from_noisy_scans() -> None:
    page = render_layout(layout_document(BODY, HEADER)[0])
    assert noise_level(page.convert("L")) < 1
    assert noise_level(degrade(page, "heavy", seed=3).convert("L")) >= 4


def test_lone_unsure_scraps_are_stray_lines() -> None:
    assert is_stray([Token("NỘ", 0, 0, 40, 20, 0.57)])
    assert not is_stray([Token("2.", 0, 0, 40, 20, 0.95)])
    assert not is_stray([Token("Nguyễn", 0, 0, 90, 20, 0.4)])


def test_a_signer_row_read_apart_joins_its_printed_line() -> None:
    rows = [_row(100, (40, "Nơi nhận:")), _row(140, (40, "- Như trên;"))]
    merged = merge_row(rows, _row(102, (450, "GIÁM ĐỐC")))
    assert [" ".join(t.text for t in row) for row in merged] == [
        "Nơi nhận: GIÁM ĐỐC",
        "- Như trên;",
    ]
    below = merge_row(rows, _row(400, (450, "Nguyễn Văn A")))
    assert [row[0].text for row in below] == ["Nơi", "-", "Nguyễn"]


def test_specks_are_noise_words_are_not() -> None:
    assert is_noise("_", 0.3)
    assert is_noise("", 0.9)
    assert not is_noise("-", 0.9)
    assert not is_noise("xã", 0.2)


def _row(y: float, *cells: tuple[float, str]) -> list[Token]:
    """Tokens of one printed row: each cell starts at x, words 30 units apart, 20 high."""
    tokens = []
    for x, text in cells:
        for word in text.split():
            width = 12 * len(word)
            tokens.append(Token(word, x, y, x + width, y + 20))
            x += width + 8
    return tokens


def test_reading_order_reads_header_and_closing_column_by_column() -> None:
    rows = [
        _row(10, (50, "BỘ CÔNG AN"), (400, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA")),
        _row(40, (480, "Độc lập - Tự do")),
        _row(70, (50, "Số: 589/KH"), (420, "Hà Nội, ngày 02 tháng 10")),
        _row(110, (330, "KẾ HOẠCH")),
        _row(140, (40, "Thực hiện Nghị quyết số 163 của Quốc hội phê duyệt chủ trương đầu tư")),
        _row(170, (40, "Nơi nhận:"), (450, "KT. BỘ TRƯỞNG")),
        _row(200, (40, "- Như trên;"), (450, "THỨ TRƯỞNG")),
        _row(260, (470, "Nguyễn Văn A")),
    ]
    ordered = [(" ".join(t.text for t in row), region) for row, region in reading_order(rows, 1000)]
    assert ordered == [
        ("BỘ CÔNG AN", "header-left"),
        ("Số: 589/KH", "header-left"),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "header-right"),
        ("Độc lập - Tự do", "header-right"),
        ("Hà Nội, ngày 02 tháng 10", "header-right"),
        ("KẾ HOẠCH", "body"),
        ("Thực hiện Nghị quyết số 163 của Quốc hội phê duyệt chủ trương đầu tư", "body"),
        ("Nơi nhận:", "closing-left"),
        ("- Như trên;", "closing-left"),
        ("KT. BỘ TRƯỞNG", "closing-right"),
        ("THỨ TRƯỞNG", "closing-right"),
        ("Nguyễn Văn A", "closing-right"),
    ]


def test_body_page_without_header_keeps_its_order() -> None:
    rows = [_row(10 + 30 * i, (40, f"dòng số {i} của văn bản kế hoạch năm nay")) for i in range(5)]
    ordered = reading_order(rows, 1000)
    assert [region for _, region in ordered] == ["body"] * 5
    assert [row[2].text for row, _ in ordered] == ["0", "1", "2", "3", "4"]


@pytest.mark.slow
def test_ocr_of_a_stamped_page_reads_columns_and_skips_seal_and_signature() -> None:
    layout = layout_document(BODY, HEADER, default_closing("Nguyễn Văn An"))[0]
    image = degrade(render_layout(layout, stamps=True, seed=2), "light", seed=2)
    page = ocr_image(image, "vie", timeout=120)
    text = "\n".join(line.text for line in page.lines)
    assert cer(layout.truth, text) < 0.03
    regions = [line.region for line in page.lines]
    assert regions[:2] == ["header-left", "header-left"]
    assert page.lines[0].text.startswith("BỘ CÔNG AN")
    assert "closing-left" in regions and "closing-right" in regions
    closing_left = [line.text for line in page.lines if line.region == "closing-left"]
    assert closing_left[0].startswith("Nơi nhận")
    assert page.lines[-1].text.startswith("Nguyễn Văn A")
    assert "TỈNH *" not in text  # the seal's ring text is not read
