"""The parts of a batch that need no Prefect: paths, planning, keys, retries, summaries."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from flows.batch import (
    BUNDLE_TEXT_BYTES,
    DocumentOutcome,
    IngestSummary,
    bundle,
    expand_paths,
    page_counts,
    plan_batch,
    record_all,
)
from flows.env import DEFAULTS, apply_defaults
from flows.progress import artifact_markdown, artifact_rows
from kehoach import PIPELINE_VERSION
from pipeline.process import process_file
from pipeline.storage.store import Dataset
from schemas import (
    ErrorCode,
    ErrorReport,
    KehoachError,
    PipelineSettings,
    SourceDocument,
    SourceKind,
)
from tests.support import ingest_files, write_plans


def test_expand_paths_reads_folders_globs_and_files_once(tmp_path: Path) -> None:
    write_plans(tmp_path / "a", 2)
    write_plans(tmp_path / "a" / "nested", 1, start=5)
    (tmp_path / "a" / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "kehoach.duckdb").write_bytes(b"db")
    (tmp_path / "a" / "kehoach.duckdb.wal").write_bytes(b"wal")

    found = expand_paths(
        [
            str(tmp_path / "a"),
            str(tmp_path / "a" / "plan-*.txt"),  # the same files again
            str(tmp_path / "missing.pdf"),
        ],
        exclude=tmp_path / "a" / "kehoach.duckdb",
    )

    names = [str(p.relative_to(tmp_path)) for p in found]
    assert names == ["a/nested/plan-005.txt", "a/plan-000.txt", "a/plan-001.txt", "missing.pdf"]


def test_expand_paths_recursive_glob(tmp_path: Path) -> None:
    write_plans(tmp_path / "x" / "y", 2)
    found = expand_paths([str(tmp_path / "**" / "*.txt")])
    assert [p.name for p in found] == ["plan-000.txt", "plan-001.txt"]


def test_defaults_fill_only_what_the_operator_left_unset() -> None:
    environ = {"PREFECT_SERVER_ANALYTICS_ENABLED": "true", "PREFECT_HOME": "/srv/prefect"}
    apply_defaults(environ)
    assert environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "true"
    assert environ["PREFECT_HOME"] == "/srv/prefect"
    assert int(environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]) >= 60
    assert set(DEFAULTS) <= set(environ)


def test_plan_batch_skips_stored_and_repeated_files_and_records_bad_ones(tmp_path: Path) -> None:
    plans = write_plans(tmp_path / "batch", 3)
    copy = tmp_path / "batch" / "zz-copy-of-000.txt"
    copy.write_bytes(plans[0].read_bytes())
    (tmp_path / "batch" / "empty.txt").write_bytes(b"")
    settings = PipelineSettings()
    ingest_files(tmp_path / "k.duckdb", [plans[1]], settings)
    with Dataset(tmp_path / "k.duckdb") as dataset:
        plan = plan_batch(expand_paths([str(tmp_path / "batch")]), dataset, settings)

    assert sorted(s.path.name for s in plan.pending) == ["plan-000.txt", "plan-002.txt"]
    settled = {Path(o.path).name: o for o in plan.settled}
    assert settled["plan-001.txt"].note == "unchanged"
    assert settled["zz-copy-of-000.txt"].outcome == "skipped"
    assert "plan-000.txt" in settled["zz-copy-of-000.txt"].note
    assert settled["empty.txt"].error is not None
    assert settled["empty.txt"].error.code == ErrorCode.EMPTY


def test_a_batch_logs_one_run_row_per_file_as_it_always_has(tmp_path: Path) -> None:
    encrypted = ErrorReport(code=ErrorCode.ENCRYPTED, path="b.pdf", reason="PDF is encrypted")
    outcomes = [
        DocumentOutcome(path="a.txt", sha256="aa" * 32, outcome="replaced", seconds=1.5),
        DocumentOutcome(path="b.pdf", outcome="failed", error=encrypted),
        DocumentOutcome(path="Quye\u0302\u0301t.txt", sha256="cc" * 32, outcome="skipped"),
    ]
    with Dataset(tmp_path / "k.duckdb") as dataset:
        record_all(dataset, "r1", outcomes)
        rows = dataset.query(
            "SELECT run_id, path, sha256, outcome, error_code, reason, pipeline_version, seconds,"
            ' "at" IS NOT NULL AS dated FROM runs ORDER BY path'
        )
    common = {"run_id": "r1", "pipeline_version": PIPELINE_VERSION, "dated": True}
    assert rows == [
        {**common, "path": "Quyết.txt", "sha256": "cc" * 32, "outcome": "skipped",
         "error_code": None, "reason": None, "seconds": 0.0},
        {**common, "path": "a.txt", "sha256": "aa" * 32, "outcome": "ingested",
         "error_code": None, "reason": None, "seconds": 1.5},
        {**common, "path": "b.pdf", "sha256": None, "outcome": "failed",
         "error_code": "encrypted", "reason": "PDF is encrypted", "seconds": 0.0},
    ]  # fmt: skip


def test_document_failure_crosses_process_boundaries_with_its_reason() -> None:
    from flows.tasks import DocumentFailed

    error = KehoachError(ErrorCode.CORRUPT, "/in/x.pdf", "not a readable PDF")
    failed = pickle.loads(pickle.dumps(DocumentFailed.from_error(error)))
    assert failed.report() == error.report()


class _Finished:
    """A finished task's state as Prefect's retry hook sees it: ``result()`` raises its error."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def result(self) -> None:
        raise self.error


