"""``kehoach ingest`` as a person runs it, on the paths that never need a Prefect server."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from pipeline.storage.store import Dataset
from tests.support import ingest_files, write_plans

EXIT_BATCH_FAILURES = 1
EXIT_DATABASE_LOCKED = 4

# Runs one kehoach command in a fresh interpreter, then says whether Prefect was imported.
PROBE = textwrap.dedent(
    """
    import sys
    from kehoach.cli import app
    try:
        app(sys.argv[1:], standalone_mode=False)
    except BaseException as error:  # the command's own outcome is not under test here
        print(f"command ended: {type(error).__name__}", file=sys.stderr)
    print("prefect imported:", "prefect" in sys.modules)
    """
)


def _probe(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=300
    )


def _kehoach(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kehoach.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_single_file_commands_never_start_prefect(tmp_path: Path) -> None:
    (plan,) = write_plans(tmp_path, 1)
    for command in ("text", "restore", "extract"):
        probe = _probe(command, str(plan))
        assert "prefect imported: False" in probe.stdout, (command, probe.stderr)


def test_rerun_of_a_stored_batch_answers_without_prefect(tmp_path: Path) -> None:
    plans = write_plans(tmp_path / "batch", 2)
    db = tmp_path / "kehoach.duckdb"
    ingest_files(db, plans)

    probe = _probe("ingest", str(tmp_path / "batch"), "--db", str(db))

    assert "prefect imported: False" in probe.stdout, probe.stderr
    assert "skipped, unchanged │     2" in probe.stdout
    with Dataset(db, read_only=True) as dataset:
        runs = dataset.query("SELECT outcome FROM runs")
    assert [row["outcome"] for row in runs] == ["skipped", "skipped"]


def test_a_batch_with_a_failed_file_exits_with_the_failure_listed(tmp_path: Path) -> None:
    (tmp_path / "batch").mkdir()
    (tmp_path / "batch" / "empty.txt").write_bytes(b"")

    result = _kehoach("ingest", str(tmp_path / "batch"), "--db", str(tmp_path / "k.duckdb"))

    assert result.returncode == EXIT_BATCH_FAILURES
    assert "empty.txt" in result.stdout and "the file is empty" in result.stdout
    assert "[1/1] failed" in result.stderr


def test_second_writer_on_the_same_dataset_is_refused_with_a_reason(tmp_path: Path) -> None:
    (plan,) = write_plans(tmp_path, 1)
    db = tmp_path / "kehoach.duckdb"
    with Dataset(db):  # another kehoach process holding the dataset for writing
        result = _kehoach("ingest", str(plan), "--db", str(db))

    assert result.returncode == EXIT_DATABASE_LOCKED
    assert "database-locked" in result.stderr
    assert "another kehoach process" in result.stderr


def test_eval_without_a_shared_folder_is_a_usage_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kehoach.cli import app

    for command in ("restore", "extract"):
        result = CliRunner().invoke(app, ["eval", command, "--shared", str(tmp_path)])
        assert result.exit_code == 2, result.output
        assert "seeds or gold/" in result.stderr and "[usage]" in result.stderr
