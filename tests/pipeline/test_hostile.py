"""Every hostile input gets its expected error code (or a correct result) in bounded time and
memory, and a batch mixing them with good files still ingests every good file."""

from __future__ import annotations

import multiprocessing
import os
import resource
from pathlib import Path

import pytest

from schemas import KehoachError, Limits, PipelineSettings
from tests.hostile_catalogue import CASES, PLAN_TEXT, Case

SECONDS_PER_CASE = 90
MEMORY_BYTES = 3 * 1024**3


def _run_case(name: str, path: Path) -> tuple[str, str]:
    """Run the whole chain on one hostile file in this (child) process, under a memory cap."""
    case = next(case for case in CASES if case.name == name)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    from pipeline.process import process_file

    try:
        result = process_file(path, PipelineSettings(limits=case.limits))
    except KehoachError as error:
        return "error", f"{error.code}|{error.path}|{error.reason}"
    if case.check is None:
        return "ok", "no check"
    return ("ok", "checked") if case.check(result) else ("wrong", "check failed")


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_case(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    path = case.make(folder)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        pending = pool.apply_async(_run_case, (case.name, path))
        outcome, detail = pending.get(timeout=SECONDS_PER_CASE)
    if case.expect is None:
        assert outcome == "ok", detail
    else:
        assert outcome == "error", f"expected {case.expect}, got {outcome}: {detail}"
        code, where, reason = detail.split("|", 2)
        assert code == case.expect, f"expected {case.expect}, got {code}: {reason}"
        assert where == str(path), "the error names the file"
        assert reason.strip(), "the error says why"


def test_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


def test_plan_text_is_clean_vietnamese() -> None:
    from pipeline.language import looks_vietnamese

    assert looks_vietnamese(PLAN_TEXT)


@pytest.mark.slow
def test_a_batch_mixing_every_hostile_file_with_good_ones_ingests_every_good_one(
    tmp_path: Path,
) -> None:
    import duckdb

    from flows.ingest import run_ingest
    from flows.progress import SilentReporter

    batch = tmp_path / "batch"
    expected: dict[str, str] = {}
    good: set[str] = set()
    for case in CASES:
        if case.name in {"missing-file", "directory"} or case.limits != Limits():
            continue  # not files in a folder, or need limits of their own
        folder = batch / case.name
        folder.mkdir(parents=True)
        path = case.make(folder)
        if case.expect is None:
            good.add(os.path.normpath(path))
        else:
            expected[os.path.normpath(path)] = str(case.expect)
    for number in range(3):
        plan = batch / f"good-plan-{number}.txt"
        plan.write_text(PLAN_TEXT.replace("67/KH-UBND", f"{70 + number}/KH-UBND"), "utf-8")
        good.add(os.path.normpath(plan))
    db = tmp_path / "kehoach.duckdb"

    summary = run_ingest([str(batch)], db=db, reporter=SilentReporter())

    stored = {os.path.normpath(o.path) for o in summary.ingested + summary.skipped}
    assert good <= stored, f"good files not stored: {good - stored}"
    failed = {os.path.normpath(o.path): str(o.error.code) for o in summary.failed if o.error}
    assert failed == expected
    with duckdb.connect(str(db), read_only=True) as connection:
        documents = connection.execute("select count(*) from documents").fetchone()[0]
    # identical good files (the same plan under several encodings of one text) count once
    assert 3 <= documents <= len(good)
