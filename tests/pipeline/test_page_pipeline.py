"""pipeline.page_pipeline: a file's pages loaded, read by Tesseract and finished side by side."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from pipeline.ingest import identify
from pipeline.page_pipeline import read_overlapped
from pipeline.paged_text import PageReader
from pipeline.text import open_pages
from schemas import ErrorCode, KehoachError, Line, PageText, PipelineSettings, TextMethod
from tests.support import write_scan

SETTINGS = PipelineSettings()


def _untimed(page: PageText) -> dict:
    return page.model_dump(exclude={"seconds"})


@pytest.mark.slow
def test_a_scan_read_as_a_pipeline_is_the_same_as_read_page_by_page(tmp_path: Path) -> None:
    source = identify(write_scan(tmp_path / "scan.pdf", pages=3), SETTINGS.limits)
    with open_pages(source, SETTINGS) as reader:
        one_by_one = [reader.read(index) for index in range(reader.count)]
    with open_pages(source, SETTINGS) as reader:
        overlapped = list(read_overlapped(reader))

    assert [page.page_no for page in overlapped] == [1, 2, 3]
    assert all(page.method is TextMethod.OCR and page.lines for page in overlapped)
    assert [_untimed(page) for page in overlapped] == [_untimed(page) for page in one_by_one]


class _RecordingReader:
    """A reader of text pages that records which thread loaded each page and how many pages
    were loaded and not yet handed out at any time."""

    def __init__(self, count: int, broken: int | None = None) -> None:
        self.count, self.broken = count, broken
        self.threads: list[str] = []
        self.pending = 0
        self.most_pending = 0
        self.lock = threading.Lock()

    def load(self, index: int) -> PageText:
        if index == self.broken:
            raise KehoachError(ErrorCode.CORRUPT, Path("/in/broken.pdf"), "broken page")
        with self.lock:
            self.threads.append(threading.current_thread().name)
            self.pending += 1
            self.most_pending = max(self.most_pending, self.pending)
        text = f"Trang {index + 1}"
        return PageText(page_no=index + 1, lines=(Line(text=text),), method=TextMethod.OCR)

    def pages(self) -> list[int]:
        reader = PageReader(self.count, lambda index: self.load(index), self.load)
        numbers = []
        for page in read_overlapped(reader):
            with self.lock:
                self.pending -= 1
            numbers.append(page.page_no)
        return numbers


def test_pages_come_out_in_order_loaded_in_a_thread_with_few_pages_ahead() -> None:
    reader = _RecordingReader(12)
    assert reader.pages() == list(range(1, 13))
    assert set(reader.threads) == {"kehoach-page_0"}  # the open file: one thread touches it
    # two loaded ahead, one in Tesseract, one finishing, one finished and not yet handed out
    assert reader.most_pending <= 5


def test_a_broken_page_stops_the_file_with_its_error() -> None:
    reader = _RecordingReader(5, broken=3)
    with pytest.raises(KehoachError) as caught:
        reader.pages()
    assert caught.value.code is ErrorCode.CORRUPT
