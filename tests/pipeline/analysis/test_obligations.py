"""`kehoach obligations`: obligations per agency, fuzzy agency filter, iCalendar export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractors.obligations import canonical_agency
from kehoach.cli import app
from pipeline.analysis.obligations import (
    agency_matches,
    due_date,
    ics_calendar,
    ics_fold,
    obligations_json,
    query_obligations,
    write_ics,
)
from tests.support import dataset_of, gold_documents, small_document


@pytest.mark.parametrize(
    ("query", "name", "expected"),
    [
        ("Công an tỉnh", "Công an tỉnh", True),
        ("Công an tỉnh", "công an tỉnh:", True),
        ("Công an tỉnh", "Công an tỉnh (Phòng Công tác Chính trị)", True),
        ("cong an tinh", "Công an tỉnh", True),
        ("Công an tỉnh", "Công an xã", False),
        ("Công an tỉnh", "Ủy ban nhân dân tỉnh", False),
        ("Công an tỉnh", "Sở Nội vụ", False),
        ("UBND các xã, phường", "Ủy ban nhân dân các xã, phường", True),
    ],
)
def test_agency_matching(query: str, name: str, expected: bool) -> None:
    assert agency_matches(query, name) is expected


def test_canonical_agency_names() -> None:
    assert canonical_agency("UBND các xã, phường:") == "Ủy ban nhân dân các xã, phường"
    assert canonical_agency("Công an tỉnh (Phòng Công tác Chính trị)") == "Công an tỉnh"


@pytest.mark.parametrize(
    ("normalized", "expected"),
    [
        ("2025-10-25", (date(2025, 10, 25), False)),
        ("--11-15", (date(2026, 11, 15), True)),
        ("2025-Q4", (date(2025, 12, 31), False)),
        ("2026-Q1", (date(2026, 3, 31), False)),
        ("2026-02", (date(2026, 2, 28), False)),
        ("--11", (date(2026, 11, 30), True)),
        ("2026-01-??", None),
        (None, None),
        ("--02-30", None),
    ],
)
def test_due_dates(normalized: str | None, expected) -> None:
    assert due_date(normalized, 2026) == expected


def test_deadlines_follow_the_agencies_they_bind(tmp_path: Path) -> None:
    db = dataset_of(tmp_path, [small_document("Khánh Hòa"), small_document("Phú Yên", "20/11")])
    found = query_obligations(db)
    dated = {(o.province, o.agency): o.deadline.date for o in found if o.deadline}
    assert dated == {
        ("Khánh Hòa", "Các sở, ban, ngành"): "--11-15",
        ("Phú Yên", "Các sở, ban, ngành"): "--11-20",
        ("Khánh Hòa", "Sở Nội vụ"): "2026-Q4",
        ("Phú Yên", "Sở Nội vụ"): "2026-Q4",
    }
    only = query_obligations(db, agency="cong an tinh", province="phu yen")
    assert [(o.province, o.role) for o in only] == [("Phú Yên", "lead")]
    assert only[0].provenance is not None and only[0].provenance.line_start == 11


def test_cong_an_tinh_across_the_gold_plans(tmp_path: Path, shared_dir: Path) -> None:
    documents = gold_documents(shared_dir)
    db = dataset_of(tmp_path, documents)
    payload = obligations_json(query_obligations(db, agency="Công an tỉnh"))
    expected = {
        d.source.sha256: sum(len(a.tasks) for a in d.plan.assignments if a.agency == "Công an tỉnh")
        for d in documents
    }
    expected = {sha: n for sha, n in expected.items() if n}
    [group] = payload["agencies"]
    found: dict[str, int] = {}
    for obligation in group["obligations"]:
        found[obligation["document"]["sha256"]] = found.get(obligation["document"]["sha256"], 0) + 1
    roles = [(o["document"]["province"], o["role"]) for o in group["obligations"]]
    print("Công an tỉnh across the gold plans:", group["count"], roles)
    assert group["agency"] == "Công an tỉnh"
    assert found == expected and len(found) >= 2
    assert {o["role"] for o in group["obligations"]} == {"lead", "coordinate"}


def test_ics_is_valid_icalendar(tmp_path: Path) -> None:
    db = dataset_of(tmp_path, [small_document("Khánh Hòa")])
    found = query_obligations(db)
    text = ics_calendar(found, year=2026)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:  # unfold (RFC 5545 §3.1)
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in logical and any(line.startswith("PRODID:") for line in logical)
    events = [i for i, line in enumerate(logical) if line == "BEGIN:VEVENT"]
    assert len(events) == 2 == logical.count("END:VEVENT")  # Công an tỉnh's task has no date
    for start in events:
        block = logical[start : logical.index("END:VEVENT", start)]
        keys = {line.split(":", 1)[0].split(";", 1)[0] for line in block}
        assert {"UID", "DTSTAMP", "DTSTART", "SUMMARY"} <= keys
    assert "DTSTART;VALUE=DATE:20261115" in logical
    assert logical[logical.index("DTSTART;VALUE=DATE:20261115") + 1] == "RRULE:FREQ=YEARLY"
    assert "DTSTART;VALUE=DATE:20261231" in logical  # quý IV năm 2026
    summary = next(line for line in logical if line.startswith("SUMMARY:Các sở"))
    assert summary.startswith("SUMMARY:Các sở\\, ban\\, ngành: ")
    assert write_ics(found, tmp_path / "out" / "cal.ics") == 2


def test_fold_never_splits_a_character() -> None:
    line = "SUMMARY:" + "Ủy ban nhân dân tỉnh " * 10
    folded = ics_fold(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))


def test_cli_obligations_with_ics(tmp_path: Path) -> None:
    db = dataset_of(tmp_path, [small_document("Khánh Hòa"), small_document("Phú Yên")])
    ics = tmp_path / "cong-an.ics"
    result = CliRunner().invoke(
        app, ["obligations", "--db", str(db), "--agency", "Sở Nội vụ", "--ics", str(ics)]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [g["agency"] for g in payload["agencies"]] == ["Sở Nội vụ"]
    assert payload["agencies"][0]["documents"] == 2
    assert payload["agencies"][0]["obligations"][0]["deadline"]["due"] == "2026-12-31"
    assert ics.read_text(encoding="utf-8").count("BEGIN:VEVENT") == 2


def test_plan_obligations_add_duties_named_only_by_a_deadline() -> None:
    from extractors.obligations import plan_obligations
    from schemas import Deadline
    from tests.support import small_plan

    plan = small_plan()
    owed = Deadline(
        text="trước ngày 05/12/2026",
        date="2026-12-05",
        action="gửi báo cáo tổng kết",
        agency="Sở Tài chính, Sở Nội vụ",
    )
    plan = plan.model_copy(update={"deadlines": (*plan.deadlines, owed)})
    found = plan_obligations(plan, "ab" * 32)
    by_agency = {(o.agency, o.deadline.date if o.deadline else None) for o in found}
    assert ("Công an tỉnh", None) in by_agency
    assert ("Các sở, ban, ngành", "--11-15") in by_agency
    assert ("Sở Nội vụ", "2026-12-05") in by_agency  # named with another agency in one deadline
    assert ("Sở Tài chính, Sở Nội vụ", "2026-12-05") not in by_agency