def test_only_transient_errors_are_retried() -> None:
    from flows.tasks import DocumentFailed, is_transient

    def retried(error: BaseException) -> bool:
        return is_transient(None, None, _Finished(error))

    assert retried(OSError("disk went away"))
    assert retried(TimeoutError("worker timed out"))
    assert not retried(DocumentFailed("corrupt", "/x.pdf", "broken"))
    assert not retried(ValueError("a bug"))


def test_cache_keys_follow_content_version_and_settings(tmp_path: Path) -> None:
    from flows.tasks import processed_cache_key, schema_digest, text_cache_key
    from pipeline.ingest import identify

    (path,) = write_plans(tmp_path, 1)
    source = identify(path, PipelineSettings().limits)
    plain, no_restore = PipelineSettings(), PipelineSettings(restore=False)

    def text_key(settings: PipelineSettings) -> str:
        return text_cache_key(None, {"source": source, "settings": settings})

    assert source.sha256 in text_key(plain) and PIPELINE_VERSION in text_key(plain)
    assert schema_digest() in text_key(plain)  # a result of other model shapes is never read back
    assert text_key(plain) == text_key(no_restore)  # restoration does not change the text read
    assert text_key(plain) != text_key(PipelineSettings(dpi=200))
    raw = process_file(path, plain).raw_text
    assert processed_cache_key(None, {"raw": raw, "settings": plain}) != processed_cache_key(
        None, {"raw": raw, "settings": no_restore}
    )


def test_summary_artifacts_carry_every_failure_reason() -> None:
    failure = ErrorReport(code=ErrorCode.CORRUPT, path="/in/b.pdf", reason="not a readable PDF")
    summary = IngestSummary(
        run_id="r1",
        outcomes=(
            DocumentOutcome(path="/in/a.txt", sha256="a" * 64, outcome="ingested", seconds=1.5),
            DocumentOutcome(path="/in/c.txt", outcome="skipped", note="unchanged"),
            DocumentOutcome(path="/in/b.pdf", outcome="failed", error=failure),
        ),
    )
    assert [len(summary.ingested), len(summary.skipped), len(summary.failed)] == [1, 1, 1]
    markdown = artifact_markdown(summary, "kehoach ingest")
    assert "| /in/b.pdf | corrupt | not a readable PDF |" in markdown
    rows = artifact_rows(summary)
    assert [row["outcome"] for row in rows] == ["ingested", "skipped", "failed"]


def test_remote_dask_workers_are_warned_about_a_loopback_prefect_api() -> None:
    from flows.server import unreachable_api_warning

    local_api = "http://127.0.0.1:8123/api"
    assert unreachable_api_warning(local_api, "tcp://10.0.0.5:8786") is not None
    assert unreachable_api_warning(local_api, "tcp://127.0.0.1:8786") is None
    assert unreachable_api_warning("http://10.0.0.2:4200/api", "tcp://10.0.0.5:8786") is None
    assert unreachable_api_warning(local_api, None) is None


def _source(name: str, kind: SourceKind, size: int) -> SourceDocument:
    sha256 = hashlib.sha256(name.encode()).hexdigest()
    return SourceDocument(path=Path(name), sha256=sha256, kind=kind, size_bytes=size)


def test_scans_travel_alone_and_small_text_files_together_largest_first() -> None:
    scans = [
        _source(n, SourceKind.PDF, size) for n, size in (("a", 10_000), ("b", 90_000), ("c", 5))
    ]
    texts = [_source(str(i), SourceKind.TEXT, 20_000 + i) for i in range(9)]
    pages = {scans[0].sha256: 5, scans[1].sha256: 5, scans[2].sha256: 12}
    bundles = bundle([*texts, *scans], workers=1, pages=pages)

    # The most pages first, then the largest file: OCR work, not bytes.
    assert [[s.path.name for s in b] for b in bundles[:3]] == [["c"], ["b"], ["a"]]
    carried = [s for b in bundles[3:] for s in b]
    assert sorted(s.path.name for s in carried) == sorted(s.path.name for s in texts)
    assert carried[0].path.name == "8"  # the largest text first
    assert [len(b) for b in bundles[3:]] == [3, 3, 3]  # three bundles for one worker
    assert {sum(s.size_bytes for s in b) for b in bundles[3:]} == {60_011, 60_012, 60_013}


