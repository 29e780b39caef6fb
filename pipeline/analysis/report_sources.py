"""The report's parts that grow with the dataset: source texts (written beside the page, opened
on demand) and the citation view (who cites what, and the status of the cited works).

A source text inlined costs 30-50 KB a document: 1,000 documents made a page of 40 MB that a
browser opens slowly. Above ``INLINE_DOCUMENTS`` documents the texts go into a folder beside the
page, one small HTML file a document with the same line anchors, and the facts link there.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from pipeline.analysis.labels import display_title

INLINE_DOCUMENTS = 50  # up to this many documents, texts stay in the page (one file to send)
TOP_CITED = 40

CITED_SQL = """
SELECT r.key, any_value(r.ref) AS ref, any_value(r.doc_type) AS doc_type,
    count(DISTINCT r.sha256) AS citing, string_agg(DISTINCT r.kind, ',') AS kinds,
    any_value(s.status) AS status, any_value(s.title) AS title
FROM resolved_relations r LEFT JOIN work_status s ON s.work_id = r.to_work
WHERE NOT r.inverse
GROUP BY r.key ORDER BY citing DESC, r.key LIMIT ?
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def cited_rows(dataset: Any) -> list[dict[str, Any]]:
    """The most cited documents: key, how many current versions cite them, how, their status."""
    return dataset.query(CITED_SQL, [TOP_CITED])  # type: ignore[no-any-return]


def citations_card(rows: list[dict[str, Any]]) -> str:
    """The citation view: the most cited documents, by how many stored documents cite them."""
    body = "".join(
        f"<tr><td>{_e(row['doc_type'] or '')} {_e(row['ref'])}</td>"
        f'<td class="num">{row["citing"]}</td><td>{_e(row["kinds"])}</td>'
        f"<td>{_e(display_title(row['title']) or '—')}</td>"
        f"<td>{_e(row['status'] or 'không lưu')}</td></tr>"
        for row in rows
    )
    head = (
        '<tr><th>Văn bản được dẫn</th><th class="num">Số văn bản dẫn</th><th>Quan hệ</th>'
        "<th>Trích yếu (nếu đã lưu)</th><th>Hiệu lực</th></tr>"
    )
    table = f'<div class="scroll"><table><thead>{head}</thead><tbody>{body}</tbody></table></div>'
    return (
        '<section class="card" id="citations"><h2>Trích dẫn</h2>'
        '<p class="lead">Văn bản được căn cứ, thực hiện, sửa đổi, bãi bỏ … nhiều nhất '
        "(<code>kehoach cites SỐ_HIỆU</code> liệt kê văn bản dẫn theo tỉnh).</p>"
        f"{table if rows else '<p class=empty>Chưa có quan hệ nào.</p>'}</section>"
    )


def source_lines(anchor: str, lines: list[tuple[int, int, str]]) -> str:
    """A document's numbered lines, each an anchor ``<anchor>-L<n>``, page breaks marked."""
    out, page = [], 0
    for page_no, number, text in lines:
        if page_no != page:
            page = page_no
            out.append(f'<div class="ln"><span class="no"></span><em>— trang {page} —</em></div>')
        out.append(
            f'<div class="ln" id="{anchor}-L{number}"><span class="no">{number}</span>'
            f"{_e(text)}</div>"
        )
    return "".join(out)


def texts_folder(output: Path) -> Path:
    """Where a report's source texts go when they are not inlined: ``<name>_files/``."""
    return output.with_name(output.stem + "_files")


def write_source(folder: Path, anchor: str, title: str, lines: list[tuple[int, int, str]]) -> str:
    """Write one document's text as a small page; return its path relative to the report."""
    folder.mkdir(parents=True, exist_ok=True)
    page = (
        f'<!doctype html><meta charset="utf-8"><title>{_e(title)}</title>'
        "<style>body{font:14px/1.5 system-ui}.no{color:#888;display:inline-block;"
        "width:3.5em;text-align:right;margin-right:1em}.ln:target{background:#ffe9a8}</style>"
        f"<h1>{_e(title)}</h1>{source_lines(anchor, lines)}"
    )
    (folder / f"{anchor}.html").write_text(page, encoding="utf-8")
    return f"{folder.name}/{anchor}.html"
