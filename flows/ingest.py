"""Entry points the ``kehoach ingest`` and ``kehoach rebuild`` commands call.

The dataset is opened first, before Prefect starts: a second command on the same file is refused
at once (DATABASE_LOCKED), and a batch with nothing to do (every file stored with this pipeline
version) is answered without starting a Prefect server at all. Prefect itself is imported only
when there is work, and ``ingest_flow``/``rebuild_flow`` are importable from here for deployments.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import flows  # noqa: F401  (Prefect defaults before Prefect is imported)
from flows.batch import (
    BatchPlan,
    DocumentOutcome,
    IngestSummary,
    expand_batch,
    plan_batch,
    record,
    sharing,
)
from flows.env import private_results
from flows.progress import ConsoleReporter, Reporter, print_summary, reporting
from kehoach import DEFAULT_DB, PIPELINE_VERSION
from schemas import PipelineSettings

__all__ = ["run_ingest", "run_rebuild"]  # and, lazily, ingest_flow and rebuild_flow


def __getattr__(name: str) -> Any:
    """``ingest_flow`` and ``rebuild_flow``, importing Prefect only when they are asked for."""
    if name in ("ingest_flow", "rebuild_flow"):
        from flows import definitions

        return getattr(definitions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _warn(message: str | None) -> None:
    """Print a warning for the operator on standard error."""
    if message:
        print(f"kehoach: warning: {message}", file=sys.stderr)


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command ended by Ctrl-C


@contextmanager
def _quick_interrupt() -> Iterator[None]:
    """Ctrl-C ends the command at once instead of after Prefect's shutdown (34 s measured).

    Every save is one transaction, so stopping between two bytecodes loses at most the document
    being saved, which the next run processes again; the workers ignore Ctrl-C and exit when
    they see this process gone (``flows.tasks.warm_worker``), the Prefect server with it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        print(
            "\nkehoach: interrupted; every document saved so far is kept: run the same command "
            "again to finish the batch",
            file=sys.stderr,
            flush=True,
        )
        os._exit(EXIT_INTERRUPTED)

    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _prefect_batch(
    dataset: Any, db: Path, reporter: Reporter, dask_address: str | None
) -> Iterator[None]:
    """What a flow run of ``ingest`` or ``rebuild`` runs inside: a quick Ctrl-C, private results,
    a Prefect API (a warning when the workers cannot reach it), the dataset shared with readers,
    and the workers' progress reported here."""
    from flows.server import prefect_api, unreachable_api_warning

    with (
        _quick_interrupt(),
        private_results(),
        prefect_api() as api_url,
        sharing(dataset, db),
        reporting(reporter),
    ):
        _warn(unreachable_api_warning(api_url, dask_address))
        yield


def _settle_without_prefect(
    dataset: Any, plan: BatchPlan, reporter: Reporter, title: str, started: float
) -> IngestSummary:
    """Record a batch that needs no work (all stored, or failed before any work)."""
    run_id = str(uuid.uuid4())
    reporter.start(plan.total, title)
    for outcome in plan.settled:
        record(dataset, run_id, outcome)
        reporter.advance(outcome)
    return IngestSummary(
        run_id=run_id,
        outcomes=tuple(plan.settled),
        seconds=time.perf_counter() - started,
        used_prefect=False,
    )


def run_name(command: str, count: int, what: str) -> str:
    """A flow run's name in the Prefect UI: "ingest-12-files-20261203-101530" (local time)."""
    return f"{command}-{count}-{what}-{datetime.now():%Y%m%d-%H%M%S}"


