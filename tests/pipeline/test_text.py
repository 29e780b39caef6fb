"""pipeline.text: routing between text layer and OCR, plain text, errors, tidying, the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from kehoach import REPO_ROOT
from pipeline.evaluation.metrics import cer
from pipeline.evaluation.synthetic import (
    FONT_DIR,
    Block,
    layout_document,
    render_layout,
    save_scanned_pdf,
    save_text_pdf,
)
from pipeline.ingest import identify
from pipeline.page_tidy import repair_hyphenation, tidy_pages
from pipeline.text import extract_text
from schemas import (
    BBox,
    ErrorCode,
    KehoachError,
    Limits,
    Line,
    PageText,
    PipelineSettings,
    SourceKind,
    TextMethod,
)

HEADER = Block(
    left=("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: 12/KH-UBND"),
    right=(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lâm Đồng, ngày 05 tháng 01 năm 2026",
    ),
)
BODY = [
    "KẾ HOẠCH",
    "Kiểm tra công tác cải cách hành chính năm 2026",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Đánh giá đúng thực trạng việc thực hiện nhiệm vụ cải cách hành chính của các cơ quan, "
    "đơn vị, địa phương; kịp thời phát hiện những khó khăn, vướng mắc để hướng dẫn khắc phục.",
    "Việc kiểm tra phải bảo đảm khách quan, đúng quy định, không gây khó khăn cho hoạt động "
    "của các cơ quan, đơn vị được kiểm tra.",
]
STAMP = "SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 06/01/2026; 16:42:26; +07:00"
SETTINGS = PipelineSettings()


def _read(path: Path, settings: PipelineSettings = SETTINGS):
    return extract_text(identify(path, settings.limits), settings)


@pytest.fixture(scope="module")
def layouts():
    return layout_document(BODY, HEADER)


@pytest.fixture(scope="module")
def born_digital(tmp_path_factory: pytest.TempPathFactory, layouts) -> Path:
    return save_text_pdf(layouts, tmp_path_factory.mktemp("pdf") / "born-digital.pdf")


@pytest.fixture(scope="module")
def stamped_scan(tmp_path_factory: pytest.TempPathFactory, layouts) -> Path:
    """A full-page scan whose text layer holds only an e-signature stamp, as in the corpus."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    folder = tmp_path_factory.mktemp("scan")
    image = folder / "page.png"
    render_layout(layouts[0]).convert("L").save(image)
    pdfmetrics.registerFont(TTFont("SerifTest", str(FONT_DIR / "LiberationSerif-Regular.ttf")))
    path = folder / "stamped.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(str(image), 0, 0, *A4)
    pdf.setFont("SerifTest", 7)
    pdf.drawString(380, 20, STAMP)
    pdf.save()
    return path


def test_born_digital_pdf_reads_its_text_layer_exactly(born_digital: Path, layouts) -> None:
    with pdfplumber.open(born_digital) as pdf:  # the generator's layer holds real Vietnamese
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pdf.pages[0].extract_text()
    document = _read(born_digital)
    assert [page.method for page in document.pages] == [TextMethod.TEXT_LAYER]
    truth = [" ".join(line.split()) for line in layouts[0].truth.splitlines()]
    assert [line.text for line in document.pages[0].lines] == truth
    regions = [line.region for line in document.pages[0].lines[:6]]
    assert regions == ["header-left"] * 3 + ["header-right"] * 3


@pytest.mark.slow
def test_layer_holding_only_an_e_signature_stamp_goes_to_ocr(stamped_scan: Path, layouts) -> None:
    with pdfplumber.open(stamped_scan) as pdf:
        assert pdf.pages[0].extract_text().strip() == STAMP
    document = _read(stamped_scan)
    page = document.pages[0]
    assert page.method is TextMethod.OCR
    assert cer(layouts[0].truth, page.text) < 0.02
    assert "16:42:26" not in page.text
    assert all(0.0 <= w.confidence <= 1.0 and w.bbox for line in page.lines for w in line.words)
    assert page.lines[0].region == "header-left" and page.lines[0].text == "ỦY BAN NHÂN DÂN"


@pytest.mark.slow
def test_ocr_timeout_is_a_page_warning_and_the_document_goes_on(tmp_path: Path, layouts) -> None:
    image = render_layout(layouts[0])
    path = save_scanned_pdf([image, image], tmp_path / "scan.pdf")
    settings = PipelineSettings(limits=Limits(ocr_seconds_per_page=0.01))
    document = _read(path, settings)
    assert len(document.pages) == 2
    assert all(page.lines == () for page in document.pages)
    assert all("ocr-timeout" in page.warnings[0] for page in document.pages)


