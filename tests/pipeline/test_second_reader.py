"""The second reader (asterocr's bundled line model) and the choice of a reading by evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline import second_reader
from pipeline.evaluation.synthetic import FONT_DIR
from pipeline.line_choice import Reading, choose, is_all_capitals, keep_capitals, merge_words
from pipeline.scan import Token
from pipeline.second_reader import (
    MAX_WIDTH,
    better_reading,
    is_field,
    is_unsure,
    pieces,
    read_row,
    strip_box,
    unsure_spans,
)

needs_reader = pytest.mark.skipif(
    not second_reader.available(), reason="asterocr (the second reader) is not installed"
)


def _words(text: str, conf: float = 0.95, x: float = 100, y: float = 100) -> list[Token]:
    """Tokens of one printed line, 30 px a letter, words 20 px apart, 60 px high."""
    tokens = []
    for word in text.split():
        tokens.append(Token(word, x, y, x + 30 * len(word), y + 60, conf))
        x += 30 * len(word) + 20
    return tokens


def test_lines_wider_than_the_model_reads_are_cut_at_word_gaps() -> None:
    row = _words("Quốc hội phê duyệt chủ trương đầu tư Chương trình mục tiêu quốc gia")
    runs = pieces(row)
    assert len(runs) > 1
    assert [t for run in runs for t in run] == sorted(row, key=lambda t: t.x0)
    assert all(run[-1].x1 - run[0].x0 <= MAX_WIDTH for run in runs)


def test_a_stroke_inflated_box_does_not_make_the_strip_tall() -> None:
    row = _words("Nguyễn Văn An")
    row[1] = row[1]._replace(y0=0, y1=400)  # a signature's stroke through the middle word
    top, bottom = strip_box(row, (3000, 3000))[1::2]
    assert bottom - top < 2 * 60


def test_only_the_words_around_unsure_ones_are_read_again() -> None:
    row = _words("một hai ba bốn năm sáu bảy")
    row[1] = row[1]._replace(conf=0.3)
    row[5] = row[5]._replace(conf=0.4)
    assert is_unsure(row)
    assert unsure_spans(row) == [(0, 3), (4, 7)]
    assert not is_unsure(_words("một hai ba"))


def test_the_headers_number_and_date_are_fields() -> None:
    assert is_field(_words("Số: /KH-BCA-C04"), "header-left")
    assert is_field(_words("Hà Nội, ngày tháng 10 năm 2025"), "header-right")
    assert not is_field(_words("BỘ CÔNG AN"), "header-left")
    assert not is_field(_words("Số: 589/KH-BCA-C04"), "body")


def test_a_field_read_with_its_number_beats_one_without() -> None:
    tesseract = _words("Số: /KH-BCA-C04", conf=0.95)
    second = _words("Số: 589/KH-BCA-C04", conf=0.7)
    chosen = better_reading(tesseract, second, field=True)
    assert " ".join(t.text for t in chosen) == "Số: 589/KH-BCA-C04"


def test_two_readings_are_merged_word_by_word_by_thelanguage_model() -> None:
    first = Reading(tuple(_words("thuộc thấm quyền giải quyết được triển khai")))
    second = Reading(tuple(_words("thuộc thẩm quyền giải quyết được triền khai")))
    merged = merge_words(first, second)
    assert merged is not None and merged.text == "thuộc thẩm quyền giải quyết được triển khai"
    assert choose([first, second]).text == merged.text


def test_the_line_choice_scores_with_the_restorers_ownlanguage_model() -> None:
    from diacritics.restorer import default_lm, default_restorer
    from pipeline.line_choice import language_model

    assert language_model() is default_lm()  # loaded alone, without the candidate tables
    assert default_restorer().lm is default_lm()  # and loaded once for both


def test_the_same_text_twice_keeps_the_first_reading() -> None:
    first = Reading(tuple(_words("Độc lập - Tự do - Hạnh phúc", conf=0.9)))
    second = Reading(tuple(_words("Độc lập - Tự do - Hạnh phúc", conf=0.99)))
    assert choose([first, second]) is first


def test_all_capital_lines_keep_their_capitals() -> None:
    assert is_all_capitals("VI. TỔ CHỨC THỰC HIỆN")
    assert not is_all_capitals("Số: 589/KH-BCA-C04")  # a reference code is capitals anywhere
    assert not is_all_capitals("Tổ chức Hội nghị triển khai")
    kept = keep_capitals(_words("VI. Tổ CHỨC THỰC HIỆN"), like="VI. TỎ CHỨC THỰC HIỆN")
    assert " ".join(t.text for t in kept) == "VI. TỔ CHỨC THỰC HIỆN"


def test_the_model_is_inside_the_installed_wheel() -> None:
    """Nothing is fetched at run time: the ONNX file is asterocr's bundled asset."""
    if not second_reader.available():
        pytest.skip("asterocr (the second reader) is not installed")
    import asterocr

    path = second_reader._model_file()
    assert path is not None and Path(asterocr.__file__).parent in path.parents


@needs_reader
@pytest.mark.slow
def test_a_printed_line_is_read_with_its_tone_marks() -> None:
    text = "Căn cứ Kế hoạch này, các đơn vị triển khai"
    font = ImageFont.truetype(str(FONT_DIR / "LiberationSerif-Regular.ttf"), 58)
    image = Image.new("L", (1700, 140), 255)
    ImageDraw.Draw(image).text((40, 30), text, font=font, fill=0)
    words, x = [], 40.0
    for word in text.split():  # word boxes as Tesseract gives them
        x0, y0, x1, y1 = font.getbbox(word)
        words.append(Token(word, x, 30 + y0, x + x1, 30 + y1, 0.5))
        x += font.getlength(word + " ")
    read = read_row(image, words)
    assert read is not None and " ".join(t.text for t in read) == text
    assert second_reader.line_model() is second_reader.line_model()  # one session per process


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("lý đảm bảo kịp thời, đúng quy định. -", "lý đảm bảo kịp thời, đúng quy định."),
        (". 2021 - 2030;", "2021 - 2030;"),
        ("đúng quy định. ¬", "đúng quy định."),
        ("~ Tối thiểu 98% hồ sơ", "- Tối thiểu 98% hồ sơ"),
        ("- Như trên;", "- Như trên;"),
        ("Độc lập - Tự do - Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),
    ],
)
def test_specks_read_as_punctuation_words_are_dropped(read: str, printed: str) -> None:
    from pipeline.ocr import drop_stray_marks

    assert " ".join(t.text for t in drop_stray_marks(_words(read))) == printed


@needs_reader
def test_a_strip_wider_than_the_models_positions_is_squeezed_not_refused() -> None:
    # A 1,024-pixel piece of small print scales past the model's 256 positions (ONNX refused
    # "256 by 267" on a real scan); the reader squeezes it and still reads.
    model = second_reader.line_model()
    assert model is not None
    strip = Image.new("RGB", (1400, 24), "white")
    ImageDraw.Draw(strip).text((10, 2), "Nơi nhận " * 12, fill="black")
    text, _ = model.read(strip)
    assert isinstance(text, str)
