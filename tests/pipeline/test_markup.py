"""Word files (.docx) and saved portal pages (.html): identified by content, read as lines, and
through `kehoach text` / `kehoach extract` to the header and the tree of a decree."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from typer.testing import CliRunner

from kehoach import DATA_DIR
from kehoach.cli import app
from pipeline.ingest import detect_kind, identify
from pipeline.process import read_text
from pipeline.table_text import row_lines
from schemas import ErrorCode, KehoachError, Limits, PipelineSettings, SourceKind

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# a list whose level 0 prints "1." and level 1 "a)", as decrees number khoản and điểm
DECREE_LIST = f"""<w:abstractNum {W_NS} w:abstractNumId="90">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>
<w:lvlText w:val="%2)"/></w:lvl>
</w:abstractNum>"""
DECREE_NUM = f'<w:num {W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'

BODY = [
    "NGHỊ ĐỊNH",
    "Quy định về quản lý hoạt động thử nghiệm",
    "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
    "Chính phủ ban hành Nghị định quy định về quản lý hoạt động thử nghiệm.",
    "Chương I",
    "QUY ĐỊNH CHUNG",
    "Điều 1. Phạm vi điều chỉnh",
    "Nghị định này quy định về quản lý hoạt động thử nghiệm sản phẩm, hàng hóa.",
    "Chương II",
    "QUẢN LÝ HOẠT ĐỘNG THỬ NGHIỆM",
    "Điều 5. Trách nhiệm của tổ chức thử nghiệm",
]
KHOAN = [
    (0, "Thực hiện thử nghiệm theo đúng quy trình đã đăng ký."),
    (0, "Báo cáo định kỳ về hoạt động thử nghiệm như sau:"),
    (1, "Báo cáo sáu tháng trước ngày 15 tháng 6 hằng năm;"),
    (1, "Báo cáo năm trước ngày 15 tháng 12 hằng năm."),
    (0, "Lưu trữ hồ sơ thử nghiệm trong thời hạn 05 năm."),
]
CLOSING = ["Điều 6. Hiệu lực thi hành", "Nghị định này có hiệu lực từ ngày 01 tháng 6 năm 2024."]


def _numbered(document: docx.document.Document, text: str, level: int, num: int = 90) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>')
    )


def _with_decree_list(document: docx.document.Document, *lists: str) -> None:
    """The decree's list definition and the lists (``w:num``) numbered by it."""
    numbering = document.part.numbering_part.element
    first_num = numbering.find(f"{{{numbering.nsmap['w']}}}num")
    if first_num is not None:
        first_num.addprevious(parse_xml(DECREE_LIST))
    else:
        numbering.append(parse_xml(DECREE_LIST))
    for num in lists:
        numbering.append(parse_xml(num))


def write_decree_docx(path: Path) -> Path:
    """A decree as Word writes it: the header a two-column table (rules typed as dashes),
    khoản and điểm numbered by Word's automatic list, signer and "Nơi nhận" side by side."""
    document = docx.Document()
    _with_decree_list(document, DECREE_NUM)
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "CHÍNH PHỦ"
    header.cell(0, 0).add_paragraph("-------")
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    header.cell(0, 1).add_paragraph("Độc lập - Tự do - Hạnh phúc")
    header.cell(0, 1).add_paragraph("---------------")
    header.cell(1, 0).text = "Số: 45/2024/NĐ-CP"
    header.cell(1, 1).text = "Hà Nội, ngày 15 tháng 4 năm 2024"
    for line in BODY:
        document.add_paragraph(line)
    for level, text in KHOAN:
        _numbered(document, text, level)
    for line in CLOSING:
        document.add_paragraph(line)
    closing = document.add_table(rows=1, cols=2)
    closing.cell(0, 0).text = "Nơi nhận:"
    closing.cell(0, 0).add_paragraph("- Các bộ, cơ quan ngang bộ;")
    closing.cell(0, 0).add_paragraph("- Lưu: VT, KGVX.")
    closing.cell(0, 1).text = "TM. CHÍNH PHỦ"
    closing.cell(0, 1).add_paragraph("THỦ TƯỚNG")
    closing.cell(0, 1).add_paragraph("Nguyễn Văn A")
    document.save(str(path))
    return path


