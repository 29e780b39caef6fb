"""Hostile conditions around the files rather than in them (issue 18's outside attack): folders
with links, pipes and odd names; a damaged, full or read-only dataset; Prefect's result folder
open to other users; a file rewritten mid-batch; killed and interrupted batches with workers."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import flows  # noqa: F401  (kehoach's Prefect defaults, before Prefect is imported)
from schemas import ErrorCode, KehoachError, PipelineSettings
from tests.flows.test_flows import prefect_api  # noqa: F401  (the session's Prefect server)
from tests.hostile_makers import PLAN_TEXT, non_utf8_name, sideways_photo
from tests.pipeline.test_hostile import NOBODY, drop_privileges
from tests.support import write_legacy_texts, write_scan


def in_child(function: Callable[..., Any], *args: Any, timeout: float = 60) -> Any:
    """``function(*args)`` in a forked child, within ``timeout`` seconds (a hang fails)."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply_async(function, args).get(timeout=timeout)


def world_folder() -> Path:
    """A fresh folder an ordinary user can reach (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="kehoach-hostile-"))
    folder.chmod(0o755)
    return folder


def write_plan(path: Path, number: int = 67) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PLAN_TEXT.replace("67/KH-UBND", f"{number}/KH-UBND"), "utf-8")
    return path


# --------------------------------------------------------------------------- folders


def _expand(pattern: str) -> list[str]:
    from flows.batch import expand_batch

    return [
        str(p) if isinstance(p, Path) else f"{p.code}:{p.path}" for p in expand_batch([pattern])
    ]


def test_symlink_loops_with_a_recursive_glob_end(tmp_path: Path) -> None:
    write_plan(tmp_path / "in" / "sub" / "plan.txt")
    (tmp_path / "in" / "again").symlink_to(".")
    (tmp_path / "in" / "sub" / "up").symlink_to("..")

    found = in_child(_expand, str(tmp_path / "in" / "**"), timeout=30)

    assert found == [str(tmp_path / "in" / "sub" / "plan.txt")]


def test_links_pipes_and_odd_names_in_a_folder_are_each_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from flows.ingest import run_ingest
    from flows.progress import SilentReporter
    from pipeline.storage.store import Dataset

    batch, outside = tmp_path / "batch", tmp_path / "outside"
    write_plan(outside / "secret.txt")
    batch.mkdir()
    (batch / "dangling.txt").symlink_to("nowhere.txt")
    (batch / "loop.txt").symlink_to("loop.txt")
    (batch / "out.txt").symlink_to(outside / "secret.txt")
    (batch / "out-folder").symlink_to(outside)
    os.mkfifo(batch / "pipe.txt")
    (batch / "\x1b[31mred\nname.txt").write_bytes(b"")
    odd = non_utf8_name(batch)
    db = tmp_path / "k.duckdb"

    summary = run_ingest([str(batch)], db=db, reporter=SilentReporter())

    codes = {Path(o.path).name: str(o.error.code) for o in summary.failed if o.error}
    assert codes == {
        "dangling.txt": "bad-link",
        "loop.txt": "bad-link",
        "out.txt": "unsafe-path",
        "out-folder": "unsafe-path",
        "pipe.txt": "unsupported-format",
        "\x1b[31mred\nname.txt": "empty",
        "k\\xea\\xf2 ho\\xb8ch.txt": "unsafe-path",
    }
    assert not summary.ingested, "nothing outside the folder was read"
    printed = capsys.readouterr()
    assert "\x1b" not in printed.out + printed.err, "escape sequences are printed escaped"
    assert "\\x1b[31mred\\nname.txt" in printed.out
    assert str(odd) not in printed.out  # the undecodable bytes appear as \xNN
    with Dataset(db, read_only=True) as dataset:
        paths = {row["path"] for row in dataset.query("SELECT path FROM runs")}
    assert str(batch / "k\\xea\\xf2 ho\\xb8ch.txt") in paths


class _NothingStored:
    def is_current(self, sha256: str, pipeline_version: str) -> bool:
        return False


def _plan_as_nobody(patterns: list[str]) -> list[tuple[str, str]]:
    """The batch plan's failures for ``patterns``, planned as an ordinary user."""
    from flows.batch import expand_batch, plan_batch

    drop_privileges()
    plan = plan_batch(expand_batch(patterns), _NothingStored(), PipelineSettings())  # type: ignore[arg-type]
    return [(Path(o.path).name, str(o.error.code)) for o in plan.settled if o.error]


