"""The closing block by geometry: found by its label read fuzzily or by its shape; columns apart."""

from __future__ import annotations

import pytest

from pipeline.closing_geometry import find_closing, is_recipients_label, read_closing_columns
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
