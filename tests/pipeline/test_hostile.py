"""Every hostile input gets its expected error code (or a correct result) in bounded time and
memory, and a batch mixing them with good files still ingests every good file."""

from __future__ import annotations

import multiprocessing
import os
import resource
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from schemas import KehoachError, Limits, PipelineSettings
from schemas.errors import storable_path
from tests.hostile_catalogue import CASES, PLAN_TEXT, Case

SECONDS_PER_CASE = 90
MEMORY_BYTES = 3 * 1024**3


NOBODY = 65534


def drop_privileges() -> None:
    """In a child process run as root, become an ordinary user (root reads any file whatever
    its mode); the modules the chain needs are imported first, while they can still be read."""
    if os.geteuid() != 0:
        return
    import pipeline.ingest
    import pipeline.process
    import pipeline.text  # noqa: F401

    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


@contextmanager
def case_folder(case: Case, tmp_path: Path) -> Iterator[Path]:
    """Where a case makes its file: a folder an ordinary user can reach for unprivileged cases."""
    if not case.unprivileged:
        folder = tmp_path / "inputs"
        folder.mkdir()
        yield folder
        return
    folder = Path(tempfile.mkdtemp(prefix="kehoach-hostile-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            if not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def _run_case(name: str, path: Path) -> tuple[str, str]:
    """Run the whole chain on one hostile file in this (child) process, under a memory cap."""
    case = next(case for case in CASES if case.name == name)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    if case.unprivileged:
        drop_privileges()
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
    with case_folder(case, tmp_path) as folder:
        path = case.make(folder)
        # A fresh child from the fork server, not a fork of this session: a fork would inherit
        # the session's address space (models, Prefect) under the memory cap and its threads'
        # held locks, so a case would fail or hang by what ran before it.
        with multiprocessing.get_context("forkserver").Pool(1) as pool:
            pending = pool.apply_async(_run_case, (case.name, path))
            outcome, detail = pending.get(timeout=SECONDS_PER_CASE)
    if case.expect is None:
        assert outcome == "ok", detail
    else:
        assert outcome == "error", f"expected {case.expect}, got {outcome}: {detail}"
        code, where, reason = detail.split("|", 2)
        assert code == case.expect, f"expected {case.expect}, got {code}: {reason}"
        assert where == storable_path(path), "the error names the file"
        assert reason.strip(), "the error says why"


def test_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 60
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
        if case.unprivileged and os.geteuid() == 0:
            continue  # root reads them: the single-file test runs them as an ordinary user
        folder = batch / case.name
        folder.mkdir(parents=True)
        path = case.make(folder)
        if case.expect is None:
            good.add(os.path.normpath(path))
        else:
            expected[storable_path(os.path.normpath(path))] = str(case.expect)
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