def test_unreadable_folders_and_files_are_permission_denied_not_a_crash() -> None:
    folder = world_folder()
    try:
        write_plan(folder / "closed" / "plan.txt")
        write_plan(folder / "open" / "locked.txt").chmod(0)
        (folder / "open").chmod(0o755)
        (folder / "closed").chmod(0)

        given_file = in_child(_plan_as_nobody, [str(folder / "closed" / "plan.txt")])
        given_folder = in_child(_plan_as_nobody, [str(folder)])

        assert given_file == [("plan.txt", "permission-denied")]
        assert sorted(given_folder) == [
            ("closed", "permission-denied"),
            ("locked.txt", "permission-denied"),
        ]
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(folder)], check=False)
        subprocess.run(["rm", "-rf", str(folder)], check=False)


# --------------------------------------------------------------------------- the dataset


def _stored_dataset(db: Path) -> None:
    from pipeline.process import process_file
    from pipeline.storage.store import Dataset

    plan = write_plan(db.parent / "plans" / "plan.txt")
    with Dataset(db) as dataset:
        dataset.save(process_file(plan), run_id="seed", path=str(plan))


def test_a_cut_off_dataset_is_database_corrupt(tmp_path: Path) -> None:
    from pipeline.storage.store import Dataset

    db = tmp_path / "k.duckdb"
    _stored_dataset(db)
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 2)

    for read_only in (False, True):
        with pytest.raises(KehoachError) as caught:
            Dataset(db, read_only=read_only)
        assert caught.value.code == ErrorCode.DATABASE_CORRUPT
        assert "cut off" in caught.value.reason


def _save_with_little_disk(db: str, plans: list[str]) -> list[str]:
    """Save plans with the file size capped (as a full disk fails writes); the codes met."""
    from pipeline.process import process_file
    from pipeline.storage.store import Dataset

    processed = [process_file(Path(plan)) for plan in plans]
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
    # a little more than the files hold now: the WAL of the first save runs out
    size = sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*"))
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 64 * 1024, resource.RLIM_INFINITY))
    codes = []
    with Dataset(Path(db)) as dataset:
        for document, plan in zip(processed, plans, strict=True):
            try:
                dataset.save(document, run_id="full", path=plan)
                codes.append("saved")
            except KehoachError as error:
                codes.append(str(error.code))
    return codes


def test_a_full_disk_is_disk_full_and_keeps_what_was_stored(tmp_path: Path) -> None:
    from pipeline.storage.store import Dataset

    db = tmp_path / "k.duckdb"
    _stored_dataset(db)
    filler = "- Sở Tài chính bảo đảm kinh phí thực hiện nhiệm vụ.\n" * 4000
    plans = []
    for number in range(3):
        plan = write_plan(tmp_path / "big" / f"plan-{number}.txt", 100 + number)
        plan.write_text(plan.read_text("utf-8") + filler * (number + 1), "utf-8")
        plans.append(str(plan))

    codes = in_child(_save_with_little_disk, str(db), plans, timeout=120)

    assert "disk-full" in codes and "internal" not in codes
    with Dataset(db, read_only=True) as dataset:
        assert dataset.table_counts()["documents"] >= 1  # the earlier document is kept


def _open_as_nobody(db: str) -> str:
    from pipeline.storage.store import Dataset

    drop_privileges()
    try:
        Dataset(Path(db)).close()
    except KehoachError as error:
        return str(error.code)
    return "opened"


