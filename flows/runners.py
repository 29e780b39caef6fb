"""Which Prefect task runner runs a batch: threads, local processes, or a Dask cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from schemas import SourceDocument

DASK_WINDOW_PER_WORKER = 4
LOCAL_WINDOW_PER_WORKER = 3


SECOND_WORKER_SECONDS = 4.0
"""Estimated text work under which a batch is not worth a second process: a forked worker
(``flows.workers``) costs about a second before and around its tasks (Prefect's start in it,
results pickled to the command), and saves half the work."""


def batch_workers(
    sources: Sequence[SourceDocument],
    workers: int,
    dask_address: str | None = None,
    work: Mapping[str, float] | None = None,
) -> int:
    """How many local workers a batch is worth: ``workers``, or one (the command's own process)
    for plain-text files whose estimated work (``pipeline.workload.text_seconds``: by size and
    whether the text has its diacritics) is under ``SECOND_WORKER_SECONDS``. Scans and PDFs
    always get what was asked: their pages take seconds each. ``work`` is those estimates by
    sha256 where the caller has them already (``BatchPlan.text_work``)."""
    if dask_address or workers <= 1:
        return workers
    if any(source.kind.paged for source in sources):
        return workers
    if work is None:
        from pipeline.workload import text_seconds

        work = {source.sha256: text_seconds(source) for source in sources}
    if sum(work[source.sha256] for source in sources) < SECOND_WORKER_SECONDS:
        return 1
    return workers


def task_runner(workers: int = 1, dask_address: str | None = None, *, paged: bool = False) -> Any:
    """The task runner for these settings.

    One worker runs tasks in a thread of the command's own process. More run, for text work
    (``paged`` false: plain-text files, or a rebuild's stored texts), in a thread of the command
    and ``workers - 1`` processes forked from one that loaded the models once; for a batch with
    PDFs or images (``paged``), in ``workers`` forked processes, OCR's page work kept out of the
    process that saves (``flows.workers``). A Dask address sends tasks to that cluster's
    workers, which need kehoach installed and the files at the same paths.
    """
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address)
    if workers <= 1:
        return thread_runner(1)
    if paged:
        from flows.workers import ForkedProcessPoolTaskRunner

        return ForkedProcessPoolTaskRunner(max_workers=workers)
    from flows.workers import CommandAndForkedTaskRunner

    return CommandAndForkedTaskRunner(max_workers=workers)


def thread_runner(workers: int) -> Any:
    """Tasks in ``workers`` threads of the command's own process (the bench's "threads-N")."""
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=workers)


def local_dask_runner(workers: int) -> Any:
    """A Dask LocalCluster of one-thread worker processes, for comparing with the process pool."""
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "host": "127.0.0.1",
            "dashboard_address": None,
        },
    )


def dask_threads(address: str) -> int:
    """How many tasks the Dask cluster at ``address`` runs at once (its workers' threads now)."""
    from distributed import Client

    with Client(address, timeout=30) as client:
        return max(1, sum(client.nthreads().values()))


def window_size(workers: int, dask_address: str | None = None, *, paged: bool = True) -> int:
    """Tasks in flight at once: enough queued that a worker finishing one starts the next at
    once, few enough that documents finish and are saved in order (a crash loses little) and a
    large batch's texts stay out of memory. ``workers`` is the cluster's threads on Dask.

    Text work on local workers (``paged`` false: ``CommandAndForkedTaskRunner``) keeps one task
    waiting for the forked processes and none for the command's thread, which takes a task
    only when it has none (``flows.workers``): every task waiting is one the command could not
    take back at the end, when the guided bundles are small and the workers should end together.
    """
    if dask_address:
        return max(2, workers * DASK_WINDOW_PER_WORKER)
    if not paged and workers > 1:
        return workers + 1
    return max(2, workers * LOCAL_WINDOW_PER_WORKER)
