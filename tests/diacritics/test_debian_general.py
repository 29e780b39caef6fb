from __future__ import annotations

import zipfile
from pathlib import Path

from diacritics.training.debian_general import count, html_lines, package_lines, write_counts
from diacritics.training.general import load_general


def test_help_pages_and_language_packs_give_their_vietnamese_lines(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "page.html").write_text(
        "<html><head><style>p {color: red}</style></head><body><h1>Chèn bảng</h1>"
        "<p>Chọn ô cần chèn.</p><p>Insert a table.</p><p>Chọn ô cần chèn.</p></body></html>",
        encoding="utf-8",
    )
    with zipfile.ZipFile(root / "langpack.xpi", "w") as pack:
        pack.writestr("browser/main.ftl", "# chú thích\nsave-button = Lưu tập tin\n")
        pack.writestr("chrome/main.properties", "open=Mở thư mục\n")
        pack.writestr("chrome/menu.dtd", '<!ENTITY close.label "Đóng cửa sổ">\n')
    # each distinct line with a Vietnamese mark, once; English and markup left out
    assert list(package_lines(root)) == [
        "Lưu tập tin",
        "Mở thư mục",
        "Đóng cửa sổ",
        "Chèn bảng",
        "Chọn ô cần chèn.",
    ]
    assert "Insert a table." in html_lines("<p>Insert a table.</p>")


def test_counts_are_written_as_the_mixture_reads_them(tmp_path: Path) -> None:
    unigrams, bigrams = count(["Chọn ô cần chèn", "chọn ô khác", "Chọn tập tin 2"])
    assert unigrams["chọn"] == 3 and bigrams["chọn", "ô"] == 2 and unigrams["<num>"] == 1
    path = tmp_path / "counts.tsv.gz"
    write_counts(path, unigrams, bigrams)
    uni, bi = load_general(path)
    assert uni == dict(unigrams) and bi == {("chọn", "ô"): 2}  # pairs seen once left out