PORTAL_PAGE = """<!DOCTYPE html>
<!-- saved from url=(0070)https://thuvienphapluat.vn/van-ban/Nghi-dinh-45-2024-ND-CP.aspx -->
<html><head><meta charset="{charset}"><title>Nghị định 45/2024/NĐ-CP</title>
<style>.content1 {{ font-size: 12pt }}</style>
<script>var fake = "<p>Điều 99. Không phải văn bản</p>";</script></head>
<body>
<div id="header"><ul class="main-menu"><li><a href="/">Trang chủ</a><li>Văn bản mới</ul></div>
<nav class="breadcrumb">Trang chủ &gt; Văn bản pháp luật</nav>
<div class="docTitle"><h1>NGHỊ ĐỊNH SỐ 45/2024/NĐ-CP QUY ĐỊNH VỀ QUẢN LÝ THỬ NGHIỆM</h1>
<span>Còn hiệu lực</span></div>
<div class="content1">
<table width="100%"><tr>
<td><p align="center"><b>CHÍNH PHỦ<br>-------</b></p></td>
<td><p align="center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc
<br>---------------</b></p></td></tr>
<tr><td><p align="center">Số: 45/2024/NĐ-CP</p></td>
<td><p align="right"><i>Hà Nội, ngày 15 tháng 4 năm 2024</i></p></td></tr></table>
<p align="center"><b>NGHỊ ĐỊNH</b></p>
<p align="center"><b>QUY ĐỊNH VỀ QUẢN LÝ HOẠT ĐỘNG THỬ NGHIỆM</b></p>
<p><i>Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;</i>
<p><i>Chính phủ ban hành Nghị định quy định về quản lý hoạt động thử nghiệm.</i>
<p align="center"><b>Chương I</b></p><p align="center"><b>QUY ĐỊNH CHUNG</b></p>
<p><b>Điều 1. Phạm vi điều chỉnh</b></p>
<p>Nghị định này quy định về quản lý hoạt động thử nghiệm sản phẩm, hàng h&oacute;a.</p>
<p align="center"><b>Chương II</b></p><p align="center"><b>QUẢN LÝ HOẠT ĐỘNG THỬ NGHIỆM</b></p>
<p><b>Đi</b><b>ều 5. Trách nhiệm của tổ chức thử nghiệm</b></p>
<p>1. Thực hiện thử nghiệm theo đúng quy trình đã đăng ký.</p>
<p>2. Báo cáo định kỳ về hoạt động thử nghiệm như sau:</p>
<p>a) Báo cáo sáu tháng trước ngày 15 tháng 6 hằng năm;</p>
<p>b) Báo cáo năm trước ngày 15 tháng 12 hằng năm.</p>
<div style="display:none">Điều 77. Đoạn ẩn</div>
<table><tr><td><p><b><i>Nơi nhận:</i></b><br>- Các bộ, cơ quan ngang bộ;<br>- Lưu: VT.</p></td>
<td><p align="center"><b>TM. CHÍNH PHỦ<br>THỦ TƯỚNG<br><br>Nguyễn Văn A</b></p></td></tr></table>
<div id="divThuocTinh"><table>
<tr><td>Số hiệu:</td><td>45/2024/NĐ-CP</td><td>Loại văn bản:</td><td>Nghị định</td></tr>
<tr><td>Nơi ban hành:</td><td>Chính phủ</td><td>Người ký:</td><td>Nguyễn Văn A</td></tr>
<tr><td>Ngày ban hành:</td><td>15/04/2024</td><td>Ngày hiệu lực:</td><td>01/06/2024</td></tr>
</table></div>
</div>
<footer>© Thư viện pháp luật. Điều khoản sử dụng</footer>
<div class="footer-links">Liên hệ quảng cáo</div>
</body></html>
"""


def _cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes Vietnamese: a letter it has, then the tone as a combining
    mark ("ị" = "i" + U+0323), which is why such text is decomposed until read."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = next(mark for mark in parts if mark in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", parts.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def write_portal_page(path: Path, charset: str = "utf-8") -> Path:
    page = PORTAL_PAGE.format(charset=charset)
    path.write_bytes(_cp1258(page) if charset == "windows-1258" else page.encode(charset))
    return path


# The decree both files hold (the Word file, the portal's page): its header as read, in the
# corpus's pipe convention, and its identity as extracted.
DECREE_HEADER_ROWS = [
    "| CHÍNH PHỦ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |",
    "|  | Độc lập - Tự do - Hạnh phúc |",
    "| Số: 45/2024/NĐ-CP | Hà Nội, ngày 15 tháng 4 năm 2024 |",
]
DECREE_IDENTITY = ("Nghị định", "45/2024/NĐ-CP", "2024-04-15")


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _paths(plan: dict) -> list[str]:
    return [node["path"] for node in plan["nodes"]]


