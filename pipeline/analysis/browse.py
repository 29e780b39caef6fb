"""``kehoach browse``: the dataset served read-only to a browser, for faceting and querying.

A small datasette for one DuckDB file, on the standard library's HTTP server: the tables and
views with their row counts, facet counts of the current documents (province, type, issuer,
year), a table view filtered by any column or facet, and a box for one SELECT at a time. Every
query goes through ``pipeline.storage.readonly`` (read-only connection without file access, one
SELECT, row and time limits), on a connection opened for it alone, so an ingest can write
between two pages. Loopback by default; on loopback, a request naming another host is refused
(a web page elsewhere cannot read the dataset through DNS rebinding). Pages answer in JSON too:
``/facets.json``, ``/table/NAME.json``, ``/sql.json?q=``.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from pipeline.storage.readonly import (
    DEFAULT_ROW_LIMIT,
    DEFAULT_TIME_LIMIT,
    QueryResult,
    relations,
    run_select,
)
from schemas import ErrorCode, KehoachError

FACETS: dict[str, str] = {  # facet → its SQL over current_documents
    "province": "province",
    "doc_type": "doc_type",
    "issuer": "issuer",
    # a partial date ("2026-??-??") has no typed day but still has its year
    "year": "coalesce(year(issued), try_cast(left(issue_date, 4) AS INTEGER))",
}
FACET_COLUMNS = ("province", "doc_type", "issuer", "issued", "issue_date")  # what the facets read
FACETED = "current_documents"  # analysis counts current versions (pipeline.storage.works)
FACET_VALUES = 30
PAGE_ROWS = 100
CELL_CHARS = 240
LOOPBACK = ("127.0.0.1", "localhost", "::1")
STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;
vertical-align:top;text-align:left}th{background:#f2f2f2}.facets{display:flex;gap:2em;
flex-wrap:wrap}.error{color:#a00;font-weight:bold}textarea{width:100%;font-family:monospace}
a{color:#0645ad}.null{color:#999}"""


@dataclass(frozen=True)
class BrowseSettings:
    """Where to serve which dataset, and the bounds of every query."""

    db: Path
    host: str = "127.0.0.1"
    port: int = 8001
    row_limit: int = DEFAULT_ROW_LIMIT
    time_limit: float = DEFAULT_TIME_LIMIT


# --------------------------------------------------------------------------- queries


def quoted(name: str) -> str:
    """A SQL identifier (the name is one the dataset itself listed)."""
    return '"' + name.replace('"', '""') + '"'


def facet_counts(settings: BrowseSettings) -> dict[str, list[tuple[Any, int]]]:
    """The most frequent values of each facet among the current documents, with counts."""
    counts: dict[str, list[tuple[Any, int]]] = {}
    for facet, expression in FACETS.items():
        found = run_select(
            settings.db,
            f"SELECT {expression} AS value, count(*) AS n FROM {FACETED} "
            "GROUP BY value ORDER BY n DESC, value NULLS LAST",
            row_limit=FACET_VALUES,
            time_limit=settings.time_limit,
        )
        counts[facet] = [(value, int(n)) for value, n in found.rows]
    return counts


def _condition(key: str, value: str, columns: list[str]) -> tuple[str, list[Any]]:
    """One filter of the table view: a column of the table, or a facet of its document."""
    if key in columns:
        expression = f"CAST({quoted(key)} AS VARCHAR)"
    elif key in FACETS and set(FACET_COLUMNS) <= set(columns):
        expression = f"CAST({FACETS[key]} AS VARCHAR)"
    elif key in FACETS and "sha256" in columns:
        inner, values = _condition(key, value, list(FACET_COLUMNS))
        return f"sha256 IN (SELECT sha256 FROM {FACETED} WHERE {inner})", values
    else:
        raise KehoachError(ErrorCode.USAGE, key, f"no column or facet {key!r} in this table")
    if value == "":
        return f"{expression} IS NULL", []
    return f"{expression} = ?", [value]


