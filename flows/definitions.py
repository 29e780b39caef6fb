"""The Prefect flows: ingest a batch of files, re-extract stored documents.

Workers run the tasks and return what they produced; this process alone writes the dataset,
saving each document as soon as its result arrives. Each save is one DuckDB transaction, so a
batch killed at any moment leaves every document either stored whole or not at all, and the
re-run skips the stored ones.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run

from flows import progress
from flows.batch import (
    DocumentOutcome,
    IngestSummary,
    error_report,
    expand_paths,
    open_dataset,
    plan_batch,
    record,
)
from flows.tasks import process_text_task, read_text_task
from kehoach import DEFAULT_DB, PIPELINE_VERSION
from schemas import DocumentText, PipelineSettings, ProcessedDocument, SourceDocument

T = TypeVar("T")
Futures = tuple[PrefectFuture[Any], ...]
SAVED_OUTCOMES = {"inserted": "ingested", "replaced": "replaced", "unchanged": "skipped"}


def _put(finished: queue.Queue[Any], entry: Any, _future: Any) -> None:
    finished.put(entry)


def pump(
    items: Iterable[T], submit: Callable[[T], Futures], window: int
) -> Iterator[tuple[T, Futures]]:
    """Submit ``items`` keeping at most ``window`` in flight; yield each as its last stage ends."""
    finished: queue.Queue[tuple[T, Futures]] = queue.Queue()
    pending = iter(items)
    in_flight = 0

    def launch() -> bool:
        nonlocal in_flight
        for item in pending:
            futures = submit(item)
            futures[-1].add_done_callback(partial(_put, finished, (item, futures)))
            in_flight += 1
            return True
        return False

    while in_flight < window and launch():
        pass
    while in_flight:
        item, futures = finished.get()
        in_flight -= 1
        launch()
        yield item, futures


def _result(futures: Futures) -> Any:
    """The last stage's value; the first failed stage's exception (the real reason) if any."""
    value = None
    for future in futures:
        value = future.result()
    return value


def store_result(
    dataset: Any, run_id: str, path: str, sha256: str | None, futures: Futures
) -> DocumentOutcome:
    """Save one document's result, or describe its failure; never raises for the document."""
    try:
        processed: ProcessedDocument = _result(futures)
        saved = dataset.save(processed, run_id=run_id, path=path)
    except Exception as error:  # every failure is the document's, recorded with its reason
        return DocumentOutcome(
            path=path, sha256=sha256, outcome="failed", error=error_report(error, path)
        )
    return DocumentOutcome(
        path=path,
        sha256=sha256,
        outcome=SAVED_OUTCOMES[saved],  # type: ignore[arg-type]
        seconds=sum(processed.seconds.values()),
        note="unchanged" if saved == "unchanged" else "",
    )


def _settle(dataset: Any, run_id: str, outcome: DocumentOutcome, log: Any) -> DocumentOutcome:
    """Record one file's outcome in ``runs``, log a failure, report progress."""
    record(dataset, run_id, outcome)
    if outcome.error is not None:
        log.warning("failed %s: %s [%s]", outcome.path, outcome.error.reason, outcome.error.code)
    progress.current().advance(outcome)
    return outcome


def _publish(summary: IngestSummary, title: str, key: str) -> None:
    """A table and a Markdown artifact per run, for the Prefect UI."""
    markdown = progress.artifact_markdown(summary, title)
    create_markdown_artifact(markdown=markdown, key=f"{key}-summary", description=title)
    create_table_artifact(
        table=progress.artifact_rows(summary), key=f"{key}-files", description=title
    )


def _label(path: str | Path) -> str:
    return Path(path).name


@flow(name="kehoach-ingest", validate_parameters=False)
def ingest_flow(
    paths: list[str],
    db: str = str(DEFAULT_DB),
    settings: PipelineSettings | None = None,
    window: int = 4,
) -> IngestSummary:
    """Ingest files, folders and globs: skip the stored, process the rest, record every outcome."""
    settings = settings or PipelineSettings()
    run_id = str(flow_run.get_id())
    log = get_run_logger()
    started = time.perf_counter()

    def submit(source: SourceDocument) -> Futures:
        label = _label(source.path)
        text = read_text_task.submit(source, settings, label)
        processed = process_text_task.submit(text, settings, label)  # type: ignore[call-overload]
        return text, processed

    with open_dataset(Path(db)) as dataset:
        plan = plan_batch(expand_paths(paths, exclude=Path(db)), dataset, settings)
        progress.current().start(plan.total, "ingest")
        outcomes = [_settle(dataset, run_id, o, log) for o in plan.settled]
        # Largest first: a long scan started last would leave the other workers idle at the end.
        largest_first = sorted(plan.pending, key=lambda s: s.size_bytes, reverse=True)
        for source, futures in pump(largest_first, submit, window):
            path = str(source.path)
            outcome = store_result(dataset, run_id, path, source.sha256, futures)
            outcomes.append(_settle(dataset, run_id, outcome, log))
    summary = IngestSummary(
        run_id=run_id, outcomes=tuple(outcomes), seconds=time.perf_counter() - started
    )
    _publish(summary, "kehoach ingest", "kehoach-ingest")
    return summary


def _stale_texts(
    dataset: Any, current: list[DocumentOutcome]
) -> Iterator[tuple[str, DocumentText]]:
    """Stored texts extracted by another pipeline version; current ones go to ``current``."""
    for path, raw in dataset.stored_texts():
        sha256 = raw.source.sha256
        if dataset.is_current(sha256, PIPELINE_VERSION):
            current.append(
                DocumentOutcome(path=path, sha256=sha256, outcome="skipped", note="unchanged")
            )
        else:
            yield path, raw


@flow(name="kehoach-rebuild", validate_parameters=False)
def rebuild_flow(
    db: str = str(DEFAULT_DB), settings: PipelineSettings | None = None, window: int = 4
) -> IngestSummary:
    """Re-extract stored documents from their stored text (no OCR) with this pipeline version."""
    settings = settings or PipelineSettings()
    run_id = str(flow_run.get_id())
    log = get_run_logger()
    started = time.perf_counter()

    def submit(item: tuple[str, DocumentText]) -> Futures:
        return (process_text_task.submit(item[1], settings, _label(item[0])),)

    with open_dataset(Path(db)) as dataset:
        progress.current().start(dataset.table_counts()["documents"], "rebuild")
        current: list[DocumentOutcome] = []
        outcomes = []
        for (path, raw), futures in pump(_stale_texts(dataset, current), submit, window):
            outcome = store_result(dataset, run_id, path, raw.source.sha256, futures)
            outcomes.append(_settle(dataset, run_id, outcome, log))
        outcomes += [_settle(dataset, run_id, o, log) for o in current]
    summary = IngestSummary(
        run_id=run_id, outcomes=tuple(outcomes), seconds=time.perf_counter() - started
    )
    _publish(summary, "kehoach rebuild", "kehoach-rebuild")
    return summary
