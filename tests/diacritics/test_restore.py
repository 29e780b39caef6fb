"""Restoration of Vietnamese diacritics: spelling rules, casing, untouchable tokens, seeds."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from diacritics import restore
from diacritics.orthography import is_syllable, modern_tone, strip_marks
from diacritics.restorer import match_case
from pipeline.evaluation.metrics import syllable_accuracy

CORRECT = """KẾ HOẠCH
Phát động phong trào thi đua “Toàn dân bảo vệ an ninh Tổ quốc” trên địa bàn tỉnh
Căn cứ Quyết định số 2447/QĐ-TTg ngày 06/11/2025 của Thủ tướng Chính phủ;
Ủy ban nhân dân tỉnh ban hành Kế hoạch với các nội dung như sau:
I. MỤC ĐÍCH, YÊU CẦU
- Phát huy sức mạnh tổng hợp của cả hệ thống chính trị và sự tham gia tích cực của Nhân dân.
Liên hệ: vanphong@dongthap.gov.vn, https://dongthap.gov.vn."""


@pytest.mark.parametrize(
    ("old", "modern"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("Uỷ", "Ủy"),
        ("khoẻ", "khỏe"),
        ("hoàn", "hoàn"),
        ("quý", "quý"),
    ],
)
def test_tone_marks_take_the_placement_of_current_documents(old: str, modern: str) -> None:
    assert modern_tone(old) == modern


def test_syllable_rules() -> None:
    assert is_syllable("nghiêng") and is_syllable("quốc") and is_syllable("giữ")
    assert not is_syllable("todn")
    assert not is_syllable("pich")  # a stop coda needs the sắc or nặng tone
    assert not is_syllable("hoà")  # written "hòa" in current documents
    assert strip_marks("Đảng ủy") == "Dang uy"


def test_restores_the_issue_example() -> None:
    assert restore("Todn din bdo vé an ninh T6 quéc").text == "Toàn dân bảo vệ an ninh Tổ quốc"


def test_restores_text_without_diacritics() -> None:
    out = restore(
        "Phat dong phong trao thi dua tren dia ban tinh\nUy ban nhan dan tinh ban hanh"
    ).text
    assert out == "Phát động phong trào thi đua trên địa bàn tỉnh\nỦy ban nhân dân tỉnh ban hành"


def test_keeps_every_line_break_and_blank_line() -> None:
    text = "Phat dong\n\n  \nthi dua\r\nva\rket qua\n"
    out = restore(text).text
    assert out.split("\n") == ["Phát động", "", "  ", "thi đua", "và", "kết quả", ""]


def test_correct_vietnamese_passes_through_unchanged() -> None:
    result = restore(CORRECT)
    assert result.text == CORRECT
    assert not result.changed_spans


def test_casing_follows_the_printed_word() -> None:
    assert match_case("T6", "tổ") == "Tổ"
    assert match_case("MUC", "mục") == "MỤC"
    assert restore("I. MUC PICH, YEU CAU").text == "I. MỤC ĐÍCH, YÊU CẦU"


def test_untouchable_tokens_survive() -> None:
    text = (
        "Can cu Quyet dinh so 2447/QĐ-TTg ngay 06/11/2025 cua UBND tinh, LLVT va e-mail vp@ubnd.vn"
    )
    out = restore(text).text
    for token in ("2447/QĐ-TTg", "06/11/2025", "UBND", "LLVT", "vp@ubnd.vn"):
        assert token in out
    assert out.startswith("Căn cứ Quyết định số")


def test_output_is_nfc_with_tokens_and_confidence() -> None:
    decomposed = unicodedata.normalize("NFD", "Phat dong phong trào thi đua")
    result = restore(decomposed)
    assert unicodedata.is_normalized("NFC", result.text)
    assert result.tokens and all(0.0 <= t.confidence <= 1.0 for t in result.tokens)
    for token in result.tokens:
        line = result.text.split("\n")[token.line]
        assert line[token.start : token.end] == token.text


@pytest.mark.slow
@pytest.mark.parametrize("seed", ["000", "003"])
def test_seed_restoration_accuracy(shared_dir: Path, seed: str) -> None:
    raw = next((shared_dir / "seeds").glob(f"{seed}_*.txt")).read_text(encoding="utf-8")
    gold = next((shared_dir / "gold").glob(f"{seed}_*.restored.txt")).read_text(encoding="utf-8")
    out = restore(raw).text
    assert len(out.split("\n")) == len(raw.split("\n"))
    assert syllable_accuracy(gold, out) >= 0.97


def test_tokens_ocr_split_are_joined() -> None:
    assert restore("Toan dan bao ve an ninh T 6 quoc").text == "Toàn dân bảo vệ an ninh Tổ quốc"


