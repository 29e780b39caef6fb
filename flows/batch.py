"""A batch without Prefect: which files, which of them need work, and what happened to each.

Plain functions over the store, so the command can answer "nothing to do" without starting a
Prefect server, and so the flows stay thin.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from kehoach import PIPELINE_VERSION
from schemas import ErrorCode, ErrorReport, PipelineSettings, RunEntry, SourceDocument
from schemas.common import Frozen
from schemas.errors import os_error, storable_path

Outcome = Literal["ingested", "replaced", "skipped", "failed"]
PARTIAL = "partial: "  # the note of a document stored with some pages left unread
# A task carrying plain-text files carries about this much text: about 4 s of restoration and
# extraction, against 0.2-0.6 s of Prefect's cost of running a task in a worker process and its
# handling in the command (600 texts, 2 processes: 1.35-1.37x with 1 MB bundles, 1.23-1.29x
# with 256 KB ones).
BUNDLE_TEXT_BYTES = 1024 * 1024
BUNDLES_PER_WORKER = 3  # enough tasks that no worker idles while another finishes a long one


class DocumentOutcome(Frozen):
    """What one run did to one file."""

    path: str
    sha256: str | None = None
    outcome: Outcome
    error: ErrorReport | None = None
    seconds: float = 0.0
    note: str = ""

    def run_entry(self, run_id: str) -> RunEntry:
        """This outcome as the ``runs`` log keeps it: a replaced document was "ingested"."""
        return RunEntry(
            run_id=run_id,
            path=self.path,
            sha256=self.sha256,
            outcome="ingested" if self.outcome == "replaced" else self.outcome,
            pipeline_version=PIPELINE_VERSION,
            error=self.error,
            seconds=self.seconds,
        )


class IngestSummary(Frozen):
    """What one run did to every file it was given."""

    run_id: str
    outcomes: tuple[DocumentOutcome, ...] = ()
    seconds: float = 0.0
    used_prefect: bool = True

    @property
    def ingested(self) -> list[DocumentOutcome]:
        """Documents stored by this run (new or replacing an older pipeline version)."""
        return [o for o in self.outcomes if o.outcome in ("ingested", "replaced")]

    @property
    def skipped(self) -> list[DocumentOutcome]:
        """Documents already stored with this pipeline version (or repeated in the batch)."""
        return [o for o in self.outcomes if o.outcome == "skipped"]

    @property
    def partial(self) -> list[DocumentOutcome]:
        """Documents stored with some pages unread (OCR out of time): to look at again."""
        return [o for o in self.ingested if o.note.startswith(PARTIAL)]

    @property
    def failed(self) -> list[DocumentOutcome]:
        """Files set aside, each with its error code and reason."""
        return [o for o in self.outcomes if o.outcome == "failed"]


class RunLog(Protocol):
    """The part of ``pipeline.storage.store.Dataset`` a batch needs to decide and to record."""

    def is_current(self, sha256: str, pipeline_version: str) -> bool: ...

    def record_runs(self, entries: Sequence[RunEntry]) -> None: ...


@dataclass
class BatchPlan:
    """Files split into those to process and those already settled before any work."""

    pending: list[SourceDocument] = field(default_factory=list)
    settled: list[DocumentOutcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.pending) + len(self.settled)


def expand_batch(
    patterns: Sequence[str | Path], *, exclude: Path | None = None
) -> list[Path | ErrorReport]:
    """Files named by ``patterns`` (files, folders, globs) in order, each once, and the entries
    refused while finding them (broken links, links out of the folder, unlistable folders).

    ``exclude`` is the dataset file: a batch folder may hold it, and its WAL beside it.
    """
    from pipeline.walk import Expansion, expand

    found = Expansion()
    for pattern in patterns:
        expand(str(pattern), found)
    seen: set[Path] = set()
    if exclude is not None:
        db = Path(exclude).resolve()
        seen |= {db, db.with_name(db.name + ".wal")}
    named: list[Path | ErrorReport] = []
    for path in found.files:
        try:
            key = path.resolve()
        except (OSError, RuntimeError):  # a looping link: identification reports it
            key = path.absolute()
        if key not in seen:
            seen.add(key)
            named.append(path)
    refused = {report.path: report for report in found.refused}
    return named + list(refused.values())


def expand_paths(patterns: Sequence[str | Path], *, exclude: Path | None = None) -> list[Path]:
    """The files of ``expand_batch``, without the refusals."""
    return [path for path in expand_batch(patterns, exclude=exclude) if isinstance(path, Path)]


def error_report(error: BaseException, path: str | Path) -> ErrorReport:
    """The stored form of any failure: a KehoachError keeps its code, anything else is internal."""
    report = getattr(error, "report", None)
    if callable(report):
        found = report()
        if isinstance(found, ErrorReport):
            return found
    if isinstance(error, OSError):
        found_os = os_error(error, path)
        if found_os is not None:
            return found_os.report()
    reason = f"{type(error).__name__}: {error}"
    return ErrorReport(code=ErrorCode.INTERNAL, path=storable_path(path), reason=reason)


def plan_batch(
    files: Iterable[Path | ErrorReport], dataset: RunLog, settings: PipelineSettings
) -> BatchPlan:
    """Identify every file (hash only, no OCR) and set aside the stored, repeated and unreadable.

    An ``ErrorReport`` among ``files`` is an entry refused while expanding the batch.
    """
    from pipeline.ingest import identify

    plan = BatchPlan()
    first_path: dict[str, str] = {}
    for path in files:
        if isinstance(path, ErrorReport):
            plan.settled.append(DocumentOutcome(path=path.path, outcome="failed", error=path))
            continue
        try:
            source = identify(path, settings.limits)
        except Exception as error:  # unreadable (permissions, I/O): this file fails, not the batch
            report = error_report(error, path)
            plan.settled.append(DocumentOutcome(path=report.path, outcome="failed", error=report))
            continue
        sha256 = source.sha256
        if sha256 in first_path:
            note = f"same content as {first_path[sha256]}"
            plan.settled.append(
                DocumentOutcome(path=str(path), sha256=sha256, outcome="skipped", note=note)
            )
        elif dataset.is_current(sha256, PIPELINE_VERSION):
            plan.settled.append(
                DocumentOutcome(path=str(path), sha256=sha256, outcome="skipped", note="unchanged")
            )
        else:
            plan.pending.append(source)
        first_path.setdefault(sha256, str(path))
    return plan


def page_counts(sources: Iterable[SourceDocument], settings: PipelineSettings) -> dict[str, int]:
    """Pages of each PDF and image (by sha256), the measure of its OCR work; a few milliseconds
    a file, nothing read. A file that cannot be opened counts 0: it will fail at once."""
    from pipeline.text import page_count

    counts = {}
    for source in sources:
        if source.kind.paged:
            try:
                counts[source.sha256] = page_count(source, settings)
            except Exception:
                counts[source.sha256] = 0
    return counts


def bundle(
    sources: Sequence[SourceDocument], workers: int, pages: Mapping[str, int] | None = None
) -> list[list[SourceDocument]]:
    """The files of a batch grouped into the tasks that carry them, largest work first.

    A PDF or an image may need seconds of OCR per page, so it travels alone, the most
    ``pages`` first (then the largest): a long scan started last would leave the other workers
    idle while it ends. Plain-text files
    take a fraction of a second each, less than Prefect's cost of the task that carries them, so
    they travel together: about ``BUNDLE_TEXT_BYTES`` of text a task, in more and smaller
    bundles when that would leave fewer than ``BUNDLES_PER_WORKER`` tasks per worker. Each file,
    largest first, joins the lightest bundle, so the bundles carry about the same work.
    """
    pages = pages or {}
    largest_first = sorted(
        sources, key=lambda s: (pages.get(s.sha256, 0), s.size_bytes), reverse=True
    )
    alone = [[s] for s in largest_first if s.kind.paged]
    texts = [s for s in largest_first if not s.kind.paged]
    text_bytes = sum(s.size_bytes for s in texts)
    wanted = max(math.ceil(text_bytes / BUNDLE_TEXT_BYTES), workers * BUNDLES_PER_WORKER)
    bundles: list[list[SourceDocument]] = [[] for _ in range(min(len(texts), wanted))]
    loads = [0] * len(bundles)
    for source in texts:
        lightest = loads.index(min(loads))
        bundles[lightest].append(source)
        loads[lightest] += source.size_bytes
    return alone + bundles


def record(dataset: RunLog, run_id: str, outcome: DocumentOutcome) -> None:
    """Log one file's outcome in the ``runs`` table (a failure is the file's quarantine entry)."""
    record_all(dataset, run_id, [outcome])


def record_all(dataset: RunLog, run_id: str, outcomes: Sequence[DocumentOutcome]) -> None:
    """Log several files' outcomes in ``runs`` with one insert (a bundle of texts)."""
    dataset.record_runs([outcome.run_entry(run_id) for outcome in outcomes])


# --------------------------------------------------------------------------- the one writer

_shared: dict[Path, object] = {}


@contextmanager
def sharing(dataset: object, db: Path) -> Iterator[None]:
    """Let flows run in this block use ``dataset`` (already open, its lock held) for ``db``."""
    key = Path(db).resolve()
    _shared[key] = dataset
    try:
        yield
    finally:
        _shared.pop(key, None)


@contextmanager
def open_dataset(db: Path) -> Iterator[Any]:
    """The dataset the command already holds for ``db``, or a newly opened one (one writer)."""
    shared = _shared.get(Path(db).resolve())
    if shared is not None:
        yield shared
        return
    from pipeline.storage.store import Dataset

    with Dataset(Path(db)) as dataset:
        yield dataset
