"""The comparison dataset: one DuckDB file, one row per fact, every row keyed by document sha256.

A document's identity is its content hash. Saving the same document with the same pipeline version
changes nothing; a new pipeline version replaces all of that document's rows in one transaction.
``runs`` is the only append-only table: the log of what each run did to each file.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.storage.rows import document_row, fact_rows
from schemas import (
    DocumentText,
    ErrorCode,
    ErrorReport,
    KehoachError,
    PlanDocument,
    ProcessedDocument,
    nfc,
)

PROVENANCE_COLUMNS = "page INTEGER, line_start INTEGER, line_end INTEGER, confidence DOUBLE"
FACT_KEY = "sha256 VARCHAR NOT NULL, ordinal INTEGER NOT NULL"
VERSION_COLUMN = "pipeline_version VARCHAR NOT NULL"

TABLES: dict[str, str] = {
    "documents": """
        sha256 VARCHAR PRIMARY KEY, path VARCHAR, kind VARCHAR, size_bytes BIGINT,
        province VARCHAR, issuer VARCHAR, doc_type VARCHAR, number VARCHAR, issue_date VARCHAR,
        title VARCHAR, signer_name VARCHAR, signer_title VARCHAR, signer_on_behalf VARCHAR,
        place VARCHAR, page_count INTEGER, line_count INTEGER, text_methods VARCHAR,
        plan JSON, raw_text JSON, text JSON, seconds JSON, schema_version VARCHAR,
        pipeline_version VARCHAR NOT NULL, ingested_at TIMESTAMP NOT NULL""",
    "sections": f"""{FACT_KEY}, label VARCHAR, heading VARCHAR, categories VARCHAR,
        {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "items": f"""{FACT_KEY}, field VARCHAR NOT NULL, target VARCHAR, text VARCHAR NOT NULL,
        {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "awards": f"""{FACT_KEY}, form VARCHAR NOT NULL, grantor VARCHAR, category VARCHAR,
        quantity INTEGER, recipients VARCHAR, {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "deadlines": f"""{FACT_KEY}, text VARCHAR NOT NULL, date VARCHAR, recurrence VARCHAR,
        action VARCHAR, agency VARCHAR, {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "obligations": f"""{FACT_KEY}, agency VARCHAR NOT NULL, role VARCHAR NOT NULL,
        task VARCHAR NOT NULL, deadline_text VARCHAR, deadline_date VARCHAR,
        deadline_recurrence VARCHAR, province VARCHAR, document_title VARCHAR,
        {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "legal_basis": f"""{FACT_KEY}, ref VARCHAR NOT NULL, doc_type VARCHAR, date VARCHAR,
        issuer VARCHAR, {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "targets": f"""{FACT_KEY}, text VARCHAR NOT NULL, value DOUBLE, unit VARCHAR,
        {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "recipients": f"""{FACT_KEY}, text VARCHAR NOT NULL, {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "runs": """run_id VARCHAR NOT NULL, path VARCHAR NOT NULL, sha256 VARCHAR,
        outcome VARCHAR NOT NULL, error_code VARCHAR, reason VARCHAR,
        pipeline_version VARCHAR NOT NULL, seconds DOUBLE, "at" TIMESTAMP NOT NULL""",
}
FACT_TABLES = tuple(name for name in TABLES if name not in ("documents", "runs"))
DATA_TABLES = ("documents", *FACT_TABLES)
OUTCOMES = ("ingested", "skipped", "failed")

# The latest failed run of each path that has not succeeded since: files set aside with a reason.
QUARANTINE_VIEW = """
CREATE OR REPLACE VIEW quarantine AS
SELECT path, sha256, error_code, reason, pipeline_version, "at" FROM (
    SELECT *, row_number() OVER (PARTITION BY path ORDER BY "at" DESC) AS latest FROM runs
) WHERE latest = 1 AND outcome = 'failed'
"""

LOCK_WAIT_SECONDS = 5.0


# --------------------------------------------------------------------------- opening the file


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


def _check_size(connection: Any, db: Path) -> None:
    """Refuse a file shorter than its own header says: cut off by a crash or a full disk.

    DuckDB opens such a file and fails only when a query reaches a missing block.
    """
    block_size, total_blocks = connection.execute(
        "SELECT block_size, total_blocks FROM pragma_database_size()"
    ).fetchone()
    if db.is_file() and db.stat().st_size < HEADER_BYTES + block_size * total_blocks:
        connection.close()
        raise KehoachError(
            ErrorCode.DATABASE_CORRUPT,
            db,
            f"the dataset file is cut off ({db.stat().st_size:,} of "
            f"{HEADER_BYTES + block_size * total_blocks:,} bytes): restore it from a backup, or "
            "use another --db and ingest again",
        )


def _is_lock_error(error: Exception) -> bool:
    message = str(error).lower()
    return "lock" in message or "different configuration" in message


def connect(db: Path, *, read_only: bool, wait_seconds: float | None = None):  # type: ignore[no-untyped-def]
    """Open the DuckDB file, waiting a bounded while (``LOCK_WAIT_SECONDS``) for another writer."""
    db = Path(db)
    wait_seconds = LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds
    if read_only and not db.is_file():
        raise KehoachError(
            ErrorCode.NOT_FOUND, db, "no dataset here yet; run `kehoach ingest` first or pass --db"
        )
    if not read_only:
        try:
            db.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            found = storage_error(error, db)
            if found is None:
                raise
            raise found from error
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            connection = duckdb.connect(str(db), read_only=read_only)
            _check_size(connection, db)
            return connection
        except (duckdb.IOException, duckdb.ConnectionException) as error:
            if not _is_lock_error(error):
                raise storage_error(error, db) or KehoachError(
                    ErrorCode.DATABASE_CORRUPT, db, f"cannot open the dataset: {error}"
                ) from error
            if time.monotonic() >= deadline:
                raise KehoachError(
                    ErrorCode.DATABASE_LOCKED,
                    db,
                    "the dataset is being written by another kehoach process; "
                    "wait for it or use another --db",
                ) from error
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def create_schema(connection: Any) -> None:
    """Create every table and view that is missing; existing data is left alone."""
    for name, columns in TABLES.items():
        connection.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
    connection.execute(QUARANTINE_VIEW)


def _one(connection: Any, sql: str, parameters: Sequence[Any] = ()) -> tuple[Any, ...] | None:
    """The first row of a query, its result read to the end: DuckDB refuses to register the rows
    of the next insert while a result is left half-read (``fetchone``)."""
    rows = connection.execute(sql, list(parameters)).fetchall()
    return rows[0] if rows else None


def _insert(connection: Any, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows in column order. Several go as one Arrow table: DuckDB binds parameters row by
    row, about 1 ms a row (0.7 s for a plan's 600 sections), the Arrow scan takes 5 ms for them
    all, and registering it 2-3 ms, more than binding a single row."""
    if not rows:
        return
    if len(rows) == 1:
        placeholders = ", ".join(["?"] * len(rows[0]))
        connection.execute(f"INSERT INTO {table} VALUES ({placeholders})", list(rows[0]))
        return
    import pyarrow  # 0.5 s to import: only where several rows are written, not for readers

    columns = pyarrow.table(
        {f"c{index}": pyarrow.array(values) for index, values in enumerate(zip(*rows, strict=True))}
    )
    connection.register("kehoach_rows", columns)
    try:
        connection.execute(f"INSERT INTO {table} SELECT * FROM kehoach_rows")
    finally:
        connection.unregister("kehoach_rows")


# --------------------------------------------------------------------------- the dataset


class Dataset:
    """The DuckDB dataset, opened for one writer (or many readers) as a context manager."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._connection = connect(self.path, read_only=read_only)
        # One DuckDB connection is not safe to share between threads; calls take turns.
        self._lock = threading.RLock()
        if not read_only:
            create_schema(self._connection)

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def connection(self) -> Any:
        """The open DuckDB connection, for read queries."""
        return self._connection

    def stored_version(self, sha256: str) -> str | None:
        """The pipeline version a document was stored with, or None when it is not stored."""
        with self._lock:
            row = _one(
                self._connection,
                "SELECT pipeline_version FROM documents WHERE sha256 = ?",
                [sha256],
            )
        return row[0] if row else None

    def is_current(self, sha256: str, pipeline_version: str) -> bool:
        """True when the document is stored and was extracted by this pipeline version."""
        return self.stored_version(sha256) == pipeline_version

    def save(self, processed: ProcessedDocument, *, run_id: str, path: str) -> str:
        """Store one document: "inserted", "replaced" (another version) or "unchanged"."""
        sha256 = processed.source.sha256
        version = processed.pipeline_version
        rows = fact_rows(processed)  # computed before the transaction: it may fail on bad data
        with self._lock:
            stored = self.stored_version(sha256)
            if stored == version:
                return "unchanged"
            self._connection.execute("BEGIN TRANSACTION")
            try:
                # Only a replaced document has rows to delete: each DELETE scans a whole table.
                for table in DATA_TABLES if stored is not None else ():
                    self._connection.execute(f"DELETE FROM {table} WHERE sha256 = ?", [sha256])
                _insert(self._connection, "documents", [document_row(processed, path, _now())])
                for table, table_rows in rows.items():
                    keyed = [
                        (sha256, ordinal, *row, version) for ordinal, row in enumerate(table_rows)
                    ]
                    _insert(self._connection, table, keyed)
                self._connection.execute("COMMIT")
            except BaseException as error:
                self._rollback()
                found = storage_error(error, self.path)
                if found is not None:
                    raise found from error
                raise
        return "inserted" if stored is None else "replaced"

    def _rollback(self) -> None:
        """Undo a failed save; a failed COMMIT (a full disk) has already ended the transaction,
        and its error, not the rollback's, is the one to report."""
        with contextlib.suppress(duckdb.Error):
            self._connection.execute("ROLLBACK")

    def record_run(
        self,
        *,
        run_id: str,
        path: str,
        sha256: str | None,
        outcome: str,
        pipeline_version: str,
        error: ErrorReport | None = None,
        seconds: float = 0.0,
    ) -> None:
        """Log what a run did to one file; a failed file keeps its code and reason (quarantine)."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
        row = (
            run_id,
            nfc(str(path)),
            sha256,
            outcome,
            str(error.code) if error else None,
            error.reason if error else None,
            pipeline_version,
            seconds,
            _now(),
        )
        with self._lock:
            try:
                _insert(self._connection, "runs", [row])
            except duckdb.Error as error:  # the log cannot be written: the batch cannot go on
                found = storage_error(error, self.path)
                if found is None:
                    raise
                raise found from error

    def stored_texts(self) -> Iterator[tuple[str, DocumentText]]:
        """(path, text as read from the file) of every stored document, for re-extraction."""
        with self._lock:
            keys = self._connection.execute(
                "SELECT sha256, path FROM documents ORDER BY ingested_at, sha256"
            ).fetchall()
        for sha256, path in keys:
            with self._lock:
                row = _one(
                    self._connection, "SELECT raw_text FROM documents WHERE sha256 = ?", [sha256]
                )
            if row is not None:
                yield path, DocumentText.model_validate_json(row[0])

    def table_counts(self, *, include_runs: bool = False) -> dict[str, int]:
        """Rows per table; ``runs`` (an append-only log) only when asked for."""
        tables = (*DATA_TABLES, "runs") if include_runs else DATA_TABLES
        with self._lock:
            return {
                table: _one(self._connection, f"SELECT count(*) FROM {table}")[0]  # type: ignore[index]
                for table in tables
            }

    def plans(self) -> list[tuple[dict[str, Any], PlanDocument]]:
        """(document row without texts, plan) of every stored document, in ingestion order."""
        with self._lock:
            cursor = self._connection.execute(
                "SELECT sha256, path, kind, province, issuer, doc_type, number, issue_date, "
                "title, pipeline_version, ingested_at, line_count, plan "
                "FROM documents ORDER BY ingested_at, sha256"
            )
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        found = []
        for row in rows:
            record = dict(zip(names, row, strict=True))
            plan = PlanDocument.model_validate_json(record.pop("plan"))
            found.append((record, plan))
        return found

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a read query as dicts (column name → value)."""
        with self._lock:
            cursor = self._connection.execute(sql, list(parameters))
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        """Close the file; the dataset is consistent after every committed save."""
        with self._lock:
            self._connection.close()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --------------------------------------------------------------------------- exports


def export_parquet(db: Path, folder: Path) -> list[Path]:
    """Write one Parquet file per table (runs included) into ``folder``; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with Dataset(db, read_only=True) as dataset:
        for table in (*DATA_TABLES, "runs"):
            target = folder / f"{table}.parquet"
            escaped = str(target).replace("'", "''")
            dataset.connection.execute(f"COPY {table} TO '{escaped}' (FORMAT parquet)")
            written.append(target)
    return written
