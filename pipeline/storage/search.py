"""Full-text search over the stored versions, ranked in SQL over folded text.

DuckDB's ``fts`` extension is not bundled with the duckdb wheel this project uses and cannot be
downloaded at run time (nothing may be); PyPI ships it only for other duckdb releases, so pinning
it would pin duckdb itself. Search is instead plain SQL over a folded copy of each text (lower
case, no diacritics: "can cu", "Căn cứ" and "CĂN CỨ" meet), ranked by a BM25-like sum over the
query's words (log term frequency × inverse document frequency) plus a bonus for the whole phrase.
It scans every text (about 40 ms for 1,000 documents): enough for a dataset of this size.
"""

from __future__ import annotations

import math
import re
from typing import Any

from diacritics.orthography import fold_ascii

SEARCH_TABLE = "search_texts"
WHITESPACE = re.compile(r"\s+")
SNIPPET_CHARS = 90
PHRASE_BONUS = 2.0


def create_search_schema(connection: Any) -> None:
    """The searchable text of each stored version: as written, and folded character for
    character, so a match found in the folded text cuts its snippet from the original."""
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} "
        "(sha256 VARCHAR PRIMARY KEY, body VARCHAR NOT NULL, folded VARCHAR NOT NULL)"
    )


def search_row(sha256: str, text: str) -> tuple[str, str, str]:
    """A version's row of the search table: its text with whitespace collapsed, and folded."""
    body = WHITESPACE.sub(" ", text).strip()
    return (sha256, body, fold_ascii(body))


def index_text(connection: Any, sha256: str, text: str) -> None:
    """Store one version's text for search (inside the caller's transaction)."""
    connection.execute(
        f"INSERT OR REPLACE INTO {SEARCH_TABLE} VALUES (?, ?, ?)", list(search_row(sha256, text))
    )


def query_words(text: str) -> list[str]:
    """The folded words of a query, each once, in order."""
    return list(dict.fromkeys(re.findall(r"\w+", fold_ascii(text))))


def _filters(
    doc_type: str | None, issuer: str | None, province: str | None, year: int | None
) -> tuple[str, list[Any]]:
    """SQL conditions on the document's header, folded like the text (no diacritics)."""
    clauses: list[str] = []
    values: list[Any] = []
    for column, wanted in (("doc_type", doc_type), ("issuer", issuer), ("province", province)):
        if wanted:
            clauses.append(
                f"replace(strip_accents(lower(coalesce(d.{column}, ''))), 'đ', 'd') LIKE ?"
            )
            values.append(f"%{fold_ascii(wanted)}%")
    if year:
        clauses.append("d.issue_date LIKE ?")
        values.append(f"{int(year):04d}-%")
    return "".join(f" AND {c}" for c in clauses), values


def _pattern(word: str) -> str:
    return rf"\b{re.escape(word)}\b"


def search(
    connection: Any,
    text: str,
    *,
    doc_type: str | None = None,
    issuer: str | None = None,
    province: str | None = None,
    year: int | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Current versions containing every word of ``text`` (diacritics and case ignored), best
    first: each with its header fields, score and a snippet around the first match."""
    words = query_words(text)
    if not words:
        return []
    where, values = _filters(doc_type, issuer, province, year)
    total = connection.execute(f"SELECT count(*) FROM {SEARCH_TABLE}").fetchall()[0][0] or 1
    weights = []
    for word in words:
        found = connection.execute(
            f"SELECT count(*) FROM {SEARCH_TABLE} WHERE regexp_matches(folded, ?)", [_pattern(word)]
        ).fetchall()[0][0]
        weights.append(math.log(1 + (total - found + 0.5) / (found + 0.5)))
    terms = " + ".join(
        f"ln(1 + len(regexp_extract_all(s.folded, ?))) * {weight:.6f}" for weight in weights
    )
    phrase = " ".join(words)
    sql = f"""
        SELECT d.sha256, d.work_id, d.path, d.doc_type, d.number, d.issuer, d.province,
            d.issue_date, d.title, v.is_draft,
            {terms} + CASE WHEN contains(s.folded, ?) THEN {PHRASE_BONUS} ELSE 0 END AS score,
            coalesce(nullif(strpos(s.folded, ?), 0), strpos(s.folded, ?)) AS at, s.body
        FROM {SEARCH_TABLE} s JOIN current_documents d USING (sha256)
        JOIN versions v USING (sha256)
        WHERE {" AND ".join(["regexp_matches(s.folded, ?)"] * len(words))} {where}
        ORDER BY score DESC, d.issue_date DESC NULLS LAST, d.sha256 LIMIT ?"""
    parameters = [
        *(_pattern(w) for w in words),
        phrase,
        phrase,
        words[0],
        *(_pattern(w) for w in words),
        *values,
        limit,
    ]
    cursor = connection.execute(sql, parameters)
    names = [column[0] for column in cursor.description]
    hits = []
    for row in cursor.fetchall():
        hit = dict(zip(names, row, strict=True))
        body, at = hit.pop("body"), max(int(hit.pop("at")) - 1, 0)
        start = max(at - SNIPPET_CHARS // 3, 0)
        hit["snippet"] = body[start : start + SNIPPET_CHARS]
        hit["score"] = round(float(hit["score"]), 3)
        hits.append(hit)
    return hits