def test_plain_text_is_read_as_is_blank_lines_kept(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_bytes("KẾ HOẠCH\r\n\r\nPang bd Viét Nam\n".encode())
    document = _read(path)
    assert document.source.kind is SourceKind.TEXT
    assert [line.text for line in document.pages[0].lines] == ["KẾ HOẠCH", "", "Pang bd Viét Nam"]
    assert document.pages[0].method is TextMethod.PLAIN


def test_plain_text_is_nfc(tmp_path: Path) -> None:
    path = tmp_path / "nfd.txt"
    path.write_text("Ke\u0302\u0301 hoa\u0323ch", "utf-8")  # decomposed "Kế hoạch"
    assert _read(path).text == "Kế hoạch"


def test_bytes_in_no_known_encoding_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "binaryish.txt"
    path.write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 20)
    with pytest.raises(KehoachError) as caught:
        _read(path)
    assert caught.value.code in (ErrorCode.ENCODING, ErrorCode.UNSUPPORTED)


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(KehoachError) as caught:
        _read(path)
    assert caught.value.code is ErrorCode.CORRUPT
    assert caught.value.path == str(path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(72, 720, "Ke hoach")
    pdf.save()
    with pytest.raises(KehoachError) as caught:
        _read(path)
    assert caught.value.code is ErrorCode.ENCRYPTED


def test_page_and_pixel_limits_refuse_before_reading(born_digital: Path, tmp_path: Path) -> None:
    two_pages = save_text_pdf(layout_document(BODY * 8, HEADER), tmp_path / "long.pdf")
    with pytest.raises(KehoachError) as caught:
        _read(two_pages, PipelineSettings(limits=Limits(max_pages=1)))
    assert caught.value.code is ErrorCode.TOO_MANY_PAGES
    with pytest.raises(KehoachError) as caught:
        _read(born_digital, PipelineSettings(limits=Limits(max_pixels=1_000_000)))
    assert caught.value.code is ErrorCode.TOO_MANY_PIXELS


def test_image_over_the_pixel_limit(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    Image.new("L", (2000, 1000), 255).save(path)
    with pytest.raises(KehoachError) as caught:
        _read(path, PipelineSettings(limits=Limits(max_pixels=1_000_000)))
    assert caught.value.code is ErrorCode.TOO_MANY_PIXELS


def _page(no: int, texts: list[str], height: float = 1000.0) -> PageText:
    step = height / (len(texts) + 1)
    lines = tuple(
        Line(text=t, bbox=BBox(x0=100, y0=i * step + 5, x1=500, y1=i * step + 30))
        for i, t in enumerate(texts)
    )
    return PageText(page_no=no, lines=lines, method=TextMethod.OCR, width=800, height=height)


def test_tidy_drops_page_numbers_and_running_headers() -> None:
    pages = [
        _page(1, ["KẾ HOẠCH", "Nội dung trang một", "Kế hoạch số 12/KH-UBND"]),
        _page(2, ["2", "Nội dung trang hai", "Kế hoạch số 12/KH-UBND"]),
        _page(3, ["- 3 -", "Nội dung trang ba", "Kế hoạch số 12/KH-UBND"]),
    ]
    tidy = tidy_pages(pages)
    assert [page.text for page in tidy] == [
        "KẾ HOẠCH\nNội dung trang một",
        "Nội dung trang hai",
        "Nội dung trang ba",
    ]


def test_row_number_at_the_left_margin_of_a_page_end_is_kept() -> None:
    """A table's "STT" cell that reaches the page's bottom is content, not a page number."""
    body = Line(text="Nội dung", bbox=BBox(x0=100, y0=500, x1=700, y1=530))
    row_number = Line(text="7", bbox=BBox(x0=100, y0=950, x1=115, y1=980))
    centred = Line(text="8", bbox=BBox(x0=395, y0=950, x1=410, y1=980))
    pages = [
        PageText(
            page_no=1,
            lines=(body, row_number),
            method=TextMethod.TEXT_LAYER,
            width=800,
            height=1000,
        ),
        PageText(
            page_no=2, lines=(body, centred), method=TextMethod.TEXT_LAYER, width=800, height=1000
        ),
    ]
    assert [page.text for page in tidy_pages(pages)] == ["Nội dung\n7", "Nội dung"]


def test_hyphenation_across_lines_is_repaired_and_lines_kept() -> None:
    lines = (Line(text="truy cập Inter-"), Line(text="net tại xã"), Line(text="năm 2021 -"))
    repaired = repair_hyphenation((*lines, Line(text="2025 và")))
    assert [line.text for line in repaired] == [
        "truy cập Internet",
        "tại xã",
        "năm 2021 -",
        "2025 và",
    ]


def test_cli_text_prints_the_text_of_a_generated_pdf(born_digital: Path) -> None:
    command = Path(sys.executable).parent / "kehoach"
    if not command.exists():
        pytest.skip("the kehoach console command is not installed beside this Python")
    done = subprocess.run(
        [str(command), "text", str(born_digital)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines


def test_cli_text_json_has_words_with_boxes(born_digital: Path) -> None:
    import json

    from typer.testing import CliRunner

    from kehoach.cli import app

    result = CliRunner().invoke(app, ["text", "--json", str(born_digital)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    words = [w for page in data["pages"] for line in page["lines"] for w in line["words"]]
    assert words and all(w["bbox"] is not None for w in words)
    assert any(w["text"] == "HOẠCH" for w in words)


def test_cli_text_reports_a_missing_file() -> None:
    from typer.testing import CliRunner

    from kehoach.cli import app

    result = CliRunner().invoke(app, ["text", "/nonexistent/plan.pdf"])
    assert result.exit_code != 0