def test_words_ocr_ran_together_are_cut_and_spaced() -> None:
    # no space, or a quote where the space was ("va'kiém"); a quote after u/o is a horn
    out = restore("Noinhan: VANPHONG UBND tinh; cta'cac ca nhan; thu’dng truc").text
    assert out == "Nơi nhận: VĂN PHÒNG UBND tỉnh; của các cá nhân; thường trực"


def test_a_number_after_a_short_word_stays_a_number() -> None:
    assert restore("Vi du 1: so 3 khoan 2 Dieu 5").text == "Ví dụ 1: số 3 khoản 2 Điều 5"


def test_codes_stay_codes_outside_ocr_garble() -> None:
    text = (
        "Can cu Luat so 15/2023/QH15 ve phong chay va chua chay, Uy ban nhan dan tinh ban hanh "
        "Ke hoach trien khai thuc hien tren dia ban tinh; cac co quan, don vi bao cao ket qua "
        "theo mau C04 va gui ve So Tu phap truoc ngay 15 thang 12 hang nam de tong hop."
    )
    assert restore(text).text == (
        "Căn cứ Luật số 15/2023/QH15 về phòng cháy và chữa cháy, Ủy ban nhân dân tỉnh ban hành "
        "Kế hoạch triển khai thực hiện trên địa bàn tỉnh; các cơ quan, đơn vị báo cáo kết quả "
        "theo mẫu C04 và gửi về Sở Tư pháp trước ngày 15 tháng 12 hằng năm để tổng hợp."
    )


def test_a_wrapped_sentence_is_read_across_its_line_break() -> None:
    wrapped = (
        "Van ban nay huong dan ve the thuc va ky thuat trinh bay van ban cua\n"
        "Dang, Van phong Trung uong Dang huong dan the thuc va ky thuat trinh bay."
    )
    assert restore(wrapped).text.split("\n")[1].startswith("Đảng, Văn phòng Trung ương Đảng")


def test_document_symbols_get_their_letters_back() -> None:
    out = restore("Can cu Quyet dinh so 2447/QD-TTg va Nghi dinh so 91/2017/ND-CP").text
    assert out == "Căn cứ Quyết định số 2447/QĐ-TTg và Nghị định số 91/2017/NĐ-CP"


def test_confidence_is_lower_where_the_model_hesitates() -> None:
    result = restore("Phat dong phong trao thi dua tren dia ban tinh.\nban")
    by_source = {t.source: t.confidence for t in result.tokens}
    assert by_source["Phat"] > 0.9
    assert by_source["ban"] < 0.9  # a lone "ban": bản, ban, bán, bàn


def test_strip_marks_equals_decomposing_the_text() -> None:
    # the fast table and the definition (NFD, marks dropped, đ → d) agree, odd input included
    samples = [
        "Toàn dân bảo vệ an ninh Tổ quốc, Đắk Lắk",
        "ĐẢNG ỦY",
        "hoa\u0300 khe\u0309",  # combining marks, not NFC
        "Ωμέγα й ﬁ 한국",  # Greek, Cyrillic, a ligature, Hangul (decomposes differently)
        "",
    ]
    for text in samples:
        decomposed = unicodedata.normalize("NFD", text)
        expected = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        assert strip_marks(text) == expected.replace("đ", "d").replace("Đ", "D")


def test_tokens_built_quickly_equal_validated_ones() -> None:
    from schemas.restore import RestoredToken

    result = restore("Uy ban nhan dan tinh ban hanh Ke hoach")
    for token in result.tokens:
        assert token == RestoredToken.model_validate(token.model_dump())
        assert token.model_fields_set == set(RestoredToken.model_fields)


def test_codes_placeholders_and_options_are_never_rewritten_into_words() -> None:
    # an OCR'd code ("QH15" read as "QHI5"), printf placeholders, a command-line option
    out = restore("Can cu Luat so 15/2023/QHI5 ve phong chay va chua chay").text
    assert out == "Căn cứ Luật số 15/2023/QHI5 về phòng cháy và chữa cháy"
    out = restore("%s: khong the cap phat %lu byte cho tap tin %1$s").text
    assert out == "%s: không thể cấp phát %lu byte cho tập tin %1$s"
    assert restore("--file=tap-tin doc cac doi so").text.startswith("--file=tập-tin đọc các")


def test_a_lone_foreign_word_is_left_alone() -> None:
    # "mh" is no syllable and no misprint here: one odd word does not make the text OCR garble
    assert restore("dung mh de tim kiem tai lieu").text.split()[1] == "mh"
    assert restore("cac so1 va so2 cua bang").text == "các số1 và số2 của bảng"


