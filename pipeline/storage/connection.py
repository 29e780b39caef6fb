"""The DuckDB connection of a dataset: opened with a bounded wait, and for a writer, held only
while it is used, so that readers get in between two saves (see ``pipeline.storage.locks``)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from pipeline.storage import locks
from schemas import ErrorCode, KehoachError

LOCK_WAIT_SECONDS = 30.0  # a reader's wait: the writer lets go within a save of seeing it wait
WRITER_WAIT_SECONDS = 120.0  # a writer's wait for readers (a notebook holding a connection)
IDLE_RELEASE_SECONDS = 0.5  # a writer idle this long (OCR of the next scan) lets go of the file
READER_TURN_SECONDS = 2.0  # after letting go for waiting readers, how long a writer waits
WATCH_SECONDS = 0.1
POLL_SECONDS = 0.1


HEADER_BYTES = 3 * 4096  # DuckDB's file header and its two database headers, before any block
_STORAGE_FAILURES: tuple[tuple[tuple[str, ...], ErrorCode, str], ...] = (
    (
        ("no space left", "disk quota", "file too large"),
        ErrorCode.DISK_FULL,
        "the disk holding the dataset is full: free space (or use another --db) and run again; "
        "documents stored before are kept",
    ),
    (
        ("permission denied", "read-only file system", "operation not permitted"),
        ErrorCode.PERMISSION_DENIED,
        "the dataset or its folder cannot be written: check their owner and mode, or use "
        "another --db",
    ),
    (
        ("could not read enough bytes", "corrupt", "checksum"),
        ErrorCode.DATABASE_CORRUPT,
        "the dataset file is damaged (truncated or overwritten): restore it from a backup, or "
        "use another --db and ingest again",
    ),
)


def storage_error(error: BaseException, db: Path) -> KehoachError | None:
    """What a failed read or write of the dataset means for a person, when it is one of the
    failures they can act on (a full disk, a read-only folder, a damaged file)."""
    message = str(error).lower()
    for needles, code, reason in _STORAGE_FAILURES:
        if any(needle in message for needle in needles):
            return KehoachError(code, db, reason)
    return None


@contextlib.contextmanager
def storage_errors(
    db: Path, kinds: tuple[type[BaseException], ...] = (Exception,)
) -> Iterator[None]:
    """Re-raise a failure of ``kinds`` inside the block as the code a person can act on, when
    ``storage_error`` knows it; any other failure passes unchanged."""
    try:
        yield
    except kinds as error:
        found = storage_error(error, db)
        if found is None:
            raise
        raise found from error


def _check_size(connection: Any, db: Path) -> None:
    """Refuse a file shorter than the blocks its header says are in use: cut off by a crash or
    a full disk. DuckDB opens such a file and fails only when a query reaches a missing block.

    Free blocks may lie past the end of a healthy file (a checkpoint after deletions), so only
    the used ones are counted: a false alarm would refuse a good dataset.
    """
    # fetchall, not fetchone: a result left half-read makes DuckDB refuse the next insert of
    # Arrow rows (``register``), the first thing a save after a reopened connection may do
    block_size, total_blocks, free_blocks = connection.execute(
        "SELECT block_size, total_blocks, free_blocks FROM pragma_database_size()"
    ).fetchall()[0]
    needed = HEADER_BYTES + block_size * (total_blocks - free_blocks)
    if db.is_file() and db.stat().st_size < needed:
        connection.close()
        raise KehoachError(
            ErrorCode.DATABASE_CORRUPT,
            db,
            f"the dataset file is cut off ({db.stat().st_size:,} of {needed:,} bytes): "
            "restore it from a backup, or "
            "use another --db and ingest again",
        )


def _is_lock_error(error: Exception) -> bool:
    message = str(error).lower()
    return "lock" in message or "different configuration" in message


def _locked(db: Path, error: Exception, read_only: bool) -> KehoachError:
    holder = locks.holder_of(error, db)
    doing = "reading" if read_only else "writing"
    return KehoachError(
        ErrorCode.DATABASE_LOCKED,
        db,
        f"the dataset is held by {holder}, another kehoach process or program, past the wait "
        f"for {doing}; wait for it, close it, or use another --db",
    )


def connect(
    db: Path,
    *,
    read_only: bool,
    wait_seconds: float | None = None,
    config: dict[str, Any] | None = None,
) -> Any:
    """Open the DuckDB file, waiting a bounded while for whoever holds it; a reader that waits
    says so, so that a writer lets go of the file between two saves. ``config``: DuckDB's
    settings for this connection (``pipeline.storage.readonly`` closes file access)."""
    db = Path(db)
    if wait_seconds is None:
        wait_seconds = LOCK_WAIT_SECONDS if read_only else WRITER_WAIT_SECONDS
    if read_only and not db.is_file():
        raise KehoachError(
            ErrorCode.NOT_FOUND, db, "no dataset here yet; run `kehoach ingest` first or pass --db"
        )
    if not read_only:
        with storage_errors(db, (OSError,)):
            db.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    waiting: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    with contextlib.ExitStack() as stack:
        while True:
            try:
                connection = duckdb.connect(str(db), read_only=read_only, config=config or {})
                _check_size(connection, db)
                return connection
            except (duckdb.IOException, duckdb.ConnectionException) as error:
                if not _is_lock_error(error):
                    raise storage_error(error, db) or KehoachError(
                        ErrorCode.DATABASE_CORRUPT, db, f"cannot open the dataset: {error}"
                    ) from error
                if time.monotonic() >= deadline:
                    raise _locked(db, error, read_only) from error
                if read_only and isinstance(waiting, contextlib.nullcontext):
                    waiting = locks.waiting_reader(db)
                    stack.enter_context(waiting)
                time.sleep(POLL_SECONDS)


class Link:
    """A dataset's connection, opened when used. A reader keeps it until closed; a writer holds
    the advisory writer lock all along but DuckDB's lock only while it works: a watcher thread
    closes the connection when the writer has been idle ``IDLE_RELEASE_SECONDS`` or a reader
    waits, and the next use opens it again (after giving waiting readers their turn)."""

    def __init__(self, db: Path, *, read_only: bool) -> None:
        self.db = Path(db)
        self.read_only = read_only
        self._lock = threading.RLock()  # one DuckDB connection is not safe between threads
        self._writer: locks.WriterLock | None = None
        if not read_only:
            self._writer = self._claim_writer()
        self._connection: Any = None
        self._last_used = time.monotonic()
        self._closed = False
        try:
            self._connection = connect(self.db, read_only=read_only)
        except BaseException:
            if self._writer:
                self._writer.close()
            raise
        if not read_only:
            watcher = threading.Thread(target=self._watch, name="kehoach-release", daemon=True)
            watcher.start()

    def _claim_writer(self) -> locks.WriterLock:
        try:
            # a lock file that cannot be made (a read-only folder) gets its storage code;
            # another writer's lock (BlockingIOError) matches none and is handled below
            with storage_errors(self.db, (OSError,)):
                return locks.WriterLock(self.db)
        except BlockingIOError as error:
            holder = locks.writer_description(self.db) or "another process"
            raise KehoachError(
                ErrorCode.DATABASE_LOCKED,
                self.db,
                f"the dataset is being written by another kehoach process: {holder}; "
                "wait for it or use another --db",
            ) from error

    @contextlib.contextmanager
    def use(self) -> Iterator[Any]:
        """The open connection, for one operation (its lock held meanwhile)."""
        with self._lock:
            if self._closed:
                raise ValueError("the dataset is closed")
            if self._connection is None:
                self._reopen()
            try:
                yield self._connection
            finally:
                self._last_used = time.monotonic()

    def _reopen(self) -> None:
        deadline = time.monotonic() + READER_TURN_SECONDS
        while locks.readers_waiting(self.db) and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)  # the readers that made us let go open the file first
        self._connection = connect(self.db, read_only=self.read_only)

    def replace(self, connection: Any) -> None:
        """Use ``connection`` from now on (a reader's, after an upgrade of the file)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
            self._connection = connection

    def _watch(self) -> None:
        while not self._closed:
            time.sleep(WATCH_SECONDS)
            if not self._lock.acquire(blocking=False):
                continue
            try:
                idle = time.monotonic() - self._last_used > IDLE_RELEASE_SECONDS
                if self._connection is not None and (idle or locks.readers_waiting(self.db)):
                    self._connection.close()
                    self._connection = None
            finally:
                self._lock.release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            if self._writer is not None:
                self._writer.close()
