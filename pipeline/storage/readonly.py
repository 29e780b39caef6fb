"""Queries a person types, run against the dataset without any way to change it or to reach
anything else: what ``kehoach browse`` serves.

Three fences, each enough alone for its own risk: the connection is DuckDB's read-only one with
file and network access switched off and the configuration locked (a ``SELECT`` can otherwise
read any file, ``read_csv('/etc/passwd')``); the text must parse as one ``SELECT`` statement
(DuckDB's own parser decides, not a regular expression); and every query is bounded, in rows
(the first ``row_limit``, the rest counted as cut off) and in time (interrupted after
``time_limit`` seconds). The connection is opened per query and closed after it, so a browsing
session never keeps an ingest from writing.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import duckdb
from pydantic import BaseModel, ConfigDict

from pipeline.storage.connection import connect
from schemas import ErrorCode, KehoachError

# Read-only, no files or network, nothing a query can switch back on.
SAFE_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
DEFAULT_ROW_LIMIT = 1000
DEFAULT_TIME_LIMIT = 5.0
READER_WAIT_SECONDS = 10.0  # an ingest lets readers in between two saves


class QueryResult(BaseModel):
    """The first rows of a query's answer, and whether there were more."""

    model_config = ConfigDict(frozen=True)

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool
    seconds: float


def refusal(sql: str) -> str | None:
    """Why ``sql`` is not one SELECT statement, or None when it is."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        return f"the query does not parse: {error}"
    if len(statements) != 1:
        return f"one statement at a time, not {len(statements)}"
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        return f"only SELECT queries are run here, not {kind.name}: the dataset is read-only"
    return None


def _open(db: Path) -> Any:
    return connect(db, read_only=True, wait_seconds=READER_WAIT_SECONDS, config=SAFE_CONFIG)


def run_select(
    db: Path,
    sql: str,
    parameters: list[Any] | None = None,
    *,
    row_limit: int = DEFAULT_ROW_LIMIT,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> QueryResult:
    """Run one SELECT on a fresh read-only connection: its first ``row_limit`` rows.

    Raises KehoachError (USAGE) for anything but one SELECT, a failing query, or one still
    running after ``time_limit`` seconds.
    """
    reason = refusal(sql)
    if reason is not None:
        raise KehoachError(ErrorCode.USAGE, db, reason)
    connection = _open(db)
    timer = threading.Timer(time_limit, connection.interrupt)
    started = time.perf_counter()
    timer.start()
    try:
        cursor = connection.execute(sql, parameters or [])
        rows = cursor.fetchmany(row_limit + 1)
        columns = tuple(column[0] for column in cursor.description or ())
    except duckdb.InterruptException as error:
        raise KehoachError(
            ErrorCode.USAGE, db, f"the query ran past the {time_limit:g} s limit and was stopped"
        ) from error
    except duckdb.Error as error:
        raise KehoachError(ErrorCode.USAGE, db, f"the query failed: {error}") from error
    finally:
        timer.cancel()
        connection.close()
    return QueryResult(
        columns=columns,
        rows=tuple(tuple(row) for row in rows[:row_limit]),
        truncated=len(rows) > row_limit,
        seconds=time.perf_counter() - started,
    )


def relations(db: Path) -> dict[str, list[str]]:
    """The dataset's tables and views (internal ones left out), each with its columns in order."""
    found = run_select(
        db,
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position",
        row_limit=100_000,
    )
    columns: dict[str, list[str]] = {}
    for table, column in found.rows:
        columns.setdefault(str(table), []).append(str(column))
    return columns
