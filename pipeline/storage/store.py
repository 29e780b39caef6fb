"""The comparison dataset: one DuckDB file, one row per fact, every row keyed by document sha256.

A document's identity is its content hash. Saving the same document with the same pipeline version
changes nothing; a new pipeline version replaces all of that document's rows in one transaction.
``runs`` is the only append-only table: the log of what each run did to each file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

from pipeline.storage import works, writes
from pipeline.storage.connection import Link, connect, storage_error, storage_errors
from pipeline.storage.identity import identity_of
from pipeline.storage.rows import fact_rows, node_rows
from pipeline.storage.schema import DATA_TABLES, create_schema, missing_tables
from pipeline.storage.search import index_text
from pipeline.storage.writes import first_row
from schemas import (
    DocumentText,
    ErrorCode,
    KehoachError,
    PlanDocument,
    ProcessedDocument,
    RunEntry,
)

# --------------------------------------------------------------------------- opening the file


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
        with writes.transaction(connection):
            works.place_version(
                connection, sha256, identity, plan.doc, plan.validity, writes.now_utc()
            )
            index_text(connection, sha256, DocumentText.model_validate_json(text).text)
    return len(rows)


def backfill_nodes(connection: Any) -> int:
    """Give documents stored before the ``nodes`` table existed their tree, from the plan JSON
    they were stored with (its ``nodes``; empty for a plan older than the tree)."""
    rows = connection.execute(
        "SELECT sha256, plan, pipeline_version FROM documents "
        "WHERE sha256 NOT IN (SELECT DISTINCT sha256 FROM nodes)"
    ).fetchall()
    with writes.transaction(connection):
        for sha256, plan_json, version in rows:
            plan = PlanDocument.model_validate_json(plan_json)
            keyed = [
                (sha256, ordinal, *row, version) for ordinal, row in enumerate(node_rows(plan))
            ]
            writes.insert_rows(connection, "nodes", keyed)
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
            row = first_row(
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
            stored = writes.stored_versions(connection, [p.source.sha256 for p, *_ in prepared])
            try:
                with writes.transaction(connection):
                    outcomes = [
                        writes.place_document(connection, *item, stored, rows) for item in prepared
                    ]
                    for table, table_rows in rows.items():
                        writes.insert_rows(connection, table, table_rows)
            except BaseException as error:
                found = storage_error(error, self.path)
                if found is not None:
                    raise found from error
                raise
        return outcomes

    def record_run(self, entry: RunEntry) -> None:
        """Log what a run did to one file; a failed file keeps its code and reason (quarantine)."""
        self.record_runs([entry])

    def record_runs(self, entries: Sequence[RunEntry]) -> None:
        """Log what a run did to several files, with one insert."""
        rows = [writes.run_row(entry) for entry in entries]
        # a log that cannot be written ends the batch, with the reason a person can fix
        with self._link.use() as connection, storage_errors(self.path, (duckdb.Error,)):
            writes.insert_rows(connection, "runs", rows)

    def stored_texts(self) -> Iterator[tuple[str, DocumentText]]:
        """(path, text as read from the file) of every stored document, for re-extraction."""
        with self._link.use() as connection:
            keys = connection.execute(
                "SELECT sha256, path FROM documents ORDER BY ingested_at, sha256"
            ).fetchall()
        for sha256, path in keys:
            with self._link.use() as connection:
                row = first_row(
                    connection, "SELECT raw_text FROM documents WHERE sha256 = ?", [sha256]
                )
            if row is not None:
                yield path, DocumentText.model_validate_json(row[0])

    def table_counts(self, *, include_runs: bool = False) -> dict[str, int]:
        """Rows per table; ``runs`` (an append-only log) only when asked for."""
        tables = (*DATA_TABLES, "runs") if include_runs else DATA_TABLES
        with self._link.use() as connection:
            return {
                table: first_row(connection, f"SELECT count(*) FROM {table}")[0]  # type: ignore[index]
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


# --------------------------------------------------------------------------- exports


def export_parquet(db: Path, folder: Path) -> list[Path]:
    """Write one Parquet file per table (works, versions, copies, runs too) into ``folder``;
    a file, or a name ending in .parquet, is refused as a usage error."""
    folder = Path(folder)
    if (folder.exists() and not folder.is_dir()) or folder.suffix.lower() == ".parquet":
        raise KehoachError(
            ErrorCode.USAGE, folder, "give a folder: export writes one Parquet file per table"
        )
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with Dataset(db, read_only=True) as dataset:
        for table in (*DATA_TABLES, *works.WORK_TABLES, "runs"):
            target = folder / f"{table}.parquet"
            escaped = str(target).replace("'", "''")
            dataset.connection.execute(f"COPY {table} TO '{escaped}' (FORMAT parquet)")
            written.append(target)
    return written
