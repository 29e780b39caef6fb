"""``kehoach browse`` for real: a dataset ingested from the bundled samples, served on a free
loopback port, its pages fetched with urllib."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from kehoach import SAMPLES_DIR
from pipeline.analysis.browse import BrowseServer, BrowseSettings
from pipeline.storage.store import Dataset
from tests.support import ingest_files

SAMPLES = ("plan-born-digital.pdf", "plan-legacy-ocr.txt")  # text samples: no OCR to wait for


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The samples ingested into a dataset, served on a free port: (base URL, dataset)."""
    db = tmp_path_factory.mktemp("browse") / "samples.duckdb"
    ingest_files(db, [SAMPLES_DIR / name for name in SAMPLES])
    server = BrowseServer(BrowseSettings(db=db, port=0, row_limit=50, time_limit=2.0), print)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url, db
    finally:
        server.shutdown()
        server.server_close()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def _json(url: str) -> tuple[int, Any]:
    status, text = _get(url)
    return status, json.loads(text)


def test_the_index_lists_tables_facets_and_the_sql_box(served: tuple[str, Path]) -> None:
    base, _ = served
    status, page = _get(base)
    assert status == 200
    assert "/table/documents" in page and "/table/obligations" in page
    assert "Lâm Đồng" in page and "Đồng Tháp" in page  # facet values, NFC as stored
    assert '<form action="/sql"' in page


def test_facets_count_the_current_documents(served: tuple[str, Path]) -> None:
    base, _ = served
    status, facets = _json(base + "facets.json")
    assert status == 200
    assert sorted(map(tuple, facets["province"])) == [("Lâm Đồng", 1), ("Đồng Tháp", 1)]
    assert facets["doc_type"] == [["Kế hoạch", 2]]
    assert [2026, 1] in facets["year"]  # "2026-??-??" still has its year


def test_a_facet_filters_any_table_through_its_document(served: tuple[str, Path]) -> None:
    base, _ = served
    _, documents = _json(base + "table/documents.json?province=" + quote("Đồng Tháp"))
    assert len(documents["rows"]) == 1
    # sections has no province column: the facet goes through the section's document
    _, everything = _json(base + "table/sections.json")
    _, filtered = _json(base + "table/sections.json?province=" + quote("Lâm Đồng"))
    assert 0 < len(filtered["rows"]) < len(everything["rows"])
    _, obligations = _json(base + "table/obligations.json?province=" + quote("Đồng Tháp"))
    assert obligations["rows"] and all(row[11] == "Đồng Tháp" for row in obligations["rows"])
    _, sections = _json(base + "table/sections.json?year=2026")
    assert sections["rows"]
    status, page = _get(base + "table/documents?province=" + quote("Lâm Đồng"))
    assert status == 200 and "Kiểm tra công tác cải cách hành chính" in page
    status, unknown = _json(base + "table/documents.json?colour=red")
    assert status == 400 and "colour" in unknown["error"]
    assert _get(base + "table/no_such_table")[0] == 404


def test_the_sql_box_runs_a_select_with_a_row_limit(served: tuple[str, Path]) -> None:
    base, _ = served
    status, answer = _json(base + "sql.json?q=" + quote("SELECT count(*) AS n FROM documents"))
    assert status == 200 and answer["columns"] == ["n"] and answer["rows"] == [[2]]
    _, many = _json(base + "sql.json?q=" + quote("SELECT * FROM range(1000)"))
    assert len(many["rows"]) == 50 and many["truncated"] is True
    status, page = _get(base + "sql?q=" + quote("SELECT title FROM documents"))
    assert status == 200 and "Phát động phong trào thi đua" in page


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM documents",
        "DROP TABLE runs",
        "UPDATE documents SET title = 'x'",
        "CREATE TABLE t AS SELECT 1",
        "SELECT 1; DELETE FROM documents",
        "COPY documents TO '/tmp/kehoach-browse-leak.csv'",
        "ATTACH '/tmp/kehoach-browse-other.duckdb'",
    ],
)
def test_a_write_is_refused_and_changes_nothing(served: tuple[str, Path], statement: str) -> None:
    base, db = served
    status, answer = _json(base + "sql.json?q=" + quote(statement))
    assert status == 400 and "error" in answer
    with Dataset(db, read_only=True) as dataset:
        assert dataset.query("SELECT count(*) AS n FROM documents") == [{"n": 2}]
    assert not Path("/tmp/kehoach-browse-leak.csv").exists()


def test_a_select_cannot_read_files_or_run_past_its_time(served: tuple[str, Path]) -> None:
    base, _ = served
    status, answer = _json(base + "sql.json?q=" + quote("SELECT * FROM read_text('/etc/hostname')"))
    assert status == 400 and "disabled" in answer["error"]
    slow = "SELECT count(*) FROM range(100000000) a, range(1000) b"
    status, answer = _json(base + "sql.json?q=" + quote(slow))
    assert status == 400 and "limit" in answer["error"]


def test_other_host_names_and_methods_are_refused(served: tuple[str, Path]) -> None:
    base, _ = served
    assert _get(base, {"Host": "attacker.example"})[0] == 403  # DNS rebinding
    assert _get(base, {"Host": "localhost:1234"})[0] == 200
    post = urllib.request.Request(base + "sql", data=b"q=DELETE", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(post, timeout=10)
    assert refused.value.code == 405


def test_a_missing_dataset_is_refused_before_serving(tmp_path: Path) -> None:
    from schemas import ErrorCode, KehoachError

    with pytest.raises(KehoachError) as missing:
        BrowseServer(BrowseSettings(db=tmp_path / "none.duckdb", port=0), print)
    assert missing.value.code == ErrorCode.NOT_FOUND
