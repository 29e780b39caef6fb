"""A watched folder: a poll ingests only new or changed files and writes a digest of the run."""

from __future__ import annotations

import json
from pathlib import Path

from flows.watch import watch_deployment, watch_once
from pipeline.storage.store import Dataset
from tests.support import write_plans


def _runs(db: Path) -> int:
    with Dataset(db, read_only=True) as dataset:
        return dataset.table_counts(include_runs=True)["runs"]


def test_a_poll_picks_up_a_new_file_and_an_idle_poll_records_nothing(tmp_path: Path) -> None:
    folder, db, digests = tmp_path / "inbox", tmp_path / "k.duckdb", tmp_path / "digests"
    write_plans(folder, 1)
    first = watch_once(folder, db, digests)
    assert len(first["new"]) == 1 and first["changed"] == []
    runs = _runs(db)

    idle = watch_once(folder, db, digests)
    assert idle.get("idle") and _runs(db) == runs  # no rows pile up on an idle poll

    (added,) = write_plans(folder, 1, start=1)
    copy = folder / "a-copy.txt"  # the same text with CRLF line ends: one work, one version
    copy.write_bytes(added.read_bytes().replace(b"\n", b"\r\n"))
    second = watch_once(folder, db, digests)
    assert len(second["new"]) == 1 and len(second["copies"]) == 1
    assert {second["new"][0]["path"], *second["copies"]} == {str(added), str(copy)}
    written = sorted(digests.glob("digest-*.json"))
    assert len(written) == 2
    assert json.loads(written[-1].read_text("utf-8"))["new"] == second["new"]


def test_the_deployment_polls_on_an_interval(tmp_path: Path) -> None:
    deployment = watch_deployment(tmp_path / "inbox", tmp_path / "k.duckdb", 60)
    assert deployment.name == "watch-inbox"
    assert deployment.parameters["folder"] == str(tmp_path / "inbox")
    (schedule,) = deployment.schedules
    assert schedule.schedule.interval.total_seconds() == 60
