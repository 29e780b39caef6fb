"""The second look at unsure positions with the document's own words (``diacritics.rescore``)."""

from __future__ import annotations

import numpy as np

from diacritics import restore
from diacritics.rescore import MIN_WORDS, UNSURE, rescore
from diacritics.restorer import default_lm

FEES = """Dieu 5. To chuc thu phi
1. To chuc thu phi thuc hien khai so tien phi thu duoc cua thang truoc.
2. Phi thu tu cac hoat dong dich vu do to chuc thu phi la co quan nha nuoc thuc hien.
a) To chuc thu phi la co quan nha nuoc quy dinh tai diem a khoan 2 Dieu 2 Nghi dinh nay.
b) To chuc thu phi quy dinh tai diem b khoan 2 Dieu 2 Nghi dinh nay duoc de lai mot phan so tien
phi thu duoc de trang trai chi phi cho cac hoat dong cung cap dich vu, thu phi.
3. To chuc thu phi thuc hien quyet toan phi hang nam theo quy dinh cua phap luat ve quan ly thue.
4. Co quan thue quan ly truc tiep co trach nhiem huong dan, kiem tra viec ke khai, nop phi cua
to chuc thu phi theo quy dinh cua Luat Quan ly thue va cac van ban huong dan thi hanh."""
"""A document of some length (``MIN_WORDS``): a sentence has no subject to learn."""


def test_a_document_s_sure_words_decide_its_unsure_ones() -> None:
    # "thu phi là" alone reads "thu phi" (a fee's name: "Luật Phí và lệ phí" aside, "phi" follows
    # "thu" in "thu phi ngân sách"); the document says "thu phí" where it is sure
    out = restore(FEES).text.split("\n")
    assert out[2].startswith("2. Phí thu từ các hoạt động dịch vụ do tổ chức thu phí là cơ quan")
    assert out[3].startswith("a) Tổ chức thu phí là cơ quan nhà nước quy định tại điểm a")


def test_list_letters_keep_their_own_reading() -> None:
    # the list runs a, b, c, d, đ, e: the document's sure "đ)" says nothing of its "d)"
    items = ["To chuc thuc hien", "Bao cao ket qua", "Kiem tra, giam sat"]
    items += ["Nang cao hieu qua san xuat kinh doanh, dich vu cua tung hoi vien"]
    items += ["Phoi hop voi cac to chuc chinh tri - xa hoi", "Thuc hien nhiem vu khac"]
    text = "\n".join(f"{letter}) {item};" for letter, item in zip("abcdde", items, strict=True))
    out = [line[:2] for line in restore(text).text.split("\n")]
    assert out == ["a)", "b)", "c)", "d)", "đ)", "e)"]


def test_sure_positions_and_short_texts_are_left_as_decoded() -> None:
    lm = default_lm()
    forms = np.asarray([lm.word_id(w) for w in ("phí", "phi")], dtype=np.uint64)
    n = MIN_WORDS + 10
    runs = [([forms] * n, [np.zeros(2, dtype=np.float32)] * n)]
    sure = [([0] * n, [1.0] * n)]
    assert rescore(lm, runs, sure) == sure
    short = [([1, 0, 1], [UNSURE / 2, 1.0, 1.0])]
    assert rescore(lm, [(runs[0][0][:3], runs[0][1][:3])], short) == short
