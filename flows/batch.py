"""A batch without Prefect: which files, which of them need work, and what happened to each.

Plain functions over the store, so the command can answer "nothing to do" without starting a
Prefect server, and so the flows stay thin.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

from kehoach import PIPELINE_VERSION
from schemas import ErrorCode, ErrorReport, PipelineSettings, RunEntry, SourceDocument
from schemas.common import Frozen
from schemas.errors import os_error, storable_path

Outcome = Literal["ingested", "replaced", "skipped", "failed"]
T = TypeVar("T")
PARTIAL = "partial: "  # the note of a document stored with some pages left unread
# A task carrying plain-text files carries about this much text: about 4 s of restoration and
# extraction, against 0.2-0.6 s of Prefect's cost of running a task in a worker process and its
# handling in the command (600 texts, 2 processes: 1.35-1.37x with 1 MB bundles, 1.23-1.29x
# with 256 KB ones).
BUNDLE_TEXT_BYTES = 1024 * 1024
BUNDLES_PER_WORKER = 3  # enough tasks that no worker idles while another finishes a long one
# With several workers, each bundle carries this share of the text work still unbundled: large
# bundles first, smaller ones at the end, so the workers finish together (a 300-text batch in 6
# equal bundles left one worker idle for up to a bundle's 3 s at the end).
GUIDED_SHARE = 2
MIN_BUNDLE_SECONDS = 0.5  # a task's cost in Prefect is a few tens of ms: worth this much work


class Packed(Generic[T]):
    """A task's return value that crosses processes as one pickled ``bytes`` and is unpickled
    once, where it is used (``unpack``). Prefect's process pool unpickles a result once for each
    callback on its future and again for ``result()`` (three times in a flow that waits on it):
    a bundle's processed documents are some hundred thousand pydantic objects, 3 CPU ms a
    document each time, in the command that also saves them. In a thread nothing is pickled."""

    def __init__(self, value: T) -> None:
        self._value: T | None = value
        self._blob: bytes | None = None

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        blob = self._blob if self._blob is not None else pickle.dumps(self._value, -1)
        return (Packed._from_blob, (blob,))

    @staticmethod
    def _from_blob(blob: bytes) -> Packed[Any]:
        packed: Packed[Any] = Packed(None)
        packed._blob = blob
        return packed

    def unpack(self) -> T:
        """The value, unpickled on the first call."""
        if self._blob is not None:
            self._value, self._blob = pickle.loads(self._blob), None
        return self._value  # type: ignore[return-value]


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
    text_work: dict[str, float] = field(default_factory=dict)
    """Estimated seconds of each pending plain-text file, by sha256
    (``pipeline.workload.text_seconds``), judged from the bytes identification read: the
    choice of workers and the sizes of the bundles both go by it."""
    legacy_texts: int = 0
    """Pending plain-text files without diacritics (restored line by line)."""

    @property
    def total(self) -> int:
        return len(self.pending) + len(self.settled)

    def add_pending(self, source: SourceDocument, head: bytes) -> None:
        """A file to process; a plain-text file's work is judged from its first bytes."""
        from pipeline.workload import has_diacritics, text_seconds

        self.pending.append(source)
        if not source.kind.paged:
            marked = has_diacritics(head)
            self.text_work[source.sha256] = text_seconds(source, marked)
            self.legacy_texts += not marked


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
    from pipeline.ingest import identify_with_head

    plan = BatchPlan()
    first_path: dict[str, str] = {}
    for path in files:
        if isinstance(path, ErrorReport):
            plan.settled.append(DocumentOutcome(path=path.path, outcome="failed", error=path))
            continue
        try:
            source, head = identify_with_head(path, settings.limits)
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
            plan.add_pending(source, head)
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
    sources: Sequence[SourceDocument],
    workers: int,
    pages: Mapping[str, int] | None = None,
    work: Mapping[str, float] | None = None,
) -> list[list[SourceDocument]]:
    """The files of a batch grouped into the tasks that carry them, largest work first.

    A PDF or an image may need seconds of OCR per page, so it travels alone, the most
    ``pages`` first (then the largest): a long scan started last would leave the other workers
    idle while it ends. Plain-text files take a fraction of a second each, less than Prefect's
    cost of the task that carries them, so they travel together, at most ``BUNDLE_TEXT_BYTES``
    of text a task. With one worker, the bundles carry about the same work, at least
    ``BUNDLES_PER_WORKER`` of them (each file, largest first, joins the lightest). With more,
    each bundle carries ``1 / (GUIDED_SHARE * workers)`` of the text work left, so the last
    bundles are small and the workers end together. ``work`` is each text's estimated seconds
    (``pipeline.workload.text_seconds``, by sha256); its size stands in where it is missing.
    """
    pages = pages or {}
    largest_first = sorted(
        sources, key=lambda s: (pages.get(s.sha256, 0), s.size_bytes), reverse=True
    )
    alone = [[s] for s in largest_first if s.kind.paged]
    work = work or {}
    texts = sorted(
        (s for s in largest_first if not s.kind.paged),
        key=lambda s: work.get(s.sha256, s.size_bytes / BUNDLE_TEXT_BYTES),
        reverse=True,
    )
    if workers <= 1:
        return alone + _even_bundles(texts, workers)
    costs = [work.get(s.sha256, s.size_bytes / BUNDLE_TEXT_BYTES) for s in texts]
    return alone + _guided_bundles(texts, costs, workers)


def _even_bundles(texts: list[SourceDocument], workers: int) -> list[list[SourceDocument]]:
    """About ``BUNDLE_TEXT_BYTES`` a bundle, at least ``BUNDLES_PER_WORKER`` per worker."""
    text_bytes = sum(s.size_bytes for s in texts)
    wanted = max(math.ceil(text_bytes / BUNDLE_TEXT_BYTES), workers * BUNDLES_PER_WORKER)
    bundles: list[list[SourceDocument]] = [[] for _ in range(min(len(texts), wanted))]
    loads = [0] * len(bundles)
    for source in texts:
        lightest = loads.index(min(loads))
        bundles[lightest].append(source)
        loads[lightest] += source.size_bytes
    return bundles


def _guided_bundles(
    texts: list[SourceDocument], costs: list[float], workers: int
) -> list[list[SourceDocument]]:
    """Texts in their order (largest first), each bundle taking its share of the work left."""
    left = sum(costs)
    floor = min(MIN_BUNDLE_SECONDS, left / (GUIDED_SHARE * workers * BUNDLES_PER_WORKER))
    bundles: list[list[SourceDocument]] = []
    current: list[SourceDocument] = []
    carried = size = 0.0
    target = max(left / (GUIDED_SHARE * workers), floor)
    for source, cost in zip(texts, costs, strict=True):
        if current and (carried >= target or size + source.size_bytes > BUNDLE_TEXT_BYTES):
            bundles.append(current)
            current, carried, size = [], 0.0, 0.0
            target = max(left / (GUIDED_SHARE * workers), floor)
        current.append(source)
        carried += cost
        size += source.size_bytes
        left -= cost
    return [*bundles, current] if current else bundles


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
