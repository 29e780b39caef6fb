"""The DuckDB dataset: idempotent saves, version replacement, runs, locking, exports."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

import pipeline.storage.connection as connection
import pipeline.storage.writes as writes
from kehoach import REPO_ROOT
from pipeline.storage.frames import WORK_FRAMES, load_dataset
from pipeline.storage.store import DATA_TABLES, Dataset, export_parquet
from pipeline.storage.works import WORK_TABLES
from schemas import ErrorCode, ErrorReport, KehoachError, RunEntry
from tests.support import gold_documents, save_documents, small_document


def test_same_documents_twice_change_nothing(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    documents = [small_document("Khánh Hòa"), small_document("Phú Yên", "20/11")]
    assert save_documents(db, documents) == ["inserted", "inserted"]
    with Dataset(db, read_only=True) as dataset:
        first = dataset.table_counts()
    assert save_documents(db, documents) == ["unchanged", "unchanged"]
    with Dataset(db, read_only=True) as dataset:
        second = dataset.table_counts()
        assert dataset.is_current(documents[0].source.sha256, documents[0].pipeline_version)
        assert not dataset.is_current(documents[0].source.sha256, "other")
    print("counts after each load:", first, second)
    assert first == second
    assert first["documents"] == 2 and first["awards"] == 2 and first["deadlines"] == 4
    assert first["sections"] == 8  # four Roman headings each
    assert set(first) == set(DATA_TABLES)


def test_new_pipeline_version_replaces_the_rows(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    old = small_document(version="1+1")
    save_documents(db, [old, small_document("Phú Yên")])
    fewer = old.plan.model_copy(update={"awards": (), "recipients": ("Bộ Công an",)})
    new = old.model_copy(update={"plan": fewer, "pipeline_version": "1+2"})
    assert save_documents(db, [new]) == ["replaced"]
    with Dataset(db, read_only=True) as dataset:
        rows = dataset.query(
            "SELECT table_name, pipeline_version FROM ("
            " SELECT 'awards' AS table_name, pipeline_version FROM awards WHERE sha256 = ?"
            " UNION ALL SELECT 'recipients', pipeline_version FROM recipients WHERE sha256 = ?"
            " UNION ALL SELECT 'documents', pipeline_version FROM documents WHERE sha256 = ?)",
            [old.source.sha256] * 3,
        )
        counts = dataset.table_counts()
    assert sorted((r["table_name"], r["pipeline_version"]) for r in rows) == [
        ("documents", "1+2"),
        ("recipients", "1+2"),
    ]
    assert counts["awards"] == 1  # only Phú Yên's award is left
    assert counts["documents"] == 2


def test_a_failed_replacement_leaves_the_old_rows(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "k.duckdb"
    old = small_document(version="1+1")
    save_documents(db, [old])
    with Dataset(db, read_only=True) as dataset:
        before = dataset.table_counts()
    real_insert = writes.insert_rows

    def failing_insert(connection, table, rows):  # the disk fills up half way
        if table == "deadlines":
            raise duckdb.IOException("No space left on device")
        real_insert(connection, table, rows)

    monkeypatch.setattr(writes, "insert_rows", failing_insert)
    with pytest.raises(KehoachError, match="disk-full"):  # an actionable code, not an I/O error
        save_documents(db, [old.model_copy(update={"pipeline_version": "1+2"})])
    monkeypatch.undo()
    with Dataset(db, read_only=True) as dataset:
        assert dataset.table_counts() == before
        assert dataset.is_current(old.source.sha256, "1+1")


def test_runs_keep_failures_in_quarantine(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    with Dataset(db) as dataset:
        dataset.record_run(
            RunEntry(run_id="r1", path="a.pdf", outcome="failed", pipeline_version="v",
                     error=ErrorReport(code=ErrorCode.ENCRYPTED, path="a.pdf",
                                       reason="PDF is encrypted"))
        )  # fmt: skip
        dataset.record_run(
            RunEntry(run_id="r1", path="b.txt", sha256="ab" * 32, outcome="ingested",
                     pipeline_version="v", seconds=1.5)
        )  # fmt: skip
        with pytest.raises(ValueError):  # an outcome the log does not know
            RunEntry(run_id="r1", path="c", outcome="exploded", pipeline_version="v")  # type: ignore[arg-type]
        quarantined = dataset.query("SELECT path, error_code, reason FROM quarantine")
        counts = dataset.table_counts(include_runs=True)
    assert quarantined == [
        {"path": "a.pdf", "error_code": "encrypted", "reason": "PDF is encrypted"}
    ]
    assert counts["runs"] == 2 and "runs" not in Dataset(db, read_only=True).table_counts()


def test_stored_texts_give_back_the_raw_text(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    document = small_document()
    save_documents(db, [document])
    with Dataset(db, read_only=True) as dataset:
        stored = list(dataset.stored_texts())
    assert stored == [(str(document.source.path), document.raw_text)]


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pipeline.storage.store import Dataset
    with Dataset(sys.argv[1]) as dataset:
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


READER = textwrap.dedent(
    """
    import sys, time, duckdb
    connection = duckdb.connect(sys.argv[1], read_only=True)  # a notebook's connection
    print("reading", flush=True)
    time.sleep(float(sys.argv[2]))
    """
)


def test_a_second_writer_is_refused_naming_the_first_and_readers_get_in(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    save_documents(db, [small_document()])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), "30"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(KehoachError) as caught:
            Dataset(db)
        assert caught.value.code == ErrorCode.DATABASE_LOCKED
        assert "another kehoach process" in caught.value.reason
        assert f"PID {holder.pid}" in caught.value.reason
        with Dataset(db, read_only=True) as dataset:  # the idle writer let go of the file
            assert dataset.table_counts()["documents"] == 1
    finally:
        holder.kill()
        holder.wait()
    with Dataset(db, read_only=True) as dataset:  # nothing was damaged
        assert dataset.table_counts()["documents"] == 1


def test_a_reader_holding_the_file_is_named_when_the_writer_gives_up(
    tmp_path: Path, monkeypatch
) -> None:
    db = tmp_path / "k.duckdb"
    save_documents(db, [small_document()])
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), "30"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        monkeypatch.setattr(connection, "WRITER_WAIT_SECONDS", 0.3)
        with pytest.raises(KehoachError) as caught:
            Dataset(db)
        assert caught.value.code == ErrorCode.DATABASE_LOCKED
        assert f"PID {reader.pid}" in caught.value.reason, caught.value.reason
    finally:
        reader.kill()
        reader.wait()


def test_missing_dataset_is_reported(tmp_path: Path) -> None:
    with pytest.raises(KehoachError) as caught:
        Dataset(tmp_path / "none.duckdb", read_only=True)
    assert caught.value.code == ErrorCode.NOT_FOUND


def test_parquet_export_and_pandas_frames(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    save_documents(db, [small_document("Khánh Hòa"), small_document("Phú Yên")])
    written = export_parquet(db, tmp_path / "parquet")
    assert sorted(p.stem for p in written) == sorted([*DATA_TABLES, *WORK_TABLES, "runs"])
    awards = duckdb.sql(f"SELECT form, grantor FROM '{tmp_path / 'parquet' / 'awards.parquet'}'")
    assert awards.fetchall() == [("Bằng khen", "Chủ tịch Ủy ban nhân dân tỉnh")] * 2
    frames = load_dataset(db)
    assert frames["documents"]["province"].tolist() == ["Khánh Hòa", "Phú Yên"]
    assert "raw_text" not in frames["documents"].columns
    assert len(frames["obligations"]) == 2 * 3
    assert set(frames) == {*DATA_TABLES, *WORK_FRAMES, "runs", "quarantine"}


def test_gold_plans_loaded_twice_keep_their_counts(tmp_path: Path, shared_dir: Path) -> None:
    db = tmp_path / "gold.duckdb"
    documents = gold_documents(shared_dir)
    assert save_documents(db, documents) == ["inserted"] * len(documents)
    with Dataset(db, read_only=True) as dataset:
        first = dataset.table_counts()
    assert save_documents(db, documents) == ["unchanged"] * len(documents)
    with Dataset(db, read_only=True) as dataset:
        second = dataset.table_counts()
    print("gold plans, first load: ", first)
    print("gold plans, second load:", second)
    assert first == second
    assert first["documents"] == len(documents) >= 3
    awards = sum(len(d.plan.awards) for d in documents)
    assert first["awards"] == awards