# --------------------------------------------------------------------------- identification


def test_word_files_and_web_pages_are_told_by_their_content(tmp_path: Path) -> None:
    page = write_portal_page(tmp_path / "saved.txt")  # the name says text; the bytes say HTML
    word = write_decree_docx(tmp_path / "nghi-dinh.bin")
    assert identify(page, Limits()).kind is SourceKind.HTML
    assert identify(word, Limits()).kind is SourceKind.DOCX
    assert detect_kind(b"<Kh\xc3\xb4ng> ph\xe1\xba\xa3i trang web")[0] is SourceKind.TEXT
    assert detect_kind(b"PK\x03\x04" + b"\x00" * 26 + b"xl/workbook.xml") is None


# --------------------------------------------------------------------------- Word


def test_a_word_decree_reads_with_its_header_table_and_list_numbers(tmp_path: Path) -> None:
    path = write_decree_docx(tmp_path / "nghi-dinh.docx")
    lines = _cli("text", str(path)).splitlines()
    print("\n".join(lines))
    assert lines[:3] == DECREE_HEADER_ROWS
    assert lines[14:19] == [
        "1. Thực hiện thử nghiệm theo đúng quy trình đã đăng ký.",
        "2. Báo cáo định kỳ về hoạt động thử nghiệm như sau:",
        "a) Báo cáo sáu tháng trước ngày 15 tháng 6 hằng năm;",
        "b) Báo cáo năm trước ngày 15 tháng 12 hằng năm.",
        "3. Lưu trữ hồ sơ thử nghiệm trong thời hạn 05 năm.",
    ]
    assert lines[-1] == "| - Lưu: VT, KGVX. | Nguyễn Văn A |"


def test_a_word_decree_extracts_its_header_and_articles(tmp_path: Path) -> None:
    path = write_decree_docx(tmp_path / "nghi-dinh.docx")
    plan = json.loads(_cli("extract", str(path)))
    doc = plan["doc"]
    assert (doc["doc_type"], doc["number"], doc["issue_date"]) == DECREE_IDENTITY
    assert doc["issuer"] == "Chính phủ" and doc["signer"]["name"] == "Nguyễn Văn A"
    paths = _paths(plan)
    assert "Chương II > Điều 5 > khoản 2 > điểm a" in paths
    assert [p for p in paths if p.count(">") == 1] == [
        "Chương I > Điều 1",
        "Chương II > Điều 5",
        "Chương II > Điều 6",
    ]


