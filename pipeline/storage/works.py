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
from collections.abc import Sequence
from dataclasses import dataclass, field
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


@dataclass
class WorkIndex:
    """The stored works and versions that a save's documents can meet, read with one query per
    key instead of several statements a document (DuckDB costs about 1.3 CPU ms a statement,
    a text about 8 ms to save), and kept current as each document is placed: the next document
    of a bundle may be a version of the same work. New works and versions become rows that the
    caller inserts with the bundle's other rows, one insert per table.
    """

    connection: Any
    by_content: dict[str, str] = field(default_factory=dict)  # content_key -> a version's sha256
    by_number: dict[str, str] = field(default_factory=dict)  # number_key -> work_id
    by_title: dict[str, list[str]] = field(default_factory=dict)  # title_key -> ids, oldest first
    numbers: dict[str, str | None] = field(default_factory=dict)  # work_id -> its number_key
    new_works: dict[str, list[Any]] = field(default_factory=dict)  # work_id -> its row to insert

    @classmethod
    def load(cls, connection: Any, identities: Sequence[Identity]) -> WorkIndex:
        """What the stored works and versions say of these identities' keys."""
        index = cls(connection)
        contents = sorted({i.content_key for i in identities})
        for content, sha256 in connection.execute(
            "SELECT content_key, any_value(sha256) FROM versions "
            "WHERE list_contains(?, content_key) GROUP BY content_key",
            [contents],
        ).fetchall():
            index.by_content[content] = sha256
        numbers = sorted({i.number_key for i in identities if i.number_key})
        titles = sorted({i.title_key for i in identities if i.title_key})
        found = connection.execute(
            "SELECT work_id, number_key, title_key FROM works "
            "WHERE list_contains(?, number_key) OR list_contains(?, title_key) "
            "ORDER BY created_at, work_id",
            [numbers, titles],
        ).fetchall()
        for work_id, number, title in found:
            index._know(work_id, number, title)
        return index

    def _know(self, work_id: str, number: str | None, title: str | None) -> None:
        self.numbers[work_id] = number
        if number:
            self.by_number.setdefault(number, work_id)
        if title:
            self.by_title.setdefault(title, []).append(work_id)

    def version_with_text(self, content_key: str) -> str | None:
        """The sha256 of the stored version with this text, if any."""
        return self.by_content.get(content_key)

    def find_work(self, identity: Identity) -> str | None:
        """The stored work this document is a version of: by number and issuer, else by title
        where at most one side has a number (two numbered documents are two works)."""
        if identity.number_key and identity.number_key in self.by_number:
            return self.by_number[identity.number_key]
        for work_id in self.by_title.get(identity.title_key or "", ()):
            if not identity.number_key or self.numbers[work_id] is None:
                return work_id
        return None

    def place_version(
        self,
        sha256: str,
        identity: Identity,
        header: Any,
        validity: Validity,
        now: datetime,
        rows: dict[str, list[Any]],
    ) -> str:
        """Attach a document to its work (created when new); its version's row (and a new
        work's) join ``rows``. Returns the work's id."""
        work_id = self.find_work(identity)
        if work_id is None:
            work_id = str(uuid.uuid4())
            row = [
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
            ]
            self.new_works[work_id] = row
            rows.setdefault("works", []).append(row)
            self._know(work_id, identity.number_key, identity.title_key)
        elif identity.number_key:  # the signed text brings the number its draft lacked
            self._give_number(work_id, identity, header)
        rows.setdefault("versions", []).append(
            (
                sha256,
                work_id,
                identity.content_key,
                identity.is_draft,
                validity.effective_date,
                validity.expiry_date,
                validity.status,
                validity.basis,
            )
        )
        self.by_content.setdefault(identity.content_key, sha256)
        return work_id

    def _give_number(self, work_id: str, identity: Identity, header: Any) -> None:
        """number_key, ref_key and number where the work has none yet (SQL's coalesce)."""
        pending = self.new_works.get(work_id)
        if pending is not None:
            given = ((1, identity.number_key), (3, identity.ref_key), (7, header.number))
            for column, value in given:
                if pending[column] is None:
                    pending[column] = value
        else:
            self.connection.execute(
                "UPDATE works SET number_key = coalesce(number_key, ?), "
                "ref_key = coalesce(ref_key, ?), number = coalesce(number, ?) WHERE work_id = ?",
                [identity.number_key, identity.ref_key, header.number, work_id],
            )
        if self.numbers[work_id] is None and identity.number_key:
            self.numbers[work_id] = identity.number_key
            self.by_number.setdefault(identity.number_key, work_id)


def place_version(
    connection: Any,
    sha256: str,
    identity: Identity,
    header: Any,
    validity: Validity,
    now: datetime,
) -> str:
    """Attach one stored document to its work (created when new); return the work's id."""
    index = WorkIndex.load(connection, [identity])
    rows: dict[str, list[Any]] = {}
    work_id = index.place_version(sha256, identity, header, validity, now, rows)
    for table, table_rows in rows.items():
        for row in table_rows:
            placeholders = ", ".join(["?"] * len(row))
            connection.execute(f"INSERT INTO {table} VALUES ({placeholders})", list(row))
    return work_id


def forget_version(connection: Any, sha256: str) -> None:
    """Drop a version before it is stored again (a new pipeline version); its work stays."""
    connection.execute("DELETE FROM versions WHERE sha256 = ?", [sha256])
