"""The comparison dataset: one DuckDB file, one row per fact, every row keyed by document sha256.

A document's identity is its content hash. Saving the same document with the same pipeline version
changes nothing; a new pipeline version replaces all of that document's rows in one transaction.
``runs`` is the only append-only table: the log of what each run did to each file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.storage import works
from pipeline.storage.connection import Link, connect, storage_error, storage_errors
from pipeline.storage.identity import Identity, identity_of
from pipeline.storage.rows import document_row, fact_rows, node_rows
from pipeline.storage.search import SEARCH_TABLE, create_search_schema, index_text, search_row
from schemas import (
    DocumentText,
    ErrorReport,
    KehoachError,
    PlanDocument,
    ProcessedDocument,
    nfc,
)

PROVENANCE_COLUMNS = "page INTEGER, line_start INTEGER, line_end INTEGER, confidence DOUBLE"
FACT_KEY = "sha256 VARCHAR NOT NULL, ordinal INTEGER NOT NULL"
VERSION_COLUMN = "pipeline_version VARCHAR NOT NULL"
# A deadline's typed days beside its text (pipeline.storage.dates: the one due-date rule)
DUE_COLUMNS = "due DATE, due_start DATE, due_end DATE"

TABLES: dict[str, str] = {
    "documents": """
        sha256 VARCHAR PRIMARY KEY, path VARCHAR, kind VARCHAR, size_bytes BIGINT,
        province VARCHAR, issuer VARCHAR, doc_type VARCHAR, number VARCHAR,
        issue_date VARCHAR, issued DATE,
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
    "deadlines": f"""{FACT_KEY}, text VARCHAR NOT NULL, date VARCHAR, {DUE_COLUMNS},
        recurrence VARCHAR, action VARCHAR, agency VARCHAR, {PROVENANCE_COLUMNS},
        {VERSION_COLUMN}""",
    "obligations": f"""{FACT_KEY}, agency VARCHAR NOT NULL, role VARCHAR NOT NULL,
        task VARCHAR NOT NULL, deadline_text VARCHAR, deadline_date VARCHAR,
        {DUE_COLUMNS}, deadline_recurrence VARCHAR, province VARCHAR, document_title VARCHAR,
        {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "legal_basis": f"""{FACT_KEY}, ref VARCHAR NOT NULL, doc_type VARCHAR, date VARCHAR,
        issuer VARCHAR, {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "targets": f"""{FACT_KEY}, text VARCHAR NOT NULL, value DOUBLE, unit VARCHAR,
        {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "recipients": f"""{FACT_KEY}, text VARCHAR NOT NULL, {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "relations": f"""{FACT_KEY}, kind VARCHAR NOT NULL, ref VARCHAR NOT NULL, key VARCHAR NOT NULL,
        doc_type VARCHAR, date VARCHAR, issuer VARCHAR, source VARCHAR NOT NULL,
        inverse BOOLEAN NOT NULL, scope VARCHAR, text VARCHAR, {PROVENANCE_COLUMNS},
        {VERSION_COLUMN}""",
    # the document's tree (schemas.structure.Node): "điểm a khoản 2 Điều 5" found by citation
    "nodes": f"""{FACT_KEY}, node_id VARCHAR NOT NULL, parent VARCHAR, kind VARCHAR NOT NULL,
        label VARCHAR, heading VARCHAR, path VARCHAR, citation VARCHAR, part VARCHAR,
        table_columns VARCHAR, cells VARCHAR, {PROVENANCE_COLUMNS}, {VERSION_COLUMN}""",
    "runs": """run_id VARCHAR NOT NULL, path VARCHAR NOT NULL, sha256 VARCHAR,
        outcome VARCHAR NOT NULL, error_code VARCHAR, reason VARCHAR,
        pipeline_version VARCHAR NOT NULL, seconds DOUBLE, "at" TIMESTAMP NOT NULL""",
}
FACT_TABLES = tuple(name for name in TABLES if name not in ("documents", "runs"))
DATA_TABLES = ("documents", *FACT_TABLES)
# Tables keyed by a stored version's sha256 that are not facts of the plan: dropped with it.
VERSION_TABLES = ("versions", "search_texts")
OUTCOMES = ("ingested", "skipped", "failed")

# The latest failed run of each path that has not succeeded since: files set aside with a reason.
QUARANTINE_VIEW = """
CREATE OR REPLACE VIEW quarantine AS
SELECT path, sha256, error_code, reason, pipeline_version, "at" FROM (
    SELECT *, row_number() OVER (PARTITION BY path ORDER BY "at" DESC) AS latest FROM runs
) WHERE latest = 1 AND outcome = 'failed'
"""


# --------------------------------------------------------------------------- opening the file


def _rollback(connection: Any) -> None:
    """Undo a failed save; a failed COMMIT (a full disk) has already ended the transaction,
    and its error, not the rollback's, is the one to report."""
    with contextlib.suppress(duckdb.Error):
        connection.execute("ROLLBACK")


def create_schema(connection: Any) -> None:
    """Create every table and view that is missing; existing data is left alone."""
    for name, columns in TABLES.items():
        connection.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
    connection.execute(QUARANTINE_VIEW)
    works.create_work_schema(connection)
    create_search_schema(connection)


def missing_tables(connection: Any) -> list[str]:
    """Tables this version of kehoach needs that the dataset lacks (an older dataset)."""
    present = {
        row[0] for row in connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    }
    wanted = (*TABLES, *works.WORK_TABLES, "search_texts")
    return [name for name in wanted if name not in present]


def backfill_versions(connection: Any) -> int:
    """Give documents stored before works existed their version, work and searchable text."""
    rows = connection.execute(
        "SELECT sha256, path, raw_text, text, plan FROM documents "
        "WHERE sha256 NOT IN (SELECT sha256 FROM versions) ORDER BY ingested_at, sha256"
    ).fetchall()
    for sha256, path, raw_text, text, plan_json in rows:
        plan = PlanDocument.model_validate_json(plan_json)
        raw = DocumentText.model_validate_json(raw_text).text
        identity = identity_of(raw, plan.doc, path)
        connection.execute("BEGIN TRANSACTION")
        try:
            works.place_version(connection, sha256, identity, plan.doc, plan.validity, _now())
            index_text(connection, sha256, DocumentText.model_validate_json(text).text)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return len(rows)


def backfill_nodes(connection: Any) -> int:
    """Give documents stored before the ``nodes`` table existed their tree, from the plan JSON
    they were stored with (its ``nodes``; empty for a plan older than the tree)."""
    rows = connection.execute(
        "SELECT sha256, plan, pipeline_version FROM documents "
        "WHERE sha256 NOT IN (SELECT DISTINCT sha256 FROM nodes)"
    ).fetchall()
    connection.execute("BEGIN TRANSACTION")
    try:
        for sha256, plan_json, version in rows:
            plan = PlanDocument.model_validate_json(plan_json)
            keyed = [
                (sha256, ordinal, *row, version) for ordinal, row in enumerate(node_rows(plan))
            ]
            _insert(connection, "nodes", keyed)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return len(rows)


def upgrade(connection: Any) -> None:
    """Create what an older dataset lacks and fill it from what it stored; a no-op on a
    current dataset apart from one catalogue query."""
    lacking = missing_tables(connection)
    create_schema(connection)
    backfill_versions(connection)
    if "nodes" in lacking:
        backfill_nodes(connection)


def _upgraded(db: Path) -> Any:
    """A read-only connection to a dataset older than this kehoach, after adding what it lacks
    (works, versions, relations, search): one short write, refused clearly when it cannot."""
    try:
        writer = connect(db, read_only=False)
    except KehoachError as error:
        raise KehoachError(
            error.code,
            db,
            "the dataset predates works and versions and must be upgraded by one write, which "
            f"could not start: {error.reason}",
        ) from error
    try:
        upgrade(writer)
    finally:
        writer.close()
    return connect(db, read_only=True)


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


def _stored_versions(connection: Any, sha256s: Sequence[str]) -> dict[str, str]:
    """The pipeline version each of these documents is stored with (absent: not stored)."""
    found = connection.execute(
        "SELECT sha256, pipeline_version FROM documents WHERE list_contains(?, sha256)",
        [list(sha256s)],
    ).fetchall()
    return dict(found)


def _place(
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
        works.record_copy(connection, sha256, identity, twin, nfc(path), _now())
        return "copy"
    # Only a replaced document has rows to delete: each DELETE scans a whole table.
    for table in (*DATA_TABLES, *VERSION_TABLES) if before is not None else ():
        connection.execute(f"DELETE FROM {table} WHERE sha256 = ?", [sha256])
    now = _now()
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


def _run_row(
    *,
    run_id: str,
    path: str,
    sha256: str | None,
    outcome: str,
    pipeline_version: str,
    error: ErrorReport | None = None,
    seconds: float = 0.0,
) -> tuple[Any, ...]:
    """One row of ``runs``."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    return (
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


# --------------------------------------------------------------------------- the dataset


class Dataset:
    """The DuckDB dataset, opened for one writer (or many readers) as a context manager."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._link = Link(self.path, read_only=read_only)
        with self._link.use() as connection:
            if not read_only:
                upgrade(connection)
            elif missing_tables(connection):
                connection.close()
                self._link.replace(_upgraded(self.path))

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def connection(self) -> Any:
        """The open DuckDB connection, for read queries (a reader's; a writer's may be let go
        between two operations, so a writer uses ``query``)."""
        with self._link.use() as connection:
            return connection

    def read(self) -> contextlib.AbstractContextManager[Any]:
        """The open connection for a few queries in a row (``with dataset.read() as c``)."""
        return self._link.use()

    def stored_version(self, sha256: str) -> str | None:
        """The pipeline version a document was stored with, or None when it is not stored."""
        with self._link.use() as connection:
            row = _one(
                connection,
                "SELECT pipeline_version FROM documents WHERE sha256 = ?",
                [sha256],
            )
        return row[0] if row else None

    def is_current(self, sha256: str, pipeline_version: str) -> bool:
        """True when the document is stored and was extracted by this pipeline version, or when
        these bytes are a copy (CRLF, NFD ...) of a version that is."""
        if self.stored_version(sha256) == pipeline_version:
            return True
        with self._link.use() as connection:
            version = works.copied_version(connection, sha256)
        return version is not None and self.stored_version(version) == pipeline_version

    def save(self, processed: ProcessedDocument, *, run_id: str, path: str) -> str:
        """Store one document: "inserted", "replaced" (another pipeline version), "unchanged",
        or "copy" (its text is a stored version's: recorded as a copy, facts not stored twice)."""
        return self._store([(processed, path)])[0]

    def save_many(
        self, documents: Sequence[tuple[ProcessedDocument, str]], *, run_id: str
    ) -> list[str | Exception]:
        """Store (document, path) pairs in one transaction: for each, what ``save`` returns, or
        the error that kept it out.

        A bundle of text files is saved at once because DuckDB costs about 1.3 CPU ms a
        statement and a document alone takes about 25; every table gets one insert for the
        whole bundle. When any document fails, the transaction is undone and each is saved
        alone, so one bad document fails only itself; a killed batch still leaves each document
        whole or absent.
        """
        try:
            return list(self._store(documents))
        except Exception as error:
            if len(documents) == 1:
                return [error]
        outcomes: list[str | Exception] = []
        for processed, path in documents:
            try:
                outcomes.append(self.save(processed, run_id=run_id, path=path))
            except Exception as error:
                outcomes.append(error)
        return outcomes

    def _store(self, documents: Sequence[tuple[ProcessedDocument, str]]) -> list[str]:
        """Save documents in one transaction, or none of them (raising why)."""
        prepared = [  # computed before the transaction: rows may fail on bad data
            (
                processed,
                path,
                fact_rows(processed),
                identity_of(processed.raw_text.text, processed.plan.doc, path),
            )
            for processed, path in documents
        ]
        rows: dict[str, list[tuple[Any, ...]]] = {}
        with self._link.use() as connection:
            stored = _stored_versions(connection, [p.source.sha256 for p, *_ in prepared])
            connection.execute("BEGIN TRANSACTION")
            try:
                outcomes = [_place(connection, *item, stored, rows) for item in prepared]
                for table, table_rows in rows.items():
                    _insert(connection, table, table_rows)
                connection.execute("COMMIT")
            except BaseException as error:
                _rollback(connection)
                found = storage_error(error, self.path)
                if found is not None:
                    raise found from error
                raise
        return outcomes

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
        self.record_runs(
            [
                {
                    "run_id": run_id,
                    "path": path,
                    "sha256": sha256,
                    "outcome": outcome,
                    "pipeline_version": pipeline_version,
                    "error": error,
                    "seconds": seconds,
                }
            ]
        )

    def record_runs(self, entries: Sequence[dict[str, Any]]) -> None:
        """Log several files at once, each given as ``record_run``'s keyword arguments."""
        rows = [_run_row(**entry) for entry in entries]
        # a log that cannot be written ends the batch, with the reason a person can fix
        with self._link.use() as connection, storage_errors(self.path, (duckdb.Error,)):
            _insert(connection, "runs", rows)

    def stored_texts(self) -> Iterator[tuple[str, DocumentText]]:
        """(path, text as read from the file) of every stored document, for re-extraction."""
        with self._link.use() as connection:
            keys = connection.execute(
                "SELECT sha256, path FROM documents ORDER BY ingested_at, sha256"
            ).fetchall()
        for sha256, path in keys:
            with self._link.use() as connection:
                row = _one(connection, "SELECT raw_text FROM documents WHERE sha256 = ?", [sha256])
            if row is not None:
                yield path, DocumentText.model_validate_json(row[0])

    def table_counts(self, *, include_runs: bool = False) -> dict[str, int]:
        """Rows per table; ``runs`` (an append-only log) only when asked for."""
        tables = (*DATA_TABLES, "runs") if include_runs else DATA_TABLES
        with self._link.use() as connection:
            return {
                table: _one(connection, f"SELECT count(*) FROM {table}")[0]  # type: ignore[index]
                for table in tables
            }

    def plans(self, *, every_version: bool = False) -> list[tuple[dict[str, Any], PlanDocument]]:
        """(document row without texts, plan) of the current version of every work (of every
        stored version with ``every_version``), in ingestion order."""
        source = "documents" if every_version else "current_documents"
        with self._link.use() as connection:
            cursor = connection.execute(
                "SELECT sha256, path, kind, province, issuer, doc_type, number, issue_date, "
                "title, pipeline_version, ingested_at, line_count, plan "
                f"FROM {source} ORDER BY ingested_at, sha256"
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
        with self._link.use() as connection:
            cursor = connection.execute(sql, list(parameters))
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        """Close the file; the dataset is consistent after every committed save."""
        self._link.close()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --------------------------------------------------------------------------- exports


def export_parquet(db: Path, folder: Path) -> list[Path]:
    """Write one Parquet file per table (works, versions, copies, runs too) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with Dataset(db, read_only=True) as dataset:
        for table in (*DATA_TABLES, *works.WORK_TABLES, "runs"):
            target = folder / f"{table}.parquet"
            escaped = str(target).replace("'", "''")
            dataset.connection.execute(f"COPY {table} TO '{escaped}' (FORMAT parquet)")
            written.append(target)
    return written
