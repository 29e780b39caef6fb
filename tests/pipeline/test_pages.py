"""pipeline.text page by page: count without reading, read one page, assemble the document."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import identify
from pipeline.text import assemble_text, extract_text, page_count, read_page
from schemas import (
    ErrorCode,
    KehoachError,
    Limits,
    Line,
    PageText,
    PipelineSettings,
    SourceDocument,
    SourceKind,
    TextMethod,
)
from tests.support import two_frame_tiff, untimed, write_scan

SETTINGS = PipelineSettings()


@pytest.mark.slow
def test_extract_text_is_the_assembly_of_its_pages_read_one_by_one(tmp_path: Path) -> None:
    source = identify(write_scan(tmp_path / "scan.pdf"), SETTINGS.limits)

    pages = [read_page(source, SETTINGS, index) for index in range(page_count(source, SETTINGS))]
    assembled = assemble_text(source, pages)

    assert [(page.page_no, page.method) for page in pages] == [
        (1, TextMethod.OCR),
        (2, TextMethod.OCR),
    ]
    assert untimed(assembled) == untimed(extract_text(source, SETTINGS))


def _numbered_page(number: int) -> PageText:
    lines = (Line(text=str(number)), Line(text=f"Nội dung trang {number}"))
    return PageText(page_no=number, lines=lines, method=TextMethod.OCR)


@pytest.mark.parametrize(("kind", "first_lines"), [("pdf", ["Nội dung trang 2"]), ("text", ["2"])])
def test_assembly_tidies_printed_pages_and_keeps_plain_text_as_written(
    kind: str, first_lines: list[str]
) -> None:
    source = SourceDocument(
        path=Path(f"/in/plan.{kind}"), sha256="0" * 64, kind=SourceKind(kind), size_bytes=1
    )
    pages = [_numbered_page(1), _numbered_page(2)]
    document = assemble_text(source, pages)
    assert [page.lines[0].text for page in document.pages[1:]] == first_lines
    assert document.source == source


def test_page_count_refuses_over_the_limits_without_reading(tmp_path: Path) -> None:
    source = identify(two_frame_tiff(tmp_path / "two.tiff"), SETTINGS.limits)
    assert page_count(source, SETTINGS) == 2
    with pytest.raises(KehoachError) as caught:
        page_count(source, PipelineSettings(limits=Limits(max_pages=1)))
    assert caught.value.code is ErrorCode.TOO_MANY_PAGES
    with pytest.raises(KehoachError) as caught:
        page_count(source, PipelineSettings(limits=Limits(max_pixels=100_000)))
    assert caught.value.code is ErrorCode.TOO_MANY_PIXELS
    assert caught.value.path == str(source.path)


def test_each_frame_of_a_multi_page_image_is_a_page(tmp_path: Path) -> None:
    source = identify(two_frame_tiff(tmp_path / "two.tiff"), SETTINGS.limits)
    second = read_page(source, SETTINGS, 1)
    assert (second.page_no, second.method, second.width) == (2, TextMethod.OCR, 800)
    with pytest.raises(IndexError):
        read_page(source, SETTINGS, 2)


def test_a_broken_page_fails_alone_naming_the_file(tmp_path: Path) -> None:
    source = identify(two_frame_tiff(tmp_path / "cut.tiff", cut_second=True), SETTINGS.limits)
    assert page_count(source, SETTINGS) == 2  # the frame's header is whole, its pixels are not
    assert read_page(source, SETTINGS, 0).page_no == 1
    with pytest.raises(KehoachError) as caught:
        read_page(source, SETTINGS, 1)
    assert caught.value.code is ErrorCode.CORRUPT
    assert caught.value.path == str(source.path)
