"""Who may open the dataset when: one writer at a time, readers let in between its saves.

DuckDB lets one process open a file for writing and then no other process may open it at all,
not even to read. So a writer (``kehoach ingest``) holds DuckDB's lock only while it writes:
it closes the connection when idle for a moment, and at once when a reader says it is waiting
(a file per waiting reader in ``<db>.readers/``). Two writers are kept apart by an advisory lock
on ``<db>.writer`` held for the writer's whole life, which also names it (PID, command, since
when) for the messages of anyone refused.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

PID_IN_ERROR = re.compile(r"\(PID (\d+)\)")


def writer_lock_path(db: Path) -> Path:
    return Path(str(db) + ".writer")


def readers_folder(db: Path) -> Path:
    return Path(str(db) + ".readers")


def command_of(pid: int) -> str | None:
    """The command line of a running process, where the system tells it (Linux /proc)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part) or None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WriterLock:
    """The advisory lock that makes a process the dataset's one writer, released on close."""

    def __init__(self, db: Path) -> None:
        self.path = writer_lock_path(db)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115  (held until close)
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise
        self._file.seek(0)
        self._file.truncate()
        since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        self._file.write(f"{os.getpid()}\n{' '.join(sys.argv) or 'python'}\n{since}\n")
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()


def writer_description(db: Path) -> str | None:
    """Who holds the writer lock now: "PID 123 (kehoach ingest …) since …", else None."""
    path = writer_lock_path(db)
    try:
        with open(path, encoding="utf-8") as probe:
            try:
                fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                lines = probe.read().splitlines() + ["", "", ""]
                return f"PID {lines[0]} ({lines[1]}) since {lines[2]}"
            fcntl.flock(probe, fcntl.LOCK_UN)
    except OSError:
        return None
    return None


def holder_of(error: Exception, db: Path) -> str:
    """What holds DuckDB's lock, for a message: the process DuckDB names (a notebook's
    connection, another program, the kehoach writer), with its command line when it can be
    read, else the kehoach writer named by the writer lock."""
    found = PID_IN_ERROR.search(str(error))
    if found and int(found.group(1)) != os.getpid():
        pid = int(found.group(1))
        command = command_of(pid)
        return f"PID {pid}" + (f" ({command})" if command else "")
    writer = writer_description(db)
    if writer and not writer.startswith(f"PID {os.getpid()} "):
        return f"kehoach writer {writer}"
    return "another process"


@contextlib.contextmanager
def waiting_reader(db: Path) -> Iterator[None]:
    """Tell the writer a reader waits (it then lets go of DuckDB's lock between two saves)."""
    folder = readers_folder(db)
    mark = folder / str(os.getpid())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        mark.touch()
    except OSError:  # a read-only folder: the reader waits for the writer's idle release
        mark = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if mark is not None:
            with contextlib.suppress(OSError):
                mark.unlink()


def readers_waiting(db: Path) -> bool:
    """True when a live reader waits for the dataset (marks of dead processes are removed)."""
    folder = readers_folder(db)
    try:
        marks = list(folder.iterdir())
    except OSError:
        return False
    waiting = False
    for mark in marks:
        if mark.name.isdigit() and _alive(int(mark.name)):
            waiting = True
        else:
            with contextlib.suppress(OSError):
                mark.unlink()
    return waiting


def pause(seconds: float) -> None:
    """Sleep (a named function, so the writer's turn-taking reads as such)."""
    time.sleep(seconds)
