"""The Prefect flows: ingest a batch of files, re-extract stored documents.

Workers run the tasks and return what they produced; this process alone writes the dataset,
saving each document as soon as its result arrives. Each save is one DuckDB transaction, so a
batch killed at any moment leaves every document either stored whole or not at all, and the
re-run skips the stored ones.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run

from flows import progress
from flows.batch import (
    PARTIAL,
    BatchPlan,
    DocumentOutcome,
    IngestSummary,
    Packed,
    bundle,
    error_report,
    expand_batch,
    open_dataset,
    page_counts,
    plan_batch,
    record_all,
)
from flows.schedule import TaskWindow
from flows.tasks import ingest_document_task, ingest_texts_task, process_text_task
from kehoach import DEFAULT_DB, PIPELINE_VERSION
from schemas import (
    DocumentText,
    ErrorReport,
    PipelineSettings,
    ProcessedDocument,
    SourceDocument,
)

SAVED_OUTCOMES = {
    "inserted": "ingested",
    "replaced": "replaced",
    "unchanged": "skipped",
    "copy": "skipped",  # the text of a stored version in other bytes (CRLF, NFD ...)
}
SAVED_NOTES = {"unchanged": "unchanged", "copy": "same text as a stored version"}


def store_result(
    dataset: Any, run_id: str, path: str, sha256: str | None, result: Any
) -> DocumentOutcome:
    """Save one document's processed result, or describe its failure; never raises.

    ``result`` is the document's ``ProcessedDocument``, its ``ErrorReport``, or the exception
    that ended the task carrying it.
    """
    return store_results(dataset, run_id, [(path, sha256)], [result])[0]


def store_results(
    dataset: Any, run_id: str, files: list[tuple[str, str | None]], results: list[Any]
) -> list[DocumentOutcome]:
    """``store_result`` for several files (path, sha256) at once: their processed documents are
    saved in one transaction (``Dataset.save_many``); never raises."""
    processed = [
        (result, path)
        for (path, _), result in zip(files, results, strict=True)
        if isinstance(result, ProcessedDocument)
    ]
    saved = iter(dataset.save_many(processed, run_id=run_id) if processed else [])
    return [
        _outcome(
            path, sha256, result, next(saved) if isinstance(result, ProcessedDocument) else None
        )
        for (path, sha256), result in zip(files, results, strict=True)
    ]


def _outcome(
    path: str, sha256: str | None, result: Any, saved: str | Exception | None
) -> DocumentOutcome:
    """What happened to one file: its result failed, could not be saved, or was saved as ``saved``
    says."""
    if isinstance(result, BaseException):
        result = error_report(result, path)
    if isinstance(result, ErrorReport):
        return DocumentOutcome(path=path, sha256=sha256, outcome="failed", error=result)
    if not isinstance(saved, str):  # a result that cannot be stored fails its document only
        error = saved if saved is not None else TypeError(f"not a processed document: {result!r}")
        return DocumentOutcome(
            path=path, sha256=sha256, outcome="failed", error=error_report(error, path)
        )
    processed: ProcessedDocument = result
    return DocumentOutcome(
        path=path,
        sha256=sha256,
        outcome=SAVED_OUTCOMES[saved],  # type: ignore[arg-type]
        seconds=sum(processed.seconds.values()),
        note=SAVED_NOTES.get(saved) or partial_note(processed),
    )


def describe(result: Any) -> str:
    """What was found in a processed document, for its log line: ": 8 pages (ocr), 'Kế hoạch
    ...', 12 deadlines, 30 obligations, 41.2 s"; nothing for a failure."""
    if not isinstance(result, ProcessedDocument):
        return ""
    pages = result.raw_text.pages
    methods = ",".join(sorted({str(page.method) for page in pages}))
    title = result.plan.doc.title or ""
    title = f" '{title[:60]}…'," if len(title) > 60 else (f" '{title}'," if title else "")
    return (
        f": {len(pages)} page(s) ({methods}),{title} {len(result.plan.deadlines)} deadlines, "
        f"{len(result.obligations)} obligations, {sum(result.seconds.values()):.1f} s"
    )


def partial_note(processed: ProcessedDocument) -> str:
    """A "partial: …" note when OCR ran out of time on some pages, stored empty; else nothing."""
    from pipeline.process import ocr_timed_out

    pages = ocr_timed_out(processed.raw_text)
    if not pages:
        return ""
    listed = ", ".join(map(str, pages))
    return f"{PARTIAL}OCR ran out of time on page(s) {listed}, stored empty [ocr-timeout]"


def _label(path: str | Path) -> str:
    return Path(path).name


def _bundle_label(sources: list[SourceDocument]) -> str:
    first = _label(sources[0].path)
    return first if len(sources) == 1 else f"{first} and {len(sources) - 1} more"


def _task_result(future: PrefectFuture[Any]) -> Any:
    """The task's return value (unpacked), or the exception that ended it."""
    try:
        result = future.result()
        return result.unpack() if isinstance(result, Packed) else result
    except Exception as error:
        return error


