"""Make the bundled samples in data/samples/ from corpus text: a born-digital PDF, a scanned PDF,
a legacy OCR dump, a Word file and a saved portal page, each with its truth beside them in
data/samples-truth/ (``<name>.txt``): a folder of its own, so that ingesting data/samples ingests
the documents and not their truth.

Run from the repository root with ../shared beside it:  .venv/bin/python bench/make_samples.py
The samples are committed, so new users need neither ../shared nor this script.
"""

from __future__ import annotations

import html
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import corpus_path, corpus_records  # noqa: E402
from kehoach import DATA_DIR, SAMPLES_DIR  # noqa: E402
from pipeline.evaluation.synthetic import (  # noqa: E402
    Block,
    Degradation,
    default_closing,
    layout_document,
    render_pages,
    save_scanned_pdf,
    save_text_pdf,
    split_plan_header,
)

SHARED = REPO.parent / "shared"
OUT = SAMPLES_DIR
TRUTH = DATA_DIR / "samples-truth"
PLAN = SHARED / "corpus" / "plans" / "lamdong-kh-kiem-tra-cchc-2026.txt"
SEED_DUMP = SHARED / "seeds" / "000_008183cd73cd5139.txt"
SEED_GOLD = SHARED / "gold" / "000_008183cd73cd5139.restored.txt"
BODY_PARAGRAPHS = {"born-digital": 26, "scanned": 14}  # 3 pages and 2 pages
# a light scan with little sensor noise: noise is what makes JPEG pages large
SAMPLE_SCAN = Degradation(max_angle=0.5, blur=0.9, noise=3.0, contrast=(40, 230), speckles=150)
SIGNER = "Nguyễn Văn An"  # a placeholder: the corpus text has no signer line
WORD_PLAN = SHARED / "corpus" / "plans" / "lamdong-kh-tuyen-truyen-cchc-2026.txt"

PORTAL_DECREE = "vbpl-75d2b90032e7"  # Nghị định 279/2025/NĐ-CP: 14 Điều in 4 Chương
PORTAL_HEADER = (
    ("CHÍNH PHỦ",),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
)
PORTAL_CLOSING = (
    ("Nơi nhận:", "- Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ;", "- Lưu: VT, KTTH."),
    ("TM. CHÍNH PHỦ", "THỦ TƯỚNG", SIGNER),
)
PORTAL_ATTRIBUTES = (  # as the decree's own text gives them; "Ngày hiệu lực" from its Điều 14
    ("Số hiệu:", "279/2025/NĐ-CP"),
    ("Loại văn bản:", "Nghị định"),
    ("Nơi ban hành:", "Chính phủ"),
    ("Ngày ban hành:", "23/10/2025"),
    ("Ngày hiệu lực:", "15/12/2025"),
)


def _plan_parts() -> tuple[Block | None, list[str]]:
    header, body = split_plan_header(PLAN.read_text("utf-8").splitlines())
    return header, [" ".join(line.split()) for line in body]


def truth_path(sample: Path) -> Path:
    """Where the truth of a sample document is kept."""
    return TRUTH / f"{sample.stem}.txt"


def _write_truth(path: Path, pages: list[str]) -> None:
    TRUTH.mkdir(parents=True, exist_ok=True)
    truth_path(path).write_text("\n".join(pages) + "\n", "utf-8")


def born_digital() -> Path:
    """Three A4 pages with a real text layer (Liberation Serif embedded)."""
    header, body = _plan_parts()
    layouts = layout_document(
        body[: BODY_PARAGRAPHS["born-digital"]], header, default_closing(SIGNER)
    )
    path = save_text_pdf(layouts, OUT / "plan-born-digital.pdf")
    _write_truth(path, [layout.truth for layout in layouts])
    return path


def scanned() -> Path:
    """Two lightly degraded scanned pages with a red seal and a blue signature, image only."""
    header, body = _plan_parts()
    pages = render_pages(
        body[: BODY_PARAGRAPHS["scanned"]],
        header,
        default_closing(SIGNER),
        level=SAMPLE_SCAN,
        seed=7,
        stamps=True,
    )
    path = save_scanned_pdf([p.image for p in pages], OUT / "plan-scanned.pdf", quality=50)
    _write_truth(path, [page.truth for page in pages])
    return path


def legacy_dump() -> Path:
    """A real legacy OCR dump (English-model OCR of a plan) with its hand restoration as truth."""
    path = OUT / "plan-legacy-ocr.txt"
    shutil.copyfile(SEED_DUMP, path)
    TRUTH.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SEED_GOLD, truth_path(path))
    return path


