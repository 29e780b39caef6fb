"""Writing rows: the helpers of one save or one bundle of saves, inside one transaction.

``Dataset`` (``store.py``) opens the file and decides when to write; these decide what a save
writes: which rows, one insert per table (Arrow for several), a run's log row, and how a failed
transaction is undone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb

from pipeline.storage import works
from pipeline.storage.identity import Identity
from pipeline.storage.rows import document_row
from pipeline.storage.schema import DATA_TABLES, VERSION_TABLES
from pipeline.storage.search import SEARCH_TABLE, search_row
from schemas import ProcessedDocument, RunEntry, nfc


def rollback(connection: Any) -> None:
    """Undo a failed save; a failed COMMIT (a full disk) has already ended the transaction,
    and its error, not the rollback's, is the one to report."""
    with contextlib.suppress(duckdb.Error):
        connection.execute("ROLLBACK")


@contextlib.contextmanager
def transaction(connection: Any) -> Iterator[None]:
    """One transaction around the block: committed when it ends, undone when anything escapes."""
    connection.execute("BEGIN TRANSACTION")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        rollback(connection)
        raise


def first_row(connection: Any, sql: str, parameters: Sequence[Any] = ()) -> tuple[Any, ...] | None:
    """The first row of a query, its result read to the end: DuckDB refuses to register the rows
    of the next insert while a result is left half-read (``fetchone``)."""
    rows = connection.execute(sql, list(parameters)).fetchall()
    return rows[0] if rows else None


def insert_rows(connection: Any, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
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


def stored_versions(connection: Any, sha256s: Sequence[str]) -> dict[str, str]:
    """The pipeline version each of these documents is stored with (absent: not stored)."""
    found = connection.execute(
        "SELECT sha256, pipeline_version FROM documents WHERE list_contains(?, sha256)",
        [list(sha256s)],
    ).fetchall()
    return dict(found)


def place_document(
    connection: Any,
    processed: ProcessedDocument,
    path: str,
    facts: dict[str, list[tuple[Any, ...]]],
    identity: Identity,
    stored: dict[str, str],
    rows: dict[str, list[tuple[Any, ...]]],
) -> str:
    """Decide what saving one document does, inside the caller's transaction. Its work and
    version are placed at once (the next document may be a version of the same work); its rows
    join ``rows``, which the caller writes with one insert per table. A search row exists only
    beside its stored version (deleted with it), so a plain insert cannot collide."""
    sha256 = processed.source.sha256
    version = processed.pipeline_version
    before = stored.get(sha256)
    if before == version:
        return "unchanged"
    twin = works.version_with_text(connection, identity.content_key)
    if twin is not None and twin != sha256:
        works.record_copy(connection, sha256, identity, twin, nfc(path), now_utc())
        return "copy"
    # Only a replaced document has rows to delete: each DELETE scans a whole table.
    for table in (*DATA_TABLES, *VERSION_TABLES) if before is not None else ():
        connection.execute(f"DELETE FROM {table} WHERE sha256 = ?", [sha256])
    now = now_utc()
    rows.setdefault("documents", []).append(document_row(processed, path, now))
    for table, table_rows in facts.items():
        rows.setdefault(table, []).extend(
            (sha256, ordinal, *row, version) for ordinal, row in enumerate(table_rows)
        )
    plan = processed.plan
    works.place_version(connection, sha256, identity, plan.doc, plan.validity, now)
    rows.setdefault(SEARCH_TABLE, []).append(search_row(sha256, processed.text.text))
    stored[sha256] = version
    return "inserted" if before is None else "replaced"


def run_row(entry: RunEntry) -> tuple[Any, ...]:
    """One row of ``runs``."""
    return (
        entry.run_id,
        entry.path,
        entry.sha256,
        entry.outcome,
        str(entry.error.code) if entry.error else None,
        entry.error.reason if entry.error else None,
        entry.pipeline_version,
        entry.seconds,
        now_utc(),
    )


def now_utc() -> datetime:
    """This moment in UTC, without its zone: how DuckDB TIMESTAMP columns store it."""
    return datetime.now(UTC).replace(tzinfo=None)
