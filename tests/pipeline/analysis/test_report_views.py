"""The report as a reader uses it: one heat-map row per province, the original file linked, and
deadlines on the day the one due-date rule gives (the same as the calendar file)."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.analysis.obligations import document_issue_days, ics_calendar, query_obligations
from pipeline.analysis.report import write_report
from tests.support import dataset_of, small_document


def test_heat_map_has_one_row_per_province_sorted(tmp_path: Path) -> None:
    documents = [
        small_document("Phú Yên"),
        small_document("Bình Định"),
        small_document("Phú Yên", "20/11"),
        small_document("Đắk Lắk"),
    ]
    html = write_report(dataset_of(tmp_path, documents), tmp_path / "r.html").read_text("utf-8")
    chart = html[html.index('id="matrix"') :]
    chart = chart[: chart.index("</svg>")]
    labels = re.findall(r'text-anchor="end" fill="#1f4e79">([^<]+)<', chart)
    assert labels == ["Bình Định", "Đắk Lắk", "Phú Yên"]  # the two Phú Yên: one work, one row


def test_report_names_and_links_the_original_file(tmp_path: Path) -> None:
    db = dataset_of(tmp_path, [small_document("Khánh Hòa")])
    html = write_report(db, tmp_path / "r.html").read_text("utf-8")
    name = Path(small_document("Khánh Hòa").source.path).name
    assert f'<span class="file">{name}</span>' in html


def test_report_and_calendar_give_a_yearly_deadline_the_same_day(tmp_path: Path) -> None:
    db = dataset_of(tmp_path, [small_document("Khánh Hòa")])  # issued 2026-02-03, "15/11" yearly
    html = write_report(db, tmp_path / "r.html").read_text("utf-8")
    table = html[html.index('id="deadlines"') :]
    assert "<td>2026-11-15</td>" in table
    calendar = ics_calendar(query_obligations(db), issued=document_issue_days(db))
    assert "DTSTART;VALUE=DATE:20261115" in calendar
