"""Properties that hold for any input: no exception, lines kept, provenance inside the document.

Run with at least 2,000 examples each (the CI profile), since hostile files reach these functions.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = settings(
    max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

VIETNAMESE_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
OCR_JUNK = "0123456789}{|&¢€ﬁ@/\\-.,;:()“”\"'*+ \t"
texts = st.text(
    alphabet=st.sampled_from(
        list(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + OCR_JUNK) + ["\n", "\r", "\u0301"]
    ),
    max_size=300,
) | st.text(max_size=200)

plan_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "I. MỤC ĐÍCH, YÊU CẦU",
                "II. TỔ CHỨC THỰC HIỆN",
                "1. Mục đích",
                "5.2. Công an tỉnh",
                "a) Chủ trì, phối hợp",
                "đ) Báo cáo trước ngày 30/11 hằng năm",
                "- Phát huy sức mạnh",
                "+ Tham mưu",
                "* Ghi chú",
                "Nơi nhận:",
                "- Lưu: VT.",
                "KT. CHỦ TỊCH",
                "",
            ]
        ),
        st.text(max_size=80),
    ),
    max_size=40,
)

date_texts = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda prefix, day, month, year, suffix: f"{prefix} {day}/{month}/{year} {suffix}",
        st.sampled_from(["trước ngày", "ngày", "từ ngày", "đến", "trong tháng", "quý", "Quý"]),
        st.integers(-5, 40),
        st.integers(-2, 15),
        st.integers(0, 3000),
        st.sampled_from(["", "hằng năm", "hàng năm", "năm 2026", "quý IV", "cuối năm"]),
    ),
)


@EXAMPLES
@given(texts)
def test_restore_returns_nfc_and_keeps_every_line(text: str) -> None:
    from diacritics import restore

    result = restore(text)
    expected_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert len(result.text.split("\n")) == len(expected_lines)
    assert unicodedata.is_normalized("NFC", result.text)
    for token in result.tokens:
        assert 0.0 <= token.confidence <= 1.0


@EXAMPLES
@given(plan_lines)
def test_layout_provenance_stays_inside_the_document(lines: list[str]) -> None:
    from pipeline.layout import build_tree, document_from_text, source_for_text

    text = "\n".join(lines)
    document = document_from_text(text, source_for_text(text, "property.txt"))
    tree = build_tree(document)
    line_count = document.line_count
    for block in tree.body:
        for node in block.walk():
            assert 1 <= node.provenance.line_start <= node.provenance.line_end <= max(line_count, 1)


ISO_SHAPES = re.compile(
    r"^(\d{4}-\d{2}-(\d{2}|\?\?)|--\d{2}-\d{2}|--\d{2}|\d{4}-\d{2}|\d{4}-Q[1-4]|\d{4})$"
)


@EXAMPLES
@given(date_texts)
def test_normalized_dates_are_none_or_well_formed(text: str) -> None:
    from extractors.deadlines import normalize_date

    result = normalize_date(text)
    value = result[0] if isinstance(result, tuple) else result
    assert value is None or ISO_SHAPES.match(value), value