def _report_as_nobody(db: str, output: str) -> int:
    from kehoach import cli

    sys.argv = ["kehoach", "report", "--db", db, "-o", str(Path(db).parent / "warm.html")]
    with contextlib.suppress(SystemExit):
        cli.run()  # once as root, so every module the command needs is imported
    drop_privileges()
    sys.argv = ["kehoach", "report", "--db", db, "-o", output]
    try:
        cli.run()
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def test_read_only_folders_are_permission_denied(tmp_path: Path) -> None:
    folder = world_folder()
    try:
        db = folder / "k.duckdb"
        _stored_dataset(db)
        for path in (folder, *folder.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        closed = folder / "closed"
        closed.mkdir(mode=0o555)
        closed.chmod(0o555)

        assert in_child(_open_as_nobody, str(closed / "new.duckdb")) == "permission-denied"
        if os.geteuid() == 0:  # an ordinary user cannot write the dataset root made
            assert in_child(_open_as_nobody, str(db)) == "permission-denied"
            code = in_child(_report_as_nobody, str(db), str(closed / "report.html"), timeout=120)
            assert code == 3  # a bad-input exit with its code, not an internal error (5)
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(folder)], check=False)
        subprocess.run(["rm", "-rf", str(folder)], check=False)


# --------------------------------------------------------------------------- Prefect's results


def test_a_result_folder_others_could_write_is_never_used(tmp_path: Path) -> None:
    from prefect.settings import (
        PREFECT_LOCAL_STORAGE_PATH,
        get_current_settings,
        temporary_settings,
    )

    from flows.env import is_private, private_results

    open_folder = tmp_path / "results"
    open_folder.mkdir()
    open_folder.chmod(0o777)
    (open_folder / "kehoach-text-planted").write_bytes(b"a pickle that runs code")

    with (
        temporary_settings(updates={PREFECT_LOCAL_STORAGE_PATH: open_folder}),
        private_results() as used,
    ):
        assert used != open_folder
        assert is_private(used) and not any(used.iterdir())
        assert Path(get_current_settings().results.local_storage_path) == used
        assert os.environ["PREFECT_LOCAL_STORAGE_PATH"] == str(used)  # for the workers
    shutil.rmtree(used)

    mine = tmp_path / "mine"
    mine.mkdir(mode=0o755)
    with temporary_settings(updates={PREFECT_LOCAL_STORAGE_PATH: mine}), private_results() as used:
        assert used == mine and oct(mine.stat().st_mode & 0o777) == "0o700"


@pytest.mark.skipif(os.geteuid() != 0, reason="planting a folder as another user needs root")
def test_the_tmp_fallback_made_by_another_user_is_not_used() -> None:
    from flows.env import fallback_home, is_private

    planted = Path(tempfile.gettempdir()) / f"kehoach-prefect-{os.getuid()}"
    if planted.exists():
        pytest.skip(f"{planted} exists on this machine; not touching it")
    planted.mkdir(mode=0o777)
    os.chown(planted, NOBODY, NOBODY)
    try:
        chosen = fallback_home()
        assert chosen != planted and is_private(chosen)
        shutil.rmtree(chosen)
    finally:
        planted.rmdir()


# --------------------------------------------------------------------------- a batch running


def test_a_file_rewritten_mid_batch_is_file_changed(tmp_path: Path) -> None:
    from flows.tasks import ingest_texts_task
    from pipeline.ingest import identify

    settings = PipelineSettings()
    kept, changed = write_plan(tmp_path / "a.txt", 1), write_plan(tmp_path / "b.txt", 2)
    sources = [identify(kept, settings.limits), identify(changed, settings.limits)]
    write_plan(changed, 3)  # rewritten after identification, before reading

    results = ingest_texts_task.fn(sources, settings, "two").unpack()

    assert not isinstance(results[0], type(results[1]))
    assert str(results[1].code) == "file-changed"  # type: ignore[union-attr]


def test_an_ocr_timeout_is_said_on_stderr_with_exit_1(tmp_path: Path) -> None:
    photo = sideways_photo(tmp_path)
    command = [sys.executable, "-m", "kehoach.cli", "--ocr-timeout", "0.001", "text", str(photo)]

    done = subprocess.run(command, capture_output=True, text=True, timeout=120)

    assert done.returncode == 1
    assert "OCR ran out of time on page(s) 1" in done.stderr and "[ocr-timeout]" in done.stderr


