"""The one due-date rule, and the typed date columns it fills in DuckDB and Parquet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.storage.dates import due_span
from pipeline.storage.store import Dataset, export_parquet
from tests.support import dataset_of, small_document


@pytest.mark.parametrize(
    ("normalized", "expected"),
    [
        ("2025-10-25", (date(2025, 10, 25), False)),
        ("--11-15", (date(2026, 11, 15), True)),
        ("--01-31", (date(2027, 1, 31), True)),  # issued 2026-03-10: next January
        ("2025-Q4", (date(2025, 12, 31), False)),
        ("2026-Q1", (date(2026, 3, 31), False)),
        ("2026-02", (date(2026, 2, 28), False)),
        ("--11", (date(2026, 11, 30), True)),
        ("--02", (date(2027, 2, 28), True)),
        ("2026-01-??", (None, False)),
        (None, None),
        ("--02-30", None),
    ],
)
def test_one_due_date_rule(normalized: str | None, expected) -> None:
    span = due_span(normalized, date(2026, 3, 10))
    assert (span.due, span.yearly) == expected if expected else span is None


def test_partial_dates_keep_their_span() -> None:
    assert due_span("2026-??-??") == (None, date(2026, 1, 1), date(2026, 12, 31), False)
    assert due_span("2026-02-??") == (None, date(2026, 2, 1), date(2026, 2, 28), False)
    assert due_span("2026-Q1") == (date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31), False)


def test_dates_are_typed_in_duckdb_and_parquet(tmp_path: Path) -> None:
    db = dataset_of(tmp_path, [small_document("Khánh Hòa")])
    with Dataset(db, read_only=True) as dataset:
        types = {
            (row["table_name"], row["column_name"]): row["data_type"]
            for row in dataset.query(
                "SELECT table_name, column_name, data_type FROM duckdb_columns()"
            )
        }
        rows = dataset.query(
            "SELECT text, date, due, due_start, due_end, recurrence FROM deadlines "
            "WHERE due IS NOT NULL ORDER BY due"
        )
        issued = dataset.query("SELECT issue_date, issued FROM documents")
    for column in ("due", "due_start", "due_end"):
        assert types[("deadlines", column)] == "DATE" == types[("obligations", column)]
    assert types[("documents", "issued")] == "DATE"
    assert issued == [{"issue_date": "2026-02-03", "issued": date(2026, 2, 3)}]
    yearly = next(row for row in rows if row["date"] == "--11-15")
    assert yearly["due"] == date(2026, 11, 15) and yearly["text"]  # the original text kept
    import pyarrow.parquet as pq

    written = {path.stem: path for path in export_parquet(db, tmp_path / "parquet")}
    schema = pq.read_schema(written["deadlines"])
    assert str(schema.field("due").type) == "date32[day]"
    assert str(schema.field("text").type) == "string"


def test_cli_export_to_a_file_path_is_a_usage_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kehoach.cli import app

    db = dataset_of(tmp_path, [small_document("Khánh Hòa")])
    existing = tmp_path / "notes.txt"
    existing.write_text("x", encoding="utf-8")
    for target in (existing, tmp_path / "all.parquet"):
        result = CliRunner().invoke(app, ["export", str(target), "--db", str(db)])
        assert result.exit_code == 2, result.output
        assert "give a folder" in result.stderr and "[usage]" in result.stderr
