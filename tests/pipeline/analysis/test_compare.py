"""`kehoach compare`: a field side by side across plans, matching items aligned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kehoach.cli import app
from pipeline.analysis.compare import Item, align, compare_field, render_comparison
from schemas import Award, ErrorCode, KehoachError
from tests.support import dataset_of, gold_documents, small_document


def _variant():
    """Phú Yên's plan: the same award reworded, plus a Giấy khen Khánh Hòa does not give."""
    document = small_document("Phú Yên")
    awards = (
        Award(form="Bằng khen", grantor="Chủ tịch UBND tỉnh Phú Yên"),
        Award(form="Giấy khen", grantor="Giám đốc Công an tỉnh", category="annual"),
    )
    return document.model_copy(update={"plan": document.plan.model_copy(update={"awards": awards})})


def test_align_puts_matching_items_on_one_row() -> None:
    reference = [Item(text=t, match=t) for t in ("Tuyên truyền sâu rộng", "Khen thưởng kịp thời")]
    other = [
        Item(text=t, match=t)
        for t in ("Khen thưởng kịp thời, đúng người", "Kiểm tra định kỳ", "Tuyên truyền sâu rộng")
    ]
    assert align([reference, other]) == [[0, 2], [1, 0], [None, 1]]


def test_awards_side_by_side_against_the_reference(tmp_path: Path) -> None:
    db = dataset_of(tmp_path, [small_document("Khánh Hòa"), _variant()])
    table = compare_field(db, "awards", reference="Khánh Hòa")
    assert [d.province for d in table.documents] == ["Khánh Hòa", "Phú Yên"]
    statuses = [[cell.status for cell in row.cells] for row in table.rows]
    assert statuses == [["reference", "changed"], ["absent", "added"]]
    kept = table.rows[0].cells[1]
    assert kept.text == "Bằng khen — Chủ tịch UBND tỉnh Phú Yên" and kept.score is not None
    phu_yen = table.documents[1]
    assert (phu_yen.changed, phu_yen.added, phu_yen.dropped) == (1, 1, 0)


def test_default_reference_is_the_most_complete_plan(tmp_path: Path) -> None:
    db = dataset_of(tmp_path, [small_document("Khánh Hòa"), _variant()])
    table = compare_field(db, "awards")
    assert table.documents[0].province == "Phú Yên"  # two awards against one
    assert table.rows[1].cells[1].status == "dropped"  # Khánh Hòa gives no Giấy khen


def test_doc_filter_and_unknown_names(tmp_path: Path) -> None:
    db = dataset_of(
        tmp_path, [small_document("Khánh Hòa"), _variant(), small_document("Bình Định")]
    )
    table = compare_field(db, "assignments", documents=["Khánh Hòa", "Bình Định"])
    assert sorted(d.province for d in table.documents) == ["Bình Định", "Khánh Hòa"]
    assert all(cell.status in ("reference", "same") for row in table.rows for cell in row.cells)
    with pytest.raises(KehoachError) as unknown_field:
        compare_field(db, "colours")
    assert unknown_field.value.code == ErrorCode.USAGE
    with pytest.raises(KehoachError):
        compare_field(db, "awards", reference="Hà Giang")


def test_cli_usage_errors_exit_2_and_unreadable_files_3(tmp_path: Path) -> None:
    db = dataset_of(tmp_path, [small_document("Khánh Hòa")])
    misspelt = CliRunner().invoke(app, ["compare", "awrds", "--db", str(db)])
    assert misspelt.exit_code == 2, misspelt.output
    assert "awrds" in misspelt.stderr and "[usage]" in misspelt.stderr
    nothing = CliRunner().invoke(app, ["compare", "awards", "--db", str(db), "--doc", "Hà Giang"])
    assert nothing.exit_code == 2, nothing.output
    bad_option = CliRunner().invoke(app, ["compare", "awards", "--colour", "red"])
    assert bad_option.exit_code == 2
    missing = CliRunner().invoke(app, ["extract", str(tmp_path / "none.pdf")])
    assert missing.exit_code == 3 and "[not-found]" in missing.stderr


def test_gold_plans_criteria_and_deadlines(tmp_path: Path, shared_dir: Path) -> None:
    from rich.console import Console

    db = dataset_of(tmp_path, gold_documents(shared_dir))
    table = compare_field(db, "awards", reference="Đồng Tháp")
    hung_yen = next(d for d in table.documents if d.province == "Hưng Yên")
    print("awards vs Đồng Tháp:", [(d.label, d.kept, d.changed, d.dropped, d.added)
                                    for d in table.documents])  # fmt: skip
    # Hưng Yên keeps the final-review awards (Cờ thi đua, Huân chương, Bằng khen TTg ...).
    assert hung_yen.kept >= 4
    console = Console(record=True, width=160)
    render_comparison(compare_field(db, "deadlines"), console)
    printed = console.export_text()
    assert "Hưng Yên" in printed and "trước ngày 15/11 hàng năm" in printed


def test_cli_prints_json(tmp_path: Path) -> None:
    db = dataset_of(tmp_path, [small_document("Khánh Hòa"), _variant()])
    result = CliRunner().invoke(app, ["compare", "awards", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["field"] == "awards" and len(payload["documents"]) == 2
    shown = CliRunner().invoke(app, ["compare", "criteria", "--db", str(db)])
    assert shown.exit_code == 0 and "Phú Yên" in shown.stdout