def test_lower_case_abbreviations_get_only_their_own_spelling_variants() -> None:
    out = restore("can cu quyet dinh so 2447/qd-ttg cua ubnd tinh va nghi quyet cua hdnd tinh").text
    assert out == "căn cứ quyết định số 2447/qđ-ttg của ubnd tỉnh và nghị quyết của hđnd tỉnh"


def test_rare_abbreviations_are_one_class_in_training() -> None:
    from diacritics.text import ABBR, UNK, is_abbreviation
    from diacritics.training.train import build_vocab, id_stream

    lines = [["lực", "lượng", "llvt", "tỉnh"], ["ubnd", "tỉnh"], ["ubnd", "huyện", "xyzô"]]
    vocab = build_vocab(lines)  # words seen twice or more
    assert "llvt" not in vocab and "ubnd" in vocab
    stream = [vocab[i] for i in id_stream(lines, vocab).tolist()]
    assert stream[4] == ABBR and stream[-2] == UNK  # "llvt" a rare abbreviation, "xyzô" a word
    assert is_abbreviation("hđnd") and is_abbreviation("qđ") and not is_abbreviation("tỉnh")


def test_the_place_after_a_rare_abbreviation() -> None:
    # "LLVT" is too rare for the model's vocabulary: the words after it are predicted from what
    # follows abbreviations in the corpus ("LLVT tỉnh", as "UBND tỉnh"), not from <unk>'s
    text = "xay dung luc luong vu trang (LLVT) tinh vung manh\nthi dua LLVT tinh chung suc"
    assert restore(text).text == (
        "xây dựng lực lượng vũ trang (LLVT) tỉnh vững mạnh\nthi đua LLVT tỉnh chung sức"
    )


def test_a_second_d_list_item_is_dd() -> None:
    # lists run a, b, c, d, đ, e: a stripped "d)" after "d)" can only be "đ)"
    out = restore("c) Thuc hien\nd) Bao cao ket qua\nd) Tim kiem, cuu nan\ne) Xay dung").text
    assert out.split("\n")[1:] == ["d) Báo cáo kết quả", "đ) Tìm kiếm, cứu nạn", "e) Xây dựng"]


def test_program_text_stays_program_text() -> None:
    # options ("-a", "-nt") and a program's names ("t.tin1", "biểu_thức") are no OCR garble
    out = restore("t.tin1 -nt t.tin2 khi bieu_thuc1 -a bieu_thuc2 cung dung").text
    words = out.split()
    assert words[:4] == ["t.tin1", "-nt", "t.tin2", "khi"] and words[5] == "-a"
    assert words[4].startswith("biểu_th")  # the words of a placeholder get their marks


def test_the_general_mixture_keeps_distributions_whole() -> None:
    import numpy as np

    from diacritics.text import SPECIALS
    from diacritics.training.general import mix
    from diacritics.training.train import train

    lines = [["mẹ", "đi", "làm"], ["mẹ", "đi", "chợ"], ["ủy", "ban", "tỉnh"]] * 3
    arrays = train(lines)
    general = ({"mẹ": 9, "đi": 9, "chợ": 9, "rau": 9}, {("đi", "chợ"): 9, ("chợ", "rau"): 6})
    mixed = mix(arrays, *general, legal_tokens=27)
    vocab = str(mixed["vocab"]).split("\n")
    assert vocab[: len(SPECIALS)] == list(SPECIALS) and "rau" in vocab  # a new word joins
    uni = 10.0 ** mixed["uni_logp"].astype(np.float64)
    assert abs(uni.sum() - 1.0) < 0.01
    keys, logp = mixed["bi_keys"].astype(np.int64), mixed["bi_logp"].astype(np.float64)
    di = vocab.index("đi")
    after = keys >> 16 == di
    # the bigrams stored after "đi" plus the backed-off rest sum to one
    rest = np.ones(len(vocab), dtype=bool)
    rest[keys[after] & 0xFFFF] = False
    bow = 10.0 ** float(mixed["uni_bow"][di])
    assert abs((10.0 ** logp[after]).sum() + bow * uni[rest].sum() - 1.0) < 0.02


def test_an_underscore_joins_words_but_not_ocr_specks() -> None:
    from diacritics.pieces import words

    def cut(core: str) -> list[str]:
        return [w for w, _, _ in words(core, 0)]

    # a program's placeholder is restored word by word; OCR prints "_" for specks in a word
    assert cut("bieu_thuc1") == ["bieu", "thuc1"] and cut("tap_tin") == ["tap", "tin"]
    assert cut("ti_nh") == ["ti_nh"] and cut("Trung_") == ["Trung_"] and cut("r_c") == ["r_c"]
