"""The dataset's tables: their columns, the quarantine view, and what an older file lacks.

One home for the layout of the DuckDB file, read by the store that writes it, the exports and the
frames; the works and search tables keep their own schemas beside their code.
"""

from __future__ import annotations

from typing import Any

from pipeline.storage import works
from pipeline.storage.search import create_search_schema

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

# The latest failed run of each path that has not succeeded since: files set aside with a reason.
QUARANTINE_VIEW = """
CREATE OR REPLACE VIEW quarantine AS
SELECT path, sha256, error_code, reason, pipeline_version, "at" FROM (
    SELECT *, row_number() OVER (PARTITION BY path ORDER BY "at" DESC) AS latest FROM runs
) WHERE latest = 1 AND outcome = 'failed'
"""


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