@pytest.mark.slow
def test_a_deep_page_tree_is_corrupt_with_two_workers(
    tmp_path: Path,
    prefect_api: dict[str, str],  # noqa: F811
) -> None:
    from flows.ingest import run_ingest
    from flows.progress import SilentReporter
    from tests.hostile_makers import deep_page_tree

    batch = tmp_path / "batch"
    batch.mkdir()
    deep_page_tree(batch)
    write_scan(batch / "scan.pdf", pages=1)

    summary = run_ingest(
        [str(batch)], db=tmp_path / "k.duckdb", workers=2, reporter=SilentReporter()
    )

    assert [(Path(o.path).name, str(o.error.code)) for o in summary.failed if o.error] == [
        ("deep-tree.pdf", "corrupt")
    ]


def _start_busy_ingest(
    tmp_path: Path, env: dict[str, str], kind: str = "scans"
) -> tuple[subprocess.Popen[str], list[int]]:
    """``kehoach ingest --workers 2`` on scans (two forked processes) or on legacy texts (the
    command and one forked process), in its own process group, once the forked workers are
    working; returns it and its descendants."""
    import psutil

    batch = tmp_path / kind
    if kind == "scans":
        batch.mkdir()
        for number in range(4):
            write_scan(batch / f"scan-{number}.pdf", pages=3)
    else:
        write_legacy_texts(batch, 12)
    command = [sys.executable, "-m", "kehoach.cli", "ingest", str(batch)]
    command += ["--db", str(tmp_path / "k.duckdb"), "--workers", "2"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    workers: list[int] = []
    wanted = 2 if kind == "scans" else 1
    while time.monotonic() < deadline and process.poll() is None:
        # the workers are children of the command's forkserver (flows.forkserver): started
        # for scans, a fork of the command itself for texts
        descendants = psutil.Process(process.pid).children(recursive=True)
        workers = [
            c.pid
            for c in descendants
            if c.ppid() != process.pid
            and (kind != "scans" or "forkserver" in " ".join(c.cmdline()))
        ]
        if len(workers) >= wanted:
            break
        time.sleep(0.5)
    assert len(workers) >= wanted, "the workers never started"
    time.sleep(3 if kind == "scans" else 1)  # the workers are busy now
    return process, [c.pid for c in psutil.Process(process.pid).children(recursive=True)]


def _all_gone(pids: list[int], seconds: float) -> bool:
    import psutil

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]
        if not alive:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["scans", "texts"])
def test_kill_9_of_an_ingest_with_two_workers_leaves_no_process(
    tmp_path: Path,
    prefect_api: dict[str, str],  # noqa: F811
    kind: str,
) -> None:
    process, children = _start_busy_ingest(tmp_path, {**os.environ, **prefect_api}, kind)
    assert process.poll() is None, "the batch ended before it could be killed"

    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    # no worker or forkserver holds the dataset's writer lock: a rerun is let in at once
    from pipeline.storage.store import Dataset

    Dataset(tmp_path / "k.duckdb").close()

    # The workers poll for their command every PARENT_POLL_SECONDS; the bound is generous because
    # on a loaded 2-core CI machine a woken thread can wait seconds for a core. An orphan never
    # goes at all.
    assert _all_gone(children, 30), "workers or the resource tracker outlived the command"


@pytest.mark.slow
def test_ctrl_c_ends_an_ingest_with_two_workers_at_once(
    tmp_path: Path,
    prefect_api: dict[str, str],  # noqa: F811
) -> None:
    process, children = _start_busy_ingest(tmp_path, {**os.environ, **prefect_api})

    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)  # as a terminal sends Ctrl-C: to the whole group
    _, err = process.communicate(timeout=60)
    seconds = time.monotonic() - started

    assert seconds < 5, f"Ctrl-C took {seconds:.1f} s"
    assert process.returncode == 130
    assert "interrupted" in err and "internal error" not in err
    assert _all_gone(children, 10)
