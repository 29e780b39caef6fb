"""Works, their versions and copies, and the validity of each work, in the DuckDB dataset.

``documents`` keeps one row per stored version (keyed by the sha256 of the file first stored
for it); ``versions`` says which work each belongs to and whether it is a draft; ``copies``
records other files with the same text (CRLF, NFD ... copies), which are never stored twice.
The views ``current_versions`` (one per work: the latest signed version, else the latest draft)
and ``current_documents`` are what analysis counts, so obligations are counted once per work.
``work_status`` adds the status that later stored documents give a work: a repeal ("bãi bỏ")
or replacement ("thay thế") by a stored document outranks what the work says of itself.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pipeline.storage.identity import Identity
from schemas import Validity

WORK_TABLES: dict[str, str] = {
    "works": """work_id VARCHAR PRIMARY KEY, number_key VARCHAR, title_key VARCHAR,
        ref_key VARCHAR, doc_type VARCHAR, issuer VARCHAR, province VARCHAR, number VARCHAR,
        title VARCHAR, created_at TIMESTAMP NOT NULL""",
    "versions": """sha256 VARCHAR PRIMARY KEY, work_id VARCHAR NOT NULL,
        content_key VARCHAR NOT NULL, is_draft BOOLEAN NOT NULL, effective_date VARCHAR,
        expiry_date VARCHAR, status VARCHAR, status_basis VARCHAR""",
    "copies": """sha256 VARCHAR PRIMARY KEY, content_key VARCHAR NOT NULL,
        version_sha256 VARCHAR NOT NULL, path VARCHAR, seen_at TIMESTAMP NOT NULL""",
}

# Rank of a work's versions: signed before drafts, then the latest issued, then the latest stored.
WORK_VIEWS = (
    """CREATE OR REPLACE VIEW current_versions AS
    SELECT sha256, work_id, is_draft FROM (
        SELECT v.sha256, v.work_id, v.is_draft, row_number() OVER (
            PARTITION BY v.work_id
            ORDER BY v.is_draft, coalesce(d.issue_date, '') DESC, d.ingested_at DESC, v.sha256
        ) AS rank
        FROM versions v JOIN documents d USING (sha256)
    ) WHERE rank = 1""",
    """CREATE OR REPLACE VIEW current_documents AS
    SELECT d.*, c.work_id FROM documents d JOIN current_versions c USING (sha256)""",
    # The relations a current version states, with the work each one's key resolves to.
    """CREATE OR REPLACE VIEW resolved_relations AS
    SELECT r.*, c.work_id AS from_work, w.work_id AS to_work
    FROM relations r JOIN current_versions c USING (sha256)
    LEFT JOIN works w ON w.ref_key = r.key""",
    """CREATE OR REPLACE VIEW work_status AS
    SELECT w.work_id, w.number, w.title, v.effective_date, v.expiry_date,
        CASE WHEN acted.kind = 'bai_bo' THEN 'repealed'
             WHEN acted.kind = 'thay_the' THEN 'replaced'
             ELSE coalesce(v.status, 'unknown') END AS status,
        CASE WHEN acted.kind IS NOT NULL THEN acted.kind || ' by ' || acted.by
             ELSE v.status_basis END AS status_basis
    FROM works w JOIN current_versions c USING (work_id) JOIN versions v ON v.sha256 = c.sha256
    LEFT JOIN (
        SELECT to_work, arg_max(r.kind, d.issue_date) AS kind,
            arg_max(coalesce(d.number, d.title, r.sha256), d.issue_date) AS by
        FROM resolved_relations r JOIN documents d USING (sha256)
        WHERE r.kind IN ('bai_bo', 'thay_the') AND NOT r.inverse AND r.scope IS NULL
            AND r.to_work IS NOT NULL AND r.to_work <> r.from_work
        GROUP BY to_work
    ) acted ON acted.to_work = w.work_id""",
)


def create_work_schema(connection: Any) -> None:
    """Create the works tables and views that are missing (an older dataset gains them)."""
    for name, columns in WORK_TABLES.items():
        connection.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
    for view in WORK_VIEWS:
        connection.execute(view)


def _first(connection: Any, sql: str, parameters: list[Any]) -> tuple[Any, ...] | None:
    rows = connection.execute(sql, parameters).fetchall()
    return rows[0] if rows else None


def version_with_text(connection: Any, content_key: str) -> str | None:
    """The sha256 of the stored version with this text, if any."""
    row = _first(
        connection, "SELECT sha256 FROM versions WHERE content_key = ? LIMIT 1", [content_key]
    )
    return row[0] if row else None


def record_copy(
    connection: Any, sha256: str, identity: Identity, version: str, path: str, now: datetime
) -> None:
    """Remember a file whose text is an already stored version's (it is not stored again)."""
    connection.execute(
        "INSERT INTO copies VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [sha256, identity.content_key, version, path, now],
    )


def copied_version(connection: Any, sha256: str) -> str | None:
    """The stored version a copy's bytes stand for, or None when these bytes are not a copy."""
    row = _first(connection, "SELECT version_sha256 FROM copies WHERE sha256 = ?", [sha256])
    return row[0] if row else None


def find_work(connection: Any, identity: Identity) -> str | None:
    """The stored work this document is a version of: by number and issuer, else by title
    where at most one side has a number (two numbered documents are two works)."""
    if identity.number_key:
        row = _first(
            connection, "SELECT work_id FROM works WHERE number_key = ?", [identity.number_key]
        )
        if row:
            return str(row[0])
    if identity.title_key:
        sql = "SELECT work_id FROM works WHERE title_key = ?"
        if identity.number_key:
            sql += " AND number_key IS NULL"
        row = _first(connection, sql + " ORDER BY created_at LIMIT 1", [identity.title_key])
        if row:
            return str(row[0])
    return None


def place_version(
    connection: Any,
    sha256: str,
    identity: Identity,
    header: Any,
    validity: Validity,
    now: datetime,
) -> str:
    """Attach a stored document to its work (created when new); return the work's id."""
    work_id = find_work(connection, identity)
    if work_id is None:
        work_id = str(uuid.uuid4())
        connection.execute(
            "INSERT INTO works VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                work_id,
                identity.number_key,
                identity.title_key,
                identity.ref_key,
                header.doc_type,
                header.issuer,
                header.province,
                header.number,
                header.title,
                now,
            ],
        )
    elif identity.number_key:  # the signed text brings the number its draft lacked
        connection.execute(
            "UPDATE works SET number_key = coalesce(number_key, ?), ref_key = coalesce(ref_key, ?),"
            " number = coalesce(number, ?) WHERE work_id = ?",
            [identity.number_key, identity.ref_key, header.number, work_id],
        )
    connection.execute(
        "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sha256,
            work_id,
            identity.content_key,
            identity.is_draft,
            validity.effective_date,
            validity.expiry_date,
            validity.status,
            validity.basis,
        ],
    )
    return work_id


def forget_version(connection: Any, sha256: str) -> None:
    """Drop a version before it is stored again (a new pipeline version); its work stays."""
    connection.execute("DELETE FROM versions WHERE sha256 = ?", [sha256])
