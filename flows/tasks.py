"""The pipeline's stages as Prefect tasks: thin wrappers over ``pipeline.text`` and
``pipeline.process``.

Tasks run in worker threads, worker processes or Dask workers and only RETURN values; the flow
process is the one writer to the dataset. Results are cached under the document's content hash,
the pipeline version and the settings that change the result, so a batch re-run
after a crash does not read or OCR again what finished before it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import signal
import threading
import time
from datetime import timedelta
from typing import Any

from prefect import task

from flows.batch import Packed, error_report
from flows.forkserver import COMMAND_PID_VARIABLE
from kehoach import PIPELINE_VERSION
from schemas import (
    DocumentText,
    ErrorCode,
    ErrorReport,
    KehoachError,
    PipelineSettings,
    ProcessedDocument,
    SourceDocument,
)

TRANSIENT_RETRIES = 2
CACHE_DAYS = 14
PARENT_POLL_SECONDS = 0.5


class DocumentFailed(Exception):
    """A ``KehoachError`` that survives pickling between processes (its args are its fields)."""

    def __init__(self, code: str, path: str, reason: str) -> None:
        super().__init__(code, path, reason)
        self.code = code
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason} [{self.code}]"

    @classmethod
    def from_error(cls, error: KehoachError) -> DocumentFailed:
        return cls(str(error.code), error.path, error.reason)

    @classmethod
    def from_report(cls, report: ErrorReport) -> DocumentFailed:
        return cls(str(report.code), report.path, report.reason)

    def report(self) -> ErrorReport:
        return ErrorReport(code=ErrorCode(self.code), path=self.path, reason=self.reason)


def _changed(source: SourceDocument) -> ErrorReport:
    """The report of a file rewritten between identification and reading."""
    reason = "the file changed while the batch ran: run the batch again when it is complete"
    return ErrorReport(code=ErrorCode.FILE_CHANGED, path=str(source.path), reason=reason)


def settings_digest(settings: PipelineSettings, *, exclude: set[str] | None = None) -> str:
    """A short digest of the settings a stage's output depends on."""
    dumped = settings.model_dump_json(exclude=exclude)
    return hashlib.sha256(dumped.encode()).hexdigest()[:16]


@functools.cache
def schema_digest() -> str:
    """A digest of the shapes a cached result is read back into. A result pickled by a kehoach
    whose models had other fields (a development checkout between version bumps) must miss the
    cache, not come back as an object lacking its new attributes."""
    shapes = {m.__name__: m.model_json_schema() for m in (DocumentText, ProcessedDocument)}
    return hashlib.sha256(json.dumps(shapes, sort_keys=True).encode()).hexdigest()[:12]


def text_cache_key(context: Any, parameters: dict[str, Any]) -> str:
    """Text read from a file depends on its content and the reading settings, not on restore."""
    source: SourceDocument = parameters["source"]
    digest = settings_digest(parameters["settings"], exclude={"restore"})
    return f"kehoach-text-{source.sha256}-{PIPELINE_VERSION}-{schema_digest()}-{digest}"


def processed_cache_key(context: Any, parameters: dict[str, Any]) -> str:
    """Restoration and extraction depend on the text's source content and every setting."""
    raw: DocumentText = parameters["raw"]
    digest = settings_digest(parameters["settings"])
    return f"kehoach-processed-{raw.source.sha256}-{PIPELINE_VERSION}-{schema_digest()}-{digest}"