def table_rows(
    settings: BrowseSettings, table: str, filters: dict[str, str], page: int = 0
) -> QueryResult:
    """One page of ``table``'s rows matching every filter (column = value; "" is NULL)."""
    columns = relations(settings.db).get(table)
    if columns is None:
        raise KehoachError(ErrorCode.NOT_FOUND, table, "no such table or view in the dataset")
    clauses: list[str] = []
    values: list[Any] = []
    for key, value in filters.items():
        clause, bound = _condition(key, value, columns)
        clauses.append(clause)
        values.extend(bound)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    limit = min(PAGE_ROWS, settings.row_limit)
    return run_select(
        settings.db,
        f"SELECT * FROM {quoted(table)}{where} LIMIT {limit + 1} OFFSET {max(page, 0) * limit}",
        values,
        row_limit=limit,
        time_limit=settings.time_limit,
    )


def row_counts(settings: BrowseSettings) -> dict[str, int]:
    """Every table and view of the dataset with its number of rows."""
    counts: dict[str, int] = {}
    for table in relations(settings.db):
        found = run_select(
            settings.db, f"SELECT count(*) FROM {quoted(table)}", time_limit=settings.time_limit
        )
        counts[table] = int(found.rows[0][0])
    return counts


# --------------------------------------------------------------------------- pages


def _cell(value: Any) -> str:
    if value is None:
        return '<span class="null">∅</span>'
    text = str(value)
    if len(text) > CELL_CHARS:
        text = text[:CELL_CHARS] + "…"
    return html.escape(text)


def _grid(result: QueryResult) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in result.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in result.rows
    )
    more = "<p>More rows than shown: the page ends here.</p>" if result.truncated else ""
    return f"<table><tr>{head}</tr>{body}</table><p>{len(result.rows)} row(s)</p>{more}"


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>{html.escape(title)}'
        f'</title><style>{STYLE}</style><p><a href="/">kehoach browse</a></p>'
        f"<h1>{html.escape(title)}</h1>{body}</html>"
    )


def _sql_box(sql: str = "") -> str:
    return (
        '<form action="/sql"><textarea name="q" rows="4">'
        f"{html.escape(sql)}</textarea><br><button>Run (one SELECT, read-only)</button></form>"
    )


def index_page(settings: BrowseSettings) -> str:
    """Tables with row counts, facets of the current documents, the SQL box."""
    tables = "".join(
        f'<tr><td><a href="/table/{quote(name)}">{html.escape(name)}</a></td><td>{n}</td></tr>'
        for name, n in row_counts(settings).items()
    )
    facets = []
    for facet, values in facet_counts(settings).items():
        items = "".join(
            f'<li><a href="/table/{FACETED}?{urlencode({facet: "" if v is None else v})}">'
            f"{_cell(v)}</a> {n}</li>"
            for v, n in values
        )
        facets.append(f"<div><h3>{facet}</h3><ul>{items}</ul></div>")
    body = (
        f"<p>{html.escape(str(settings.db))}, read-only.</p><h2>Current documents by</h2>"
        f'<div class="facets">{"".join(facets)}</div><h2>Tables</h2>'
        f"<table><tr><th>table</th><th>rows</th></tr>{tables}</table><h2>SQL</h2>{_sql_box()}"
    )
    return _page("kehoach dataset", body)


def table_page(settings: BrowseSettings, table: str, filters: dict[str, str], page: int) -> str:
    result = table_rows(settings, table, filters, page)
    shown = ", ".join(f"{k} = {v or '∅'}" for k, v in filters.items())
    links = []
    if page > 0:
        links.append(f'<a href="?{urlencode({**filters, "page": page - 1})}">previous</a>')
    if result.truncated:
        links.append(f'<a href="?{urlencode({**filters, "page": page + 1})}">next</a>')
    body = f"<p>{html.escape(shown)}</p>{_grid(result)}<p>{' · '.join(links)}</p>"
    return _page(table, body)


def sql_page(settings: BrowseSettings, sql: str) -> str:
    try:
        result = _grid(_select(settings, sql)) if sql.strip() else ""
    except KehoachError as error:
        result = f'<p class="error">{html.escape(error.reason)}</p>'
    return _page("SQL", _sql_box(sql) + result)


