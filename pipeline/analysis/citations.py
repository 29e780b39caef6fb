"""Who cites or implements a document, across provinces; and full-text search of the dataset.

``citing`` answers "which stored documents cite, implement, amend or repeal 23/CT-TTg?" from the
``relations`` table (keys from ``extractors.legal_basis.ref_key``, so "23/CT-TTg", "23/ct-ttg"
and "23 / CT–TTg" are one), counting the current version of each work once, grouped by province;
the plans among them can then be compared field by field (``compare_field`` on their sha256).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractors.legal_basis import ref_key
from schemas import ErrorCode, KehoachError

KIND_LABELS = {
    "can_cu": "căn cứ",
    "thuc_hien": "thực hiện",
    "sua_doi": "sửa đổi",
    "bo_sung": "bổ sung",
    "thay_the": "thay thế",
    "bai_bo": "bãi bỏ",
    "huong_dan": "hướng dẫn",
    "hop_nhat": "hợp nhất",
    "dan_chieu": "dẫn chiếu",
}

CITING_SQL = """
SELECT d.sha256, d.work_id, d.province, d.issuer, d.doc_type, d.number, d.issue_date, d.title,
    d.path, string_agg(DISTINCT r.kind, ',' ORDER BY r.kind) AS kinds,
    string_agg(DISTINCT r.source, ',' ORDER BY r.source) AS sources
FROM relations r JOIN current_documents d USING (sha256)
WHERE r.key = ? AND NOT r.inverse {kinds}
GROUP BY ALL
ORDER BY d.province NULLS LAST, d.issue_date NULLS LAST, d.sha256
"""

TARGET_SQL = """
SELECT w.work_id, w.number, w.title, w.doc_type, w.issuer, s.status, s.status_basis,
    s.effective_date, s.expiry_date
FROM works w LEFT JOIN work_status s USING (work_id) WHERE w.ref_key = ?
"""


def citing(db: Path, ref: str, *, kinds: list[str] | None = None) -> dict[str, Any]:
    """The stored documents that cite ``ref`` (optionally only by these relation kinds),
    grouped by province, with the cited work itself where it is stored."""
    from pipeline.storage.store import Dataset

    unknown = [kind for kind in kinds or () if kind not in KIND_LABELS]
    if unknown:
        raise KehoachError(
            ErrorCode.USAGE, ",".join(unknown), f"relation kinds are {', '.join(KIND_LABELS)}"
        )
    key = ref_key(ref)
    clause = f"AND r.kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
    with Dataset(db, read_only=True) as dataset:
        rows = dataset.query(CITING_SQL.format(kinds=clause), [key, *(kinds or [])])
        target = dataset.query(TARGET_SQL, [key])
    provinces: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        provinces.setdefault(row["province"] or "(central or unknown)", []).append(row)
    return {
        "ref": ref,
        "key": key,
        "stored": target[0] if target else None,
        "count": len(rows),
        "provinces": [{"province": p, "documents": docs} for p, docs in provinces.items()],
    }


def plan_shas(answer: dict[str, Any]) -> list[str]:
    """The sha256 of every plan ("Kế hoạch") among the citing documents, for a comparison."""
    return [
        doc["sha256"]
        for group in answer["provinces"]
        for doc in group["documents"]
        if (doc["doc_type"] or "").lower().startswith("kế hoạch")
    ]


def citing_compared(
    db: Path, ref: str, *, kinds: list[str] | None = None, field: str | None = None
) -> tuple[dict[str, Any], Any]:
    """``citing``'s answer and, with ``field``, that field compared across the citing plans
    (a ``compare.Comparison``; None without a field or without a citing plan)."""
    from pipeline.analysis.compare import compare_field

    answer = citing(db, ref, kinds=kinds)
    shas = plan_shas(answer) if field else []
    table = compare_field(db, field, documents=shas) if shas and field else None
    return answer, table


def render_citing(answer: dict[str, Any], console: Any = None) -> None:
    """Print who cites the document: one table, a row per citing document, by province."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    stored = answer["stored"]
    about = (
        f"{stored['number'] or ''} {stored['title'] or ''} — {stored['status'] or 'unknown'}"
        if stored
        else "not stored"
    )
    grid = Table(title=f"{answer['ref']} (key {answer['key']}; {about}): {answer['count']} citing")
    for column in ("province", "type", "number", "date", "title", "relation", "where"):
        grid.add_column(column)
    for group in answer["provinces"]:
        for doc in group["documents"]:
            relation = ", ".join(KIND_LABELS.get(k, k) for k in doc["kinds"].split(","))
            grid.add_row(
                group["province"],
                doc["doc_type"] or "",
                doc["number"] or "",
                doc["issue_date"] or "",
                (doc["title"] or "")[:80],
                relation,
                doc["sources"],
            )
    console.print(grid)


def search_dataset(db: Path, text: str, **filters: Any) -> list[dict[str, Any]]:
    """Current versions matching ``text`` (every word, diacritics ignored), best first."""
    from pipeline.storage.search import search
    from pipeline.storage.store import Dataset

    with Dataset(db, read_only=True) as dataset, dataset.read() as connection:
        return search(connection, text, **filters)


def render_hits(hits: list[dict[str, Any]], console: Any = None) -> None:
    """Print search hits: score, document, and the text around the first match."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    grid = Table(title=f"{len(hits)} documents", show_lines=True)
    for column in ("score", "document", "snippet"):
        grid.add_column(column)
    for hit in hits:
        draft = " (dự thảo)" if hit["is_draft"] else ""
        label = " ".join(
            str(hit[k]) for k in ("doc_type", "number", "issue_date", "province") if hit[k]
        )
        grid.add_row(
            f"{hit['score']:.2f}", f"{label}{draft}\n{(hit['title'] or '')[:80]}", hit["snippet"]
        )
    console.print(grid)