def run_ingest(
    paths: list[str],
    db: Path = DEFAULT_DB,
    workers: int = 1,
    dask_address: str | None = None,
    settings: PipelineSettings | None = None,
    *,
    reporter: Reporter | None = None,
    runner: Any = None,
) -> IngestSummary:
    """Ingest ``paths`` (files, folders, globs) into ``db``; print progress and a summary.

    ``runner`` overrides the Prefect task runner chosen from ``workers`` and ``dask_address``.
    Raises ``KehoachError`` (DATABASE_LOCKED) when another process is writing ``db``.
    """
    from pipeline.storage.store import Dataset

    settings = settings or PipelineSettings()
    reporter = reporter or ConsoleReporter()
    started = time.perf_counter()
    with Dataset(Path(db)) as dataset:
        plan = plan_batch(expand_batch(paths, exclude=Path(db)), dataset, settings)
        if not plan.pending:
            summary = _settle_without_prefect(dataset, plan, reporter, "ingest", started)
            reporter.stop()
        else:
            from flows.runners import batch_workers, dask_threads, task_runner, window_size

            if dask_address:  # bundles and the window are sized for the cluster as it is now
                workers = dask_threads(dask_address)
            if runner is None:  # a small text batch runs in this process: see batch_workers
                workers = batch_workers(plan.pending, workers, dask_address, plan.text_work)
            paged = any(source.kind.paged for source in plan.pending)
            if runner is None and workers > 1 and not dask_address:
                from flows.forkserver import start_forkserver

                # its models load while this process imports Prefect
                start_forkserver(legacy=plan.legacy_texts > 0 or paged)
            from flows.definitions import ingest_flow

            if runner is None:
                runner = task_runner(workers, dask_address, paged=paged)
            flow = ingest_flow.with_options(
                task_runner=runner, flow_run_name=run_name("ingest", len(plan.pending), "files")
            )
            reporter.note(f"{len(plan.pending)} files to process; starting Prefect…")
            with _prefect_batch(dataset, Path(db), reporter, dask_address):
                summary = flow(
                    paths=[str(p) for p in paths],
                    db=str(db),
                    settings=settings,
                    window=window_size(workers, dask_address, paged=paged),
                    workers=workers,
                    plan=plan,
                )
    print_summary(summary, title="kehoach ingest")
    return summary


def _stale_count(dataset: Any) -> int:
    """Stored documents extracted by another pipeline version than this one."""
    rows = dataset.query(
        "SELECT count(*) AS n FROM documents WHERE pipeline_version <> ?", [PIPELINE_VERSION]
    )
    return int(rows[0]["n"])


def run_rebuild(
    db: Path = DEFAULT_DB,
    settings: PipelineSettings | None = None,
    workers: int = 1,
    dask_address: str | None = None,
    *,
    reporter: Reporter | None = None,
) -> IngestSummary:
    """Re-extract every document stored by an older pipeline version, from its stored text."""
    from pipeline.storage.store import Dataset

    settings = settings or PipelineSettings()
    reporter = reporter or ConsoleReporter()
    started = time.perf_counter()
    with Dataset(Path(db)) as dataset:
        if _stale_count(dataset) == 0:
            stored = dataset.query("SELECT path, sha256 FROM documents ORDER BY ingested_at")
            current = [
                DocumentOutcome(
                    path=r["path"], sha256=r["sha256"], outcome="skipped", note="unchanged"
                )
                for r in stored
            ]
            plan = BatchPlan(settled=current)
            summary = _settle_without_prefect(dataset, plan, reporter, "rebuild", started)
            reporter.stop()
        else:
            from flows.definitions import rebuild_flow
            from flows.runners import dask_threads, task_runner, window_size

            if dask_address:
                workers = dask_threads(dask_address)
            flow = rebuild_flow.with_options(
                task_runner=task_runner(workers, dask_address),
                flow_run_name=run_name("rebuild", _stale_count(dataset), "documents"),
            )
            reporter.note("documents to re-extract; starting Prefect…")
            with _prefect_batch(dataset, Path(db), reporter, dask_address):
                summary = flow(
                    db=str(db),
                    settings=settings,
                    window=window_size(workers, dask_address, paged=False),
                )
    print_summary(summary, title="kehoach rebuild")
    return summary