def _select(settings: BrowseSettings, sql: str) -> QueryResult:
    return run_select(
        settings.db, sql, row_limit=settings.row_limit, time_limit=settings.time_limit
    )


def _as_json(result: QueryResult) -> dict[str, Any]:
    return {"columns": result.columns, "rows": result.rows, "truncated": result.truncated}


# --------------------------------------------------------------------------- the server

STATUS = {
    ErrorCode.USAGE: HTTPStatus.BAD_REQUEST,
    ErrorCode.NOT_FOUND: HTTPStatus.NOT_FOUND,
    ErrorCode.DATABASE_LOCKED: HTTPStatus.SERVICE_UNAVAILABLE,  # an ingest held it past the wait
}


class Handler(BaseHTTPRequestHandler):
    """GET only; every answer built by the functions above."""

    server: BrowseServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if not self._host_allowed():
            self._send(HTTPStatus.FORBIDDEN, "text/plain", "unknown host name")
            return
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        try:
            self._route(url.path, query)
        except KehoachError as error:
            status = STATUS.get(error.code, HTTPStatus.INTERNAL_SERVER_ERROR)
            if url.path.endswith(".json"):
                self._json({"error": error.reason}, status)
            else:
                self._send(
                    status,
                    "text/html",
                    _page("Error", f'<p class="error">{html.escape(error.reason)}</p>'),
                )

    def _route(self, path: str, query: dict[str, str]) -> None:
        settings = self.server.settings
        if path == "/":
            self._send(HTTPStatus.OK, "text/html", index_page(settings))
        elif path == "/facets.json":
            self._json(facet_counts(settings))
        elif path.startswith("/table/"):
            name = unquote(path.removeprefix("/table/"))
            wanted_page = query.pop("page", "0")
            page = int(wanted_page) if wanted_page.isdigit() else 0
            if name.endswith(".json"):
                self._json(_as_json(table_rows(settings, name.removesuffix(".json"), query, page)))
            else:
                self._send(HTTPStatus.OK, "text/html", table_page(settings, name, query, page))
        elif path == "/sql":
            self._send(HTTPStatus.OK, "text/html", sql_page(settings, query.get("q", "")))
        elif path == "/sql.json":
            self._json(_as_json(_select(settings, query.get("q", ""))))
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain", "not found")

    def _host_allowed(self) -> bool:
        """On loopback, only requests addressed to loopback names (no DNS rebinding)."""
        if self.server.settings.host not in LOOPBACK:
            return True
        host = urlsplit(f"//{self.headers.get('Host', '')}").hostname or ""
        return host in LOOPBACK

    def _json(self, value: Any, status: HTTPStatus = HTTPStatus.OK) -> None:
        text = json.dumps(value, ensure_ascii=False, default=str)
        self._send(status, "application/json", text)

    def _send(self, status: HTTPStatus, kind: str, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, "text/plain", "read-only: GET only")

    do_PUT = do_DELETE = do_PATCH = do_POST  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        self.server.log(f"{self.address_string()} {format % args}")


class BrowseServer(ThreadingHTTPServer):
    """The HTTP server with its settings; ``port`` 0 takes a free one (``server_port``)."""

    daemon_threads = True

    def __init__(self, settings: BrowseSettings, log: Callable[[str], None]) -> None:
        relations(settings.db)  # a missing or unreadable dataset is refused before serving
        self.settings = settings
        self.log = log
        super().__init__((settings.host, settings.port), Handler)

    @property
    def url(self) -> str:
        host = self.settings.host if ":" not in self.settings.host else f"[{self.settings.host}]"
        return f"http://{host}:{self.server_port}/"


def serve(settings: BrowseSettings, log: Callable[[str], None] | None = None) -> None:
    """Serve until Ctrl-C, saying where on standard error (and each request when ``log``)."""
    server = BrowseServer(settings, log or (lambda line: None))
    print(
        f"kehoach browse: {settings.db} read-only at {server.url} (Ctrl-C stops)", file=sys.stderr
    )
    if settings.host not in LOOPBACK:
        print(
            f"kehoach browse: warning: listening on {settings.host}: anyone who reaches it "
            "reads the dataset",
            file=sys.stderr,
        )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
