"""Titles in the report: the stored trích yếu without the OCR debris real scans put at its ends,
checked on the extraction of corpus scans and as headless Chromium renders the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.analysis.labels import display_title
from pipeline.analysis.report import write_report
from schemas import ProcessedDocument
from tests.pipeline.analysis.test_report import needs_chromium, rendered
from tests.support import dataset_of, small_document

# doc.title as `kehoach extract` gave it for scans of ../shared/corpus/scans (2026-12-03; none
# of bench/heldout.py's held-out scans)
SCANNED_TITLES = {
    "lamdong-17026-baocao-de-an-06.pdf": (
        "Đà như) ban hành Báo cáo kết quá triển khai Đề án 06 tháng 10/2025 và nhiệm vụ thực "
        "hiện thời gian tới :3.3.=10¬.202%..",
        "Ban hành Báo cáo kết quá triển khai Đề án 06 tháng 10/2025 và nhiệm vụ thực hiện thời "
        "gian tới",
    ),
    "lamdong-cat-03-bcdx-pc04.pdf": (
        "(V/v Phê duyệt thời gian tổ chức Hội nghị công bồ xã, phường, đặc khu không ma túy)",
        "Phê duyệt thời gian tổ chức Hội nghị công bồ xã, phường, đặc khu không ma túy",
    ),
    "quangngai-575-ubnd-congvan-2025.pdf": (
        "tham gia ý kiến các dự thảo Nghị định của Chính phủ",
        "Tham gia ý kiến các dự thảo Nghị định của Chính phủ",
    ),
}
CLEAN_TITLES = (
    "Về việc công nhận địa bàn trọng điểm, phức tạp về trật tự, an toàn xã hội chuyển hóa đạt "
    "năm 2024",
    "Kiểm tra công tác cải cách hành chính năm 2026 trên địa bàn tỉnh Lâm Đồng",
    "Phát động phong trào thi đua “Toàn dân bảo vệ an ninh Tổ quốc” (2025)",
    "Giao chỉ tiêu đạt 100% năm 2025",
)


@pytest.mark.parametrize("name", SCANNED_TITLES)
def test_debris_at_the_ends_of_a_scanned_title_is_cut(name: str) -> None:
    stored, shown = SCANNED_TITLES[name]
    assert display_title(stored) == shown


@pytest.mark.parametrize("title", CLEAN_TITLES)
def test_a_clean_title_is_shown_as_stored(title: str) -> None:
    assert display_title(title) == title


def _titled(document: ProcessedDocument, title: str) -> ProcessedDocument:
    doc = document.plan.doc.model_copy(update={"title": title})
    return document.model_copy(update={"plan": document.plan.model_copy(update={"doc": doc})})


@needs_chromium
@pytest.mark.slow
def test_the_report_shows_scanned_titles_without_debris(tmp_path: Path) -> None:
    stored, shown = SCANNED_TITLES["lamdong-17026-baocao-de-an-06.pdf"]
    db = dataset_of(tmp_path, [_titled(small_document("Lâm Đồng"), stored)])
    body, dom, _ = rendered(write_report(db, tmp_path / "report.html"), tmp_path)
    assert body["data-rendered"] == "1"
    assert shown in dom
    assert "¬" not in dom and "Đà như)" not in dom


@needs_chromium
@pytest.mark.slow
@pytest.mark.shared
def test_a_real_scan_reaches_the_report_with_a_clean_title(
    tmp_path: Path, shared_dir: Path
) -> None:
    from pipeline.process import process_file

    scan = shared_dir / "corpus" / "scans" / "lamdong-17026-baocao-de-an-06.pdf"
    document = process_file(scan)
    db = dataset_of(tmp_path, [document])
    body, dom, _ = rendered(write_report(db, tmp_path / "report.html"), tmp_path)
    assert body["data-documents"] == "1"
    assert "Báo cáo kết quá triển khai Đề án 06" in dom or "Báo cáo kết quả triển khai" in dom
    listed = dom.split("<details")[0]  # the documents' rows, before the texts themselves
    assert "¬" not in listed and "Đà như)" not in listed
