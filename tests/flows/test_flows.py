"""Prefect flows against a real Prefect server, real DuckDB, real worker processes and Dask.

One Prefect test server serves the whole session (it takes 12-20 s to start); the ``kehoach
ingest`` subprocesses of the kill -9 test talk to the same server through PREFECT_API_URL.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import flows  # noqa: F401  (kehoach's Prefect defaults, before Prefect is imported)
from kehoach import PIPELINE_VERSION
from pipeline.storage.store import Dataset
from tests.support import (
    two_frame_tiff,
    untimed,
    write_bad_files,
    write_legacy_texts,
    write_plans,
    write_scan,
)


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One Prefect test server and result store for the session; the env its subprocesses need."""
    from prefect.settings import PREFECT_LOCAL_STORAGE_PATH, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    storage = tmp_path_factory.mktemp("prefect-results")
    with (
        temporary_settings(updates={PREFECT_LOCAL_STORAGE_PATH: storage}),
        prefect_test_harness(server_startup_timeout=180),
    ):
        from prefect.settings import get_current_settings

        url = str(get_current_settings().api.url)
        yield {"PREFECT_API_URL": url, "PREFECT_LOCAL_STORAGE_PATH": str(storage)}


def _runs(db: Path) -> list[dict[str, object]]:
    with Dataset(db, read_only=True) as dataset:
        return dataset.query("SELECT path, sha256, outcome, error_code, reason FROM runs")


def _counts(db: Path) -> dict[str, int]:
    with Dataset(db, read_only=True) as dataset:
        return dataset.table_counts()


def _artifact(key: str, run_id: str) -> str:
    """The data of the artifact ``key`` that flow run ``run_id`` published."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )
    return next(str(a.data) for a in found if str(a.flow_run_id) == run_id)


def _run_name_and_logs(run_id: str) -> tuple[str, list[str]]:
    """A flow run's name and its log messages as the Prefect UI shows them."""
    import time
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    with get_client(sync_client=True) as client:
        name = client.read_flow_run(UUID(run_id)).name
        for _ in range(20):  # logs reach the API in batches, shortly after the run
            found = client.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[UUID(run_id)]))
            )
            if any("ingested" in log.message for log in found):
                break
            time.sleep(0.5)
    return name, [log.message for log in found]


def test_ingest_stores_plans_records_failures_and_rerun_skips(
    tmp_path: Path, prefect_api: dict[str, str]
) -> None:
    from flows.ingest import run_ingest
    from flows.progress import SilentReporter

    plans = write_plans(tmp_path / "batch", 3)
    expected_codes = write_bad_files(tmp_path / "batch")
    db = tmp_path / "kehoach.duckdb"

    first = run_ingest([str(tmp_path / "batch")], db=db, reporter=SilentReporter())

    assert first.used_prefect
    assert sorted(Path(o.path).name for o in first.ingested) == [p.name for p in plans]
    assert {Path(o.path).name: str(o.error.code) for o in first.failed if o.error} == expected_codes
    assert _counts(db)["documents"] == 3
    failed_runs = {Path(str(r["path"])).name: r for r in _runs(db) if r["outcome"] == "failed"}
    assert {name: row["error_code"] for name, row in failed_runs.items()} == expected_codes
    assert all(row["reason"] for row in failed_runs.values())

    summary_artifact = _artifact("kehoach-ingest-summary", first.run_id)
    assert "broken.pdf" in summary_artifact and "| ingested | 3 |" in summary_artifact
    name, logs = _run_name_and_logs(first.run_id)
    assert re.fullmatch(r"ingest-\d+-files-\d{8}-\d{6}", name), name  # not "bouncy-otter"
    assert any(f"ingested {plans[0]}: 1 page(s) (plain)," in line for line in logs), logs

    again = run_ingest([str(tmp_path / "batch" / "*.txt")], db=db, reporter=SilentReporter())

    assert not again.used_prefect  # nothing to do: answered without starting Prefect
    assert len(again.skipped) == 3 and not again.ingested
    assert [Path(o.path).name for o in again.failed] == ["empty.txt"]
    assert _counts(db)["documents"] == 3