def is_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry on OS and timeout errors only: a bad file fails the same way every time."""
    try:
        state.result()
    except DocumentFailed:
        return False
    except (OSError, TimeoutError):
        return True
    except Exception:  # a programming error: retrying repeats it
        return False
    return False


def _parent_of(pid: int) -> int | None:
    """The parent of process ``pid`` (Linux's /proc), or None when it is gone or unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return int(stat.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _command_gone(command: int, parent: int) -> bool:
    """True when the command that started this worker has ended. A spawned worker's parent is
    the command; a forked one's is the forkserver, which does not end with the command (each
    worker holds the pipe it watches), so its own parent is looked at."""
    if os.getppid() != parent:
        return True
    return parent != command and _parent_of(parent) not in (command, None)


def _exit_with_command(command: int, parent: int) -> None:
    """End this worker as soon as the command that started it is gone (killed, even by -9).

    A process-pool worker waits on a queue its own process holds open, so it never sees the
    command die: it would wait for ever, an orphan, and the resource tracker with it.
    """
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if _command_gone(command, parent):
            os._exit(1)


def warm_worker() -> None:
    """Run once per local worker process: exit with the command, and import the chain so models
    load once per process (a forked worker has them already)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle
    parent = os.getppid()
    command = int(os.environ.get(COMMAND_PID_VARIABLE, "0")) or parent
    threading.Thread(
        target=_exit_with_command,
        args=(command, parent),
        name="kehoach-exit-with-command",
        daemon=True,
    ).start()
    import pipeline.process  # noqa: F401


@task(
    name="read-text",
    task_run_name="read {label}",
    cache_key_fn=text_cache_key,
    cache_expiration=timedelta(days=CACHE_DAYS),
    retries=TRANSIENT_RETRIES,
    retry_delay_seconds=2,
    retry_condition_fn=is_transient,
)
def read_text_task(source: SourceDocument, settings: PipelineSettings, label: str) -> DocumentText:
    """Read a file's text (text layer, OCR or plain text); raise DocumentFailed for a bad file."""
    from pipeline.process import read_text

    failure = None
    try:
        text = read_text(source.path, settings)
    except KehoachError as error:
        failure = DocumentFailed.from_error(error)
    if failure is not None:  # raised outside the handler: no chain back to the reader's frames
        raise failure
    if text.source.sha256 != source.sha256:
        raise DocumentFailed.from_report(_changed(source))
    return text


@task(
    name="process-text",
    task_run_name="extract {label}",
    cache_key_fn=processed_cache_key,
    cache_expiration=timedelta(days=CACHE_DAYS),
    retries=TRANSIENT_RETRIES,
    retry_delay_seconds=2,
    retry_condition_fn=is_transient,
)
def process_text_task(
    raw: DocumentText, settings: PipelineSettings, label: str
) -> ProcessedDocument:
    """Restore and extract from text already read; raise DocumentFailed for a bad document."""
    from pipeline.process import process_text

    read_seconds = sum(page.seconds for page in raw.pages)
    try:
        return process_text(raw, settings, {"read": read_seconds})
    except KehoachError as error:
        failure = DocumentFailed.from_error(error)
    raise failure  # outside the handler: no chain back to the stage's frames


@task(name="ingest-document", task_run_name="ingest {label}")
def ingest_document_task(
    source: SourceDocument, settings: PipelineSettings, label: str
) -> ProcessedDocument:
    """Read and process one PDF or image in the worker that got it: both stages run here as
    nested task runs, each cached and retried on its own, so OCR done before a crash is not done
    again, the text never travels between processes, and a worker process pays Prefect's
    start-up of a task once per document."""
    text = read_text_task(source, settings, label)
    return process_text_task(text, settings, label)


@task(
    name="ingest-texts",
    task_run_name="ingest {label}",
    retries=TRANSIENT_RETRIES,
    retry_delay_seconds=2,
    retry_condition_fn=is_transient,
)
def ingest_texts_task(
    sources: list[SourceDocument], settings: PipelineSettings, label: str
) -> Packed[list[ProcessedDocument | ErrorReport]]:
    """Read and process a bundle of plain-text files (``flows.batch.bundle``), one after another.

    Not cached and no task run per file: a text file is processed in a fraction of a second,
    less than the Prefect server spends recording a task run, so a bundle lost in a crash is
    cheaper to process again than to cache. A file that fails becomes its error report and the
    bundle goes on; an OS error retries the bundle. The results come back ``Packed``: unpickled
    once in the command, not once per callback.
    """
    from pipeline.process import process_file

    results: list[ProcessedDocument | ErrorReport] = []
    for source in sources:
        try:
            processed = process_file(source.path, settings)
        except KehoachError as error:
            results.append(error.report())
            continue
        except OSError:
            raise
        except Exception as error:  # a programming error: this file's, recorded with its reason
            results.append(error_report(error, source.path))
            continue
        if processed.source.sha256 != source.sha256:
            results.append(_changed(source))
        else:
            results.append(processed)
    return Packed(results)