def _grid(*columns: tuple[str, ...]) -> list[str]:
    """Side-by-side cells as the readers write them: "| left | right |" per printed line."""
    depth = max(len(column) for column in columns)
    return [
        "| " + " | ".join(c[i] if i < len(c) else "" for c in columns) + " |" for i in range(depth)
    ]


def _word_table(document, *columns: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Side-by-side cells, a paragraph a line, as Word files set a header or closing block."""
    table = document.add_table(rows=1, cols=len(columns))
    for index, lines in enumerate(columns):
        cell = table.cell(0, index)
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)


def word_plan() -> Path:
    """A plan as a Word file: the header and the closing two-column tables, the body paragraphs."""
    import docx

    header, body = split_plan_header(WORD_PLAN.read_text("utf-8").splitlines())
    assert header is not None
    left = tuple(" ".join(line.split()) for line in header.left)
    right = tuple(" ".join(line.split()) for line in header.right)
    body = [" ".join(line.split()) for line in body]
    closing = default_closing(SIGNER)
    signer = tuple(line for line in closing.right if line)
    document = docx.Document()
    _word_table(document, left, right)
    for line in body:
        document.add_paragraph(line)
    _word_table(document, closing.left, signer)
    path = OUT / "plan-word.docx"
    document.core_properties.author = "kehoach"  # not the machine's user name
    document.save(str(path))
    _write_truth(path, ["\n".join([*_grid(left, right), *body, *_grid(closing.left, signer)])])
    return path


def _corpus_text(doc_id: str) -> str:
    for record in corpus_records(SHARED):
        if record["id"] == doc_id:
            return record["text"]
    raise SystemExit(f"{doc_id} is not in {corpus_path(SHARED)}")


def _table(*columns: tuple[str, ...]) -> str:
    cells = "".join(f"<td><p>{'<br>'.join(map(html.escape, c))}</p></td>" for c in columns)
    return f"<table><tr>{cells}</tr></table>"


def portal_page() -> Path:
    """A decree as a legal portal shows it: menus, scripts, the page's title, the header and
    closing tables, the text, and the attribute block ("Số hiệu:" …) in its own tab."""
    lines = [" ".join(line.split()) for line in _corpus_text(PORTAL_DECREE).splitlines()]
    number, place_date, *body = [line for line in lines if line]
    left, right = PORTAL_HEADER
    attributes = "".join(
        f"<tr><td>{label}</td><td>{value}</td></tr>" for label, value in PORTAL_ATTRIBUTES
    )
    page = "\n".join(
        [
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">',
            f"<title>Nghị định {PORTAL_ATTRIBUTES[0][1]}</title>",
            "<style>.noidung p { text-align: justify }</style>",
            '<script>window.dataLayer = ["Điều 99. Không phải văn bản"];</script></head><body>',
            '<nav class="main-menu"><a href="/">Trang chủ</a> <a href="/vb">Văn bản</a></nav>',
            '<div class="page-title"><h1>NGHỊ ĐỊNH SỐ 279/2025/NĐ-CP</h1>',
            "<span>Còn hiệu lực</span></div>",
            '<div class="noidung">',
            _table((*left, number), (*right, place_date)),
            *(f"<p>{html.escape(line)}</p>" for line in body),
            _table(*PORTAL_CLOSING),
            "</div>",
            f'<div id="thuoc-tinh"><table>{attributes}</table></div>',
            "<footer>Cơ sở dữ liệu văn bản pháp luật · Liên hệ</footer></body></html>",
        ]
    )
    path = OUT / "decree-portal.html"
    path.write_text(page + "\n", "utf-8")
    truth = [
        *_grid((*left, number), (*right, place_date)),
        *body,
        *_grid(*PORTAL_CLOSING),
        "NGHỊ ĐỊNH SỐ 279/2025/NĐ-CP",
        "Còn hiệu lực",
        *(f"{label} {value}" for label, value in PORTAL_ATTRIBUTES),
    ]
    _write_truth(path, ["\n".join(truth)])
    return path


def main() -> None:
    if not PLAN.is_file():
        sys.exit(f"needs ../shared beside the repository ({PLAN} is missing)")
    OUT.mkdir(parents=True, exist_ok=True)
    made = (born_digital(), scanned(), legacy_dump(), word_plan(), portal_page())
    for path in made:
        print(f"{path.relative_to(REPO)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