def test_rebuild_reextracts_documents_of_an_older_pipeline_version(
    tmp_path: Path, prefect_api: dict[str, str]
) -> None:
    from flows.ingest import run_ingest, run_rebuild
    from flows.progress import SilentReporter

    write_plans(tmp_path / "batch", 2)
    db = tmp_path / "kehoach.duckdb"
    run_ingest([str(tmp_path / "batch")], db=db, reporter=SilentReporter())
    before = _counts(db)
    with Dataset(db) as dataset:
        dataset.connection.execute("UPDATE documents SET pipeline_version = '0.0.0+old'")

    rebuilt = run_rebuild(db=db, reporter=SilentReporter())

    assert rebuilt.used_prefect
    assert len(rebuilt.ingested) == 2 and not rebuilt.failed
    with Dataset(db, read_only=True) as dataset:
        versions = dataset.query("SELECT DISTINCT pipeline_version AS v FROM documents")
    assert [row["v"] for row in versions] == [PIPELINE_VERSION]
    assert _counts(db) == before
    assert not run_rebuild(db=db, reporter=SilentReporter()).used_prefect


def _task_runs(run_id: str) -> dict[str, str]:
    """Task run name → state name ("Completed", "Cached", "Failed") of one flow run."""
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(run_id)])), limit=200
        )
    return {run.name: str(run.state_name) for run in runs}


@pytest.mark.slow
def test_a_scan_is_read_once_and_a_bad_file_fails_alone(
    tmp_path: Path, prefect_api: dict[str, str]
) -> None:
    from flows.ingest import run_ingest
    from flows.progress import SilentReporter
    from pipeline.ingest import identify
    from pipeline.text import extract_text
    from schemas import PipelineSettings

    batch = tmp_path / "batch"
    write_plans(batch, 1, start=80)
    scan = write_scan(batch / "scan.pdf")
    two_frame_tiff(batch / "cut.tiff", cut_second=True)

    first = run_ingest([str(batch)], db=tmp_path / "first.duckdb", reporter=SilentReporter())

    assert sorted(Path(o.path).name for o in first.ingested) == ["plan-080.txt", "scan.pdf"]
    (failed,) = first.failed
    assert failed.error is not None and Path(failed.path).name == "cut.tiff"
    assert (str(failed.error.code), failed.error.path) == ("corrupt", str(batch / "cut.tiff"))
    assert "broken image data" in failed.error.reason
    with Dataset(tmp_path / "first.duckdb", read_only=True) as dataset:
        stored = {Path(path).name: raw for path, raw in dataset.stored_texts()}
    settings = PipelineSettings()
    assert untimed(stored["scan.pdf"]) == untimed(
        extract_text(identify(scan, settings.limits), settings)
    )
    reads = {n: s for n, s in _task_runs(first.run_id).items() if n.startswith("read scan")}
    assert reads == {"read scan.pdf": "Completed"}

    # A new dataset, so every file is work again: the text comes from the cache, no OCR.
    again = run_ingest([str(batch)], db=tmp_path / "second.duckdb", reporter=SilentReporter())

    assert len(again.ingested) == 2 and len(again.failed) == 1
    reads = {n: s for n, s in _task_runs(again.run_id).items() if n.startswith("read scan")}
    assert reads == {"read scan.pdf": "Cached"}