def test_bundles_carry_about_the_limit_of_text_and_a_larger_file_alone() -> None:
    texts = [_source(str(i), SourceKind.TEXT, BUNDLE_TEXT_BYTES // 3) for i in range(30)]
    texts.append(_source("huge", SourceKind.TEXT, 2 * BUNDLE_TEXT_BYTES))
    bundles = bundle(texts, workers=2)

    assert [s.path.name for s in bundles[0]] == ["huge"]
    assert all(sum(s.size_bytes for s in b) <= BUNDLE_TEXT_BYTES for b in bundles[1:])
    assert sum(len(b) for b in bundles) == 31


def test_a_small_text_batch_runs_in_one_process_scans_get_the_workers_asked() -> None:
    from flows.runners import batch_workers

    # unreadable paths count as legacy text without diacritics, the costlier kind
    small = [_source(str(i), SourceKind.TEXT, 30_000) for i in range(10)]
    large = [_source(str(i), SourceKind.TEXT, 300_000) for i in range(10)]
    scan = _source("scan", SourceKind.PDF, 1_000)

    assert batch_workers(small, workers=2) == 1
    assert batch_workers(large, workers=2) == 2
    assert batch_workers([*small, scan], workers=2) == 2
    assert batch_workers(small, workers=2, dask_address="tcp://127.0.0.1:8786") == 2


def test_the_work_of_a_text_is_judged_by_whether_it_has_its_diacritics(tmp_path: Path) -> None:
    from flows.runners import batch_workers
    from pipeline.ingest import identify
    from pipeline.workload import SECONDS_PER_MB_MARKED, SECONDS_PER_MB_UNMARKED, text_seconds

    line = "Ủy ban nhân dân tỉnh ban hành kế hoạch thực hiện nhiệm vụ năm 2024.\n"
    marked, legacy = tmp_path / "marked.txt", tmp_path / "legacy.txt"
    marked.write_text(line * 8_000, encoding="utf-8")
    legacy.write_text("Uy ban nhan dan tinh ban hanh ke hoach thuc hien nam 2024.\n" * 9_000)
    settings = PipelineSettings()
    sources = [identify(path, settings.limits) for path in (marked, legacy)]
    mb = [source.size_bytes / 1024 / 1024 for source in sources]

    assert text_seconds(sources[0]) == SECONDS_PER_MB_MARKED * mb[0]
    assert text_seconds(sources[1]) == SECONDS_PER_MB_UNMARKED * mb[1]
    # a batch judges them from the bytes identification read to hash them, not read again
    with Dataset(tmp_path / "k.duckdb") as dataset:
        plan = plan_batch([marked, legacy], dataset, settings)
    assert plan.text_work == {s.sha256: text_seconds(s) for s in sources}
    assert plan.legacy_texts == 1
    # about 0.5 MB each: the text with diacritics is not worth a second worker, the legacy one is
    assert batch_workers(sources[:1], workers=2) == 1
    assert batch_workers(sources[1:], workers=2) == 2


def test_with_two_workers_bundles_shrink_towards_the_end_and_carry_every_file() -> None:
    texts = [_source(str(i), SourceKind.TEXT, 7_000 + 10 * i) for i in range(300)]
    work = {s.sha256: 0.07 for s in texts}

    bundles = bundle(texts, workers=2, work=work)

    carried = [s for b in bundles for s in b]
    assert sorted(s.path.name for s in carried) == sorted(s.path.name for s in texts)
    seconds = [0.07 * len(b) for b in bundles]
    assert seconds == sorted(seconds, reverse=True)  # the largest first, the smallest last
    assert seconds[0] >= 21 * 0.25 - 0.07  # a quarter of the 21 s for the first
    assert seconds[-1] <= 0.5 + 0.07  # the last ones small: the workers end together
    assert len(bundles) < 30  # and not so many that Prefect's cost of a task adds up


def test_page_counts_measure_pdfs_without_reading_them_and_a_broken_one_counts_zero(
    tmp_path: Path,
) -> None:
    from pipeline.ingest import identify
    from tests.hostile_makers import good_pdf_bytes

    (tmp_path / "three.pdf").write_bytes(good_pdf_bytes(pages=3))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really\n")
    (tmp_path / "plan.txt").write_text("Kế hoạch\n", encoding="utf-8")
    settings = PipelineSettings()
    sources = {p.name: identify(p, settings.limits) for p in sorted(tmp_path.iterdir())}

    counts = page_counts(sources.values(), settings)

    assert counts == {sources["three.pdf"].sha256: 3, sources["broken.pdf"].sha256: 0}


def test_a_text_file_failing_inside_a_bundle_fails_alone(tmp_path: Path) -> None:
    from flows.tasks import ingest_texts_task
    from pipeline.ingest import identify
    from schemas import ProcessedDocument

    first, second = write_plans(tmp_path, 2, start=90)
    english = tmp_path / "minutes.txt"
    english.write_text("Minutes of the meeting held on Monday about the budget.\n" * 40)
    settings = PipelineSettings()
    sources = [identify(path, settings.limits) for path in (first, english, second)]

    results = pickle.loads(pickle.dumps(ingest_texts_task.fn(sources, settings, "bundle"))).unpack()

    assert isinstance(results[0], ProcessedDocument) and isinstance(results[2], ProcessedDocument)
    assert results[2].source.path == second
    report = results[1]
    assert isinstance(report, ErrorReport)
    assert (str(report.code), report.path) == ("not-vietnamese", str(english))