def test_merged_cells_are_read_once_and_breaks_start_lines(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Sở Tài chính"
    table.cell(0, 1).text = "Lập dự toán"
    table.cell(1, 1).text = "Quý IV năm 2026"
    document.add_paragraph().add_run("Dòng một").add_break()
    document.paragraphs[-1].add_run("dòng hai")
    path = tmp_path / "bang.docx"
    document.save(str(path))
    lines = read_text(path, PipelineSettings()).text.splitlines()
    assert lines == ["| Sở Tài chính | Lập dự toán |", "Quý IV năm 2026", "Dòng một", "dòng hai"]


def test_a_broken_word_file_is_refused_naming_the_file_and_reason(tmp_path: Path) -> None:
    whole = write_decree_docx(tmp_path / "whole.docx").read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(KehoachError) as caught:
        read_text(cut, PipelineSettings())
    assert caught.value.code is ErrorCode.CORRUPT
    assert "broken Word file" in caught.value.reason and caught.value.path == str(cut)
    print(caught.value.reason)


# --------------------------------------------------------------------------- web pages


def test_a_portal_page_reads_as_the_document_without_the_site(tmp_path: Path) -> None:
    path = write_portal_page(tmp_path / "nghi-dinh.html")
    text = _cli("text", str(path))
    lines = text.splitlines()
    print(text)
    assert lines[:3] == DECREE_HEADER_ROWS
    assert "Điều 5. Trách nhiệm của tổ chức thử nghiệm" in lines
    assert "a) Báo cáo sáu tháng trước ngày 15 tháng 6 hằng năm;" in lines
    assert "Nghị định này quy định về quản lý hoạt động thử nghiệm sản phẩm, hàng hóa." in lines
    for furniture in ("Trang chủ", "Điều 99", "Điều 77", "Liên hệ", "font-size", "Điều khoản"):
        assert furniture not in text
    assert lines[-9:-6] == [
        "| - Lưu: VT. | Nguyễn Văn A |",
        "NGHỊ ĐỊNH SỐ 45/2024/NĐ-CP QUY ĐỊNH VỀ QUẢN LÝ THỬ NGHIỆM",  # the page's title: after
        "Còn hiệu lực",
    ]
    assert lines[-6:] == [
        "Số hiệu: 45/2024/NĐ-CP",
        "Loại văn bản: Nghị định",
        "Nơi ban hành: Chính phủ",
        "Người ký: Nguyễn Văn A",
        "Ngày ban hành: 15/04/2024",
        "Ngày hiệu lực: 01/06/2024",
    ]


def test_a_portal_page_extracts_its_header_attributes_and_articles(tmp_path: Path) -> None:
    path = write_portal_page(tmp_path / "nghi-dinh.html")
    plan = json.loads(_cli("extract", str(path)))
    doc = plan["doc"]
    assert (doc["doc_type"], doc["number"], doc["issue_date"]) == DECREE_IDENTITY
    assert doc["title"] == "QUY ĐỊNH VỀ QUẢN LÝ HOẠT ĐỘNG THỬ NGHIỆM"
    assert doc["portal"]["number"] == "45/2024/NĐ-CP"
    assert doc["portal"]["effective_date"] == "2024-06-01"
    assert doc["portal"]["signer_name"] == "Nguyễn Văn A"
    assert "Chương II > Điều 5 > khoản 2 > điểm b" in _paths(plan)


def test_a_page_in_a_legacy_windows_encoding_comes_out_nfc(tmp_path: Path) -> None:
    path = write_portal_page(tmp_path / "cp1258.htm", charset="windows-1258")
    text = read_text(path, PipelineSettings()).text
    assert "Điều 5. Trách nhiệm của tổ chức thử nghiệm" in text.splitlines()


def test_reading_a_page_is_bounded_in_time(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    rows = "".join(f"<tr><td>{i}</td><td>Nhiệm vụ số {i}</td></tr>" for i in range(200_000))
    path.write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")
    settings = PipelineSettings(limits=Limits(read_seconds=0.2))
    with pytest.raises(KehoachError) as caught:
        read_text(path, settings)
    assert caught.value.code is ErrorCode.STAGE_TIMEOUT
    assert "--read-timeout" in caught.value.reason


def test_a_table_row_is_one_line_per_printed_line_of_its_cells() -> None:
    assert row_lines([["A", "B"], ["C"]]) == ["| A | C |", "| B |  |"]
    assert row_lines([["Trang chủ"], []]) == ["Trang chủ"]
    assert row_lines([["Số hiệu:"], ["45/2024/NĐ-CP"]]) == ["Số hiệu: 45/2024/NĐ-CP"]


def test_a_word_file_that_unpacks_past_the_byte_limit_is_refused(tmp_path: Path) -> None:
    path = write_decree_docx(tmp_path / "bomb.docx")
    settings = PipelineSettings(limits=Limits(max_bytes=path.stat().st_size + 1000))
    with pytest.raises(KehoachError) as caught:
        read_text(path, settings)
    assert caught.value.code is ErrorCode.TOO_LARGE
    assert "unpacks to" in caught.value.reason


def test_a_word_file_typed_in_tcvn3_comes_out_in_unicode(tmp_path: Path) -> None:
    table = json.loads((DATA_DIR / "encodings" / "legacy_vietnamese.json").read_text("utf-8"))
    inverse = {unicode: code for code, unicode in table["tcvn3"].items()}
    lines = [line for _, line in KHOAN] + BODY[2:4]
    document = docx.Document()
    for line in lines:  # what a .VnTime font stores: one Windows-1252 character per letter
        document.add_paragraph("".join(inverse.get(char, char) for char in line))
    path = tmp_path / "vntime.docx"
    document.save(str(path))
    assert read_text(path, PipelineSettings()).text.splitlines() == lines


def test_lists_of_one_definition_count_on_unless_one_restarts(tmp_path: Path) -> None:
    document = docx.Document()
    restart = (
        f'<w:num {W_NS} w:numId="92"><w:abstractNumId w:val="90"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    )
    _with_decree_list(document, DECREE_NUM, DECREE_NUM.replace('"90"><', '"91"><', 1), restart)
    for text, num in (("Một", 90), ("Hai", 90), ("Ba", 91), ("Lại một", 92), ("Lại hai", 92)):
        _numbered(document, text, 0, num)
    path = tmp_path / "lists.docx"
    document.save(str(path))
    lines = read_text(path, PipelineSettings()).text.splitlines()
    assert lines == ["1. Một", "2. Hai", "3. Ba", "1. Lại một", "2. Lại hai"]