@pytest.mark.slow
def test_two_local_worker_processes(tmp_path: Path, prefect_api: dict[str, str]) -> None:
    from flows.ingest import run_ingest
    from flows.progress import SilentReporter

    write_plans(tmp_path / "batch", 4, start=20)
    write_scan(tmp_path / "batch" / "scan.pdf")
    (tmp_path / "batch" / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really\n")
    db = tmp_path / "kehoach.duckdb"

    summary = run_ingest([str(tmp_path / "batch")], db=db, workers=2, reporter=SilentReporter())

    assert len(summary.ingested) == 5
    assert [str(o.error.code) for o in summary.failed if o.error] == ["corrupt"]
    assert _counts(db)["documents"] == 5


def _stored_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every fact table's rows and each document's stored texts and plan, without what differs
    from one save to another (times, run ids, work ids)."""
    from pipeline.storage.schema import DATA_TABLES

    tables: dict[str, list[tuple[object, ...]]] = {}
    with Dataset(db, read_only=True) as dataset:
        for table in DATA_TABLES:
            rows = dataset.query(f"SELECT * FROM {table}")
            kept = [
                tuple(v for k, v in row.items() if k not in ("ingested_at", "run_id", "seconds"))
                for row in rows
            ]
            tables[table] = sorted(kept, key=repr)
        versions = dataset.query("SELECT sha256, content_key, is_draft FROM versions")
        tables["versions"] = sorted(tuple(row.values()) for row in versions)
    return tables


@pytest.mark.slow
def test_texts_bundled_across_two_workers_are_stored_as_one_by_one_and_once(
    tmp_path: Path, prefect_api: dict[str, str]
) -> None:
    from flows.ingest import run_ingest
    from flows.progress import SilentReporter
    from flows.runners import task_runner
    from pipeline.process import process_file

    plans = write_plans(tmp_path / "batch", 8, start=40)
    english = tmp_path / "batch" / "minutes.txt"
    english.write_text("Minutes of the meeting held on Monday about the budget.\n" * 40)
    db, alone = tmp_path / "bundled.duckdb", tmp_path / "alone.duckdb"

    # two workers whatever the batch's size (batch_workers would keep 8 short plans in one)
    first = run_ingest(
        [str(tmp_path / "batch")],
        db=db,
        workers=2,
        reporter=SilentReporter(),
        runner=task_runner(2),
    )
    with Dataset(alone) as dataset:
        for plan in plans:
            dataset.save(process_file(plan), run_id="r", path=str(plan))

    assert sorted(Path(o.path).name for o in first.ingested) == [p.name for p in plans]
    assert [(o.path, str(o.error.code)) for o in first.failed if o.error] == [
        (str(english), "not-vietnamese")
    ]
    assert _stored_rows(db) == _stored_rows(alone)

    again = run_ingest([str(tmp_path / "batch")], db=db, workers=2, reporter=SilentReporter())

    assert len(again.skipped) == 8 and not again.ingested
    assert _counts(db) == _counts(alone)


@pytest.mark.slow
def test_legacy_texts_through_the_command_and_its_fork_are_stored_as_by_one_worker(
    tmp_path: Path, prefect_api: dict[str, str]
) -> None:
    # as an operator runs it (a fresh command, no thread yet): the forkserver is a fork of the
    # command once it loaded the models (flows.forkserver.fork_forkserver)
    texts = write_legacy_texts(tmp_path / "batch", 12)
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    env = {**os.environ, **prefect_api}
    for db, workers in ((one, "1"), (two, "2")):
        command = _kehoach("ingest", str(tmp_path / "batch"), "--db", str(db), "--workers", workers)
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr

    assert _counts(two)["documents"] == len(texts)
    assert _stored_rows(two) == _stored_rows(one)


@pytest.mark.slow
def test_with_two_workers_the_command_runs_tasks_beside_one_forked_process(
    prefect_api: dict[str, str],
) -> None:
    from prefect import flow

    from flows.workers import CommandAndForkedTaskRunner
    from tests.flows.tasks_for_tests import pid_after

    @flow(task_runner=CommandAndForkedTaskRunner(max_workers=2))
    def pids() -> list[int]:
        return [future.result() for future in [pid_after.submit(0.2) for _ in range(4)]]

    ran_in = pids()

    # submitted at once: the command's thread takes the first (it has none), the second goes
    # to the forked process; which side takes the later ones depends on who is free first
    assert ran_in[0] == os.getpid()
    assert ran_in[1] != os.getpid()
    assert set(ran_in) == {os.getpid(), ran_in[1]}


@pytest.mark.slow
def test_dask_cluster_on_loopback_with_two_workers(
    tmp_path: Path, prefect_api: dict[str, str]
) -> None:
    from distributed import Client, LocalCluster

    from flows.ingest import run_ingest
    from flows.progress import SilentReporter

    write_plans(tmp_path / "batch", 4, start=40)
    write_scan(tmp_path / "batch" / "scan.pdf")
    (tmp_path / "batch" / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really\n")
    db = tmp_path / "kehoach.duckdb"
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        summary = run_ingest(
            [str(tmp_path / "batch")],
            db=db,
            dask_address=cluster.scheduler_address,
            reporter=SilentReporter(),
        )
        # The tasks ran on the cluster's workers: each holds the chain's modules now.
        loaded = client.run(lambda: "pipeline.process" in sys.modules)

    assert len(loaded) == 2 and any(loaded.values())
    assert len(summary.ingested) == 5
    assert [str(o.error.code) for o in summary.failed if o.error] == ["corrupt"]
    assert _counts(db)["documents"] == 5


def _kehoach(*args: str) -> list[str]:
    return [sys.executable, "-m", "kehoach.cli", *args]


def _server_of(process: subprocess.Popen[str]) -> int | None:
    """The pid of the Prefect server a ``kehoach ingest`` process started, if any."""
    import psutil

    for child in psutil.Process(process.pid).children(recursive=True):
        if "prefect server start" in " ".join(child.cmdline()):
            return child.pid
    return None


@pytest.mark.slow
def test_kill_9_mid_batch_then_rerun_stores_every_document_once(
    tmp_path: Path, prefect_api: dict[str, str]
) -> None:
    import psutil

    from flows.ingest import run_ingest
    from flows.progress import SilentReporter

    batch = tmp_path / "batch"
    plans = write_plans(batch, 12, start=60)
    db = tmp_path / "killed.duckdb"
    command = _kehoach("ingest", str(batch), "--db", str(db))
    # The victim starts its own Prefect server, as on an operator's machine.
    own_server = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_LOCAL_STORAGE_PATH": prefect_api["PREFECT_LOCAL_STORAGE_PATH"],
    }
    own_server.pop("PREFECT_API_URL", None)

    victim = subprocess.Popen(command, env=own_server, stderr=subprocess.PIPE, text=True)
    assert victim.stderr is not None
    stored_before_kill = 0
    for line in victim.stderr:
        if " ingested " in line:
            stored_before_kill += 1
            break
    still_running = victim.poll() is None
    server = _server_of(victim)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=60)
    assert still_running, "the batch ended before it could be killed"
    assert victim.returncode == -signal.SIGKILL
    assert stored_before_kill == 1
    assert server is not None
    psutil.Process(server).wait(timeout=60)  # the server does not outlive the killed command

    rerun = subprocess.run(
        command, env={**os.environ, **prefect_api}, capture_output=True, text=True, timeout=600
    )
    assert rerun.returncode == 0, rerun.stderr

    clean_db = tmp_path / "clean.duckdb"
    run_ingest([str(batch)], db=clean_db, reporter=SilentReporter())
    with Dataset(db, read_only=True) as dataset:
        stored = dataset.query("SELECT path, count(*) AS n FROM documents GROUP BY path")
    assert sorted(Path(str(r["path"])).name for r in stored) == [p.name for p in plans]
    assert all(row["n"] == 1 for row in stored)
    # Every fact table holds exactly what an uninterrupted run stores: nothing lost or doubled.
    assert _counts(db) == _counts(clean_db)
    skipped = [r for r in _runs(db) if r["outcome"] == "skipped"]
    assert len(skipped) >= 1  # the documents stored before the kill were not processed again