class _Run:
    """One flow run: submits each document's tasks, then saves and records it as it ends.

    Every method runs in the flow's thread (follow-ups run in ``TaskWindow.wait``), so this is
    the one place that writes the dataset.
    """

    def __init__(self, dataset: Any, settings: PipelineSettings, window: int) -> None:
        self.dataset = dataset
        self.settings = settings
        self.window = TaskWindow(window)
        self.run_id = str(flow_run.get_id())
        self.log = get_run_logger()
        self.outcomes: list[DocumentOutcome] = []

    def settle(self, outcome: DocumentOutcome, detail: str = "") -> None:
        """Record one file's outcome in ``runs``, log what was done to it, report progress."""
        self.settle_all([(outcome, detail)])

    def settle_all(self, settled: list[tuple[DocumentOutcome, str]]) -> None:
        """``settle`` for several files, their ``runs`` rows written at once."""
        record_all(self.dataset, self.run_id, [outcome for outcome, _ in settled])
        for outcome, detail in settled:
            self._log(outcome, detail)

    def _log(self, outcome: DocumentOutcome, detail: str) -> None:
        if outcome.error is not None:
            self.log.warning(
                "failed %s: %s [%s]", outcome.path, outcome.error.reason, outcome.error.code
            )
        else:  # what the Prefect UI's log shows for each document, beside the artifacts
            note = f" ({outcome.note})" if outcome.note else ""
            self.log.info("%s %s%s%s", outcome.outcome, outcome.path, note, detail)
        progress.current().advance(outcome)
        self.outcomes.append(outcome)

    def read(self, sources: list[SourceDocument]) -> None:
        """Submit the reading and processing of one PDF or image, or of a bundle of text files,
        as one task; save each file when the task is back."""
        self.window.make_room()
        if not sources[0].kind.paged:
            bundled = ingest_texts_task.submit(sources, self.settings, _bundle_label(sources))
            self.window.add(bundled, partial(self._bundle_processed, sources))
        else:
            (source,) = sources
            single = ingest_document_task.submit(source, self.settings, _label(source.path))
            self.window.add(single, partial(self._processed, str(source.path), source.sha256))

    def process(self, path: str, text: DocumentText) -> None:
        """Submit restoration and extraction of a document's text; save it when it is back."""
        future = process_text_task.submit(text, self.settings, _label(path))
        self.window.add(future, partial(self._processed, path, text.source.sha256))

    def _processed(self, path: str, sha256: str, future: PrefectFuture[Any]) -> None:
        result = _task_result(future)
        self.settle(store_result(self.dataset, self.run_id, path, sha256, result), describe(result))

    def _bundle_processed(self, sources: list[SourceDocument], future: PrefectFuture[Any]) -> None:
        results = _task_result(future)
        if isinstance(results, BaseException):  # the task itself failed: each file with it
            results = [results] * len(sources)
        files = [(str(source.path), source.sha256) for source in sources]
        outcomes = store_results(self.dataset, self.run_id, files, results)
        self.settle_all([(o, describe(r)) for o, r in zip(outcomes, results, strict=True)])


def _publish(summary: IngestSummary, title: str, key: str) -> None:
    """A table and a Markdown artifact per run, for the Prefect UI."""
    markdown = progress.artifact_markdown(summary, title)
    create_markdown_artifact(markdown=markdown, key=f"{key}-summary", description=title)
    create_table_artifact(
        table=progress.artifact_rows(summary), key=f"{key}-files", description=title
    )


@flow(name="kehoach-ingest", validate_parameters=False)
def ingest_flow(
    paths: list[str],
    db: str = str(DEFAULT_DB),
    settings: PipelineSettings | None = None,
    window: int = 4,
    workers: int = 1,
    plan: BatchPlan | None = None,
) -> IngestSummary:
    """Ingest files, folders and globs: skip the stored, process the rest, record every outcome.

    ``window`` tasks are in flight at once; ``workers`` (how many run at once) sizes the bundles
    of small text files. ``plan`` is the batch as the caller, holding the dataset, already
    planned it (``kehoach ingest``): not identified and looked up twice.
    """
    settings = settings or PipelineSettings()
    started = time.perf_counter()
    with open_dataset(Path(db)) as dataset:
        if plan is None:
            plan = plan_batch(expand_batch(paths, exclude=Path(db)), dataset, settings)
        progress.current().start(plan.total, "ingest")
        run = _Run(dataset, settings, window)
        for outcome in plan.settled:
            run.settle(outcome)
        pages, work = page_counts(plan.pending, settings), plan.text_work
        for sources in bundle(plan.pending, workers, pages, work):
            run.read(sources)
        run.window.drain()
    summary = IngestSummary(
        run_id=run.run_id, outcomes=tuple(run.outcomes), seconds=time.perf_counter() - started
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
    started = time.perf_counter()
    with open_dataset(Path(db)) as dataset:
        progress.current().start(dataset.table_counts()["documents"], "rebuild")
        run = _Run(dataset, settings, window)
        current: list[DocumentOutcome] = []
        for path, raw in _stale_texts(dataset, current):
            run.window.make_room()
            run.process(path, raw)
        run.window.drain()
        for outcome in current:
            run.settle(outcome)
    summary = IngestSummary(
        run_id=run.run_id, outcomes=tuple(run.outcomes), seconds=time.perf_counter() - started
    )
    _publish(summary, "kehoach rebuild", "kehoach-rebuild")
    return summary
