"""The report's cards: headline figures, documents, provinces × sections, awards, deadlines,
obligations, runs and source texts, each one HTML ``<section>`` from ``ReportData``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from pipeline.analysis import report_sources, report_svg
from pipeline.analysis.labels import display_labels, display_title
from pipeline.analysis.report_data import DocumentView, ReportData, by_province
from schemas.plan import FACT_FIELDS

# The kinds of content a heading announces (data/vocab/sections.yaml), as extraction classed them.
SECTIONS = ("purposes", "requirements", "criteria", "awards", "targets", "schedule", "organisation")
ROLES = ("lead", "coordinate", "responsible")
TOP_AGENCIES = 20


# --------------------------------------------------------------------------- small pieces


def esc(value: object) -> str:
    """HTML-escaped text of a value; None is empty."""
    return escape("" if value is None else str(value))


def _source(view: DocumentView | None, line: int | None) -> str:
    """A small "Hưng Yên · dòng 12" link to where a fact stands."""
    if view is None:
        return ""
    where = f" · dòng {line}" if line else ""
    return f'<a class="src" href="{view.href(line)}">{esc(view.label)}{where}</a>'


def _tag(text: str, kind: str = "") -> str:
    return f'<span class="tag {esc(kind)}">{esc(text)}</span>'


def _card(anchor: str, title: str, lead: str, body: str) -> str:
    return (
        f'<section class="card" id="{anchor}"><h2>{esc(title)}</h2>'
        f'<p class="lead">{lead}</p>{body}</section>'
    )


def _chart(svg: str) -> str:
    return f'<div class="chart-box">{svg}</div>'


def _shorten(text: str, limit: int = 220) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- sections of the page


def kpis(data: ReportData) -> str:
    """The headline numbers."""
    from extractors.obligations import agency_key

    provinces = {d.province for d in data.documents if d.province != "—"}
    failed = sum(run["n"] for run in data.runs if run["outcome"] == "failed")
    figures = [
        (len(data.documents), "văn bản đã nạp"),
        (len(provinces), "tỉnh, thành phố"),
        (len(data.obligations), "nghĩa vụ được giao"),
        (len({agency_key(o["agency"]) for o in data.obligations}), "cơ quan, đơn vị"),
        (len(data.deadlines), "thời hạn"),
        (len(data.awards), "hình thức khen thưởng"),
        (failed, "tệp lỗi (cách ly)"),
    ]
    cells = "".join(
        f'<div class="kpi"><div class="n">{n}</div><div class="l">{esc(label)}</div></div>'
        for n, label in figures
    )
    return f'<div class="kpis" id="summary">{cells}</div>'


def _is_plan(view: DocumentView) -> bool:
    return str(view.record.get("doc_type") or "").lower().startswith("kế hoạch")


def documents_table(data: ReportData) -> str:
    """Documents ingested, plans first, then the other legal documents, each group apart."""
    plans = [view for view in data.documents if _is_plan(view)]
    others = [view for view in data.documents if not _is_plan(view)]
    return _documents_card("documents", "Kế hoạch đã nạp", plans) + _documents_card(
        "legal", "Văn bản pháp luật khác", others
    )


def _documents_card(anchor: str, title: str, views: list[DocumentView]) -> str:
    """One group of documents: number, title, date, kind of file, lines, version."""
    rows = []
    for number, view in enumerate(views, 1):
        r = view.record
        title = display_title(r.get("title")) or Path(str(r["path"])).name
        rows.append(
            f'<tr class="doc-row" data-province="{esc(r.get("province") or "")}">'
            f'<td class="num">{number}</td><td>{esc(view.province)}</td>'
            f"<td>{esc(r.get('number') or '—')}</td>"
            f'<td><a href="{view.href()}">{esc(title)}</a><br>{view.original()}</td>'
            f"<td>{esc(r.get('issue_date') or '—')}</td><td>{esc(r.get('doc_type') or '—')}</td>"
            f'<td class="num">{r.get("line_count") or 0}</td>'
            f"<td><code>{esc(view.sha256[:10])}</code></td>"
            f"<td>{esc(r.get('pipeline_version'))}</td></tr>"
        )
    head = (
        '<tr><th class="num">#</th><th>Tỉnh</th><th>Số</th><th>Trích yếu</th><th>Ngày</th>'
        '<th>Loại</th><th class="num">Dòng</th><th>sha256</th><th>Phiên bản</th></tr>'
    )
    body = (
        f'<div class="scroll"><table><thead>{head}</thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    if not rows:
        body = '<p class="empty">Chưa có văn bản nào: chạy <code>kehoach ingest</code>.</p>'
    lead = "Phiên bản hiện hành của mỗi văn bản (bản sao và dự thảo đã thay thế không tính)."
    return _card(anchor, title, lead, body)


def matrix(data: ReportData) -> str:
    """Provinces × sections: how much each plan says under each heading, and which it has."""
    labels = display_labels()
    provinces = by_province([view for view in data.documents if _is_plan(view)])  # plans only
    names = [
        f"{province} ({len(views)} văn bản)" if len(views) > 1 else province
        for province, views in provinces
    ]
    values = [
        [float(sum(view.count(name) for view in views)) for name in FACT_FIELDS]
        for _, views in provinces
    ]
    chart = report_svg.heatmap(
        names,
        [labels[name] for name in FACT_FIELDS],
        values,
        title="Số mục trích xuất theo phần, mỗi tỉnh (cộng các văn bản của tỉnh)",
        links=[views[0].href() for _, views in provinces],
    )
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for row in data.sections:
        for category in filter(None, (row["categories"] or "").split(",")):
            found[row["sha256"]].setdefault(category, row["line_start"])
    head = "".join(f"<th>{esc(labels[name])}</th>" for name in SECTIONS)
    rows = []
    for view in (view for _, views in provinces for view in views):
        cells = []
        for name in SECTIONS:
            line = found[view.sha256].get(name)
            cells.append(
                f'<td class="mark"><a href="{view.href(line)}" title="dòng {line}">✓</a></td>'
                if line
                else '<td class="miss">·</td>'
            )
        rows.append(
            f'<tr class="matrix-row" data-province="{esc(view.record.get("province") or "")}">'
            f'<td><a href="{view.href()}">{esc(view.label)}</a></td>{"".join(cells)}</tr>'
        )
    table = (
        f"<table><thead><tr><th>Văn bản</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    lead = (
        "Ô đậm hơn: văn bản nói nhiều hơn ở phần đó. Bảng dưới: các phần (đề mục La Mã) mỗi kế "
        "hoạch có, dẫn tới dòng của đề mục."
    )
    return _card("matrix", "So sánh các tỉnh theo phần", lead, _chart(chart) + table)


def awards_section(data: ReportData) -> str:
    """Award forms per province: a dot matrix and the list with sources."""
    labels = display_labels()
    views = {d.sha256: d for d in data.documents}
    provinces = sorted({views[a["sha256"]].province for a in data.awards if a["sha256"] in views})
    counts: Counter[tuple[str, str]] = Counter()
    display: dict[str, str] = {}
    for award in data.awards:
        key = " ".join(award["form"].casefold().split())
        display.setdefault(key, award["form"][:1].upper() + award["form"][1:])
        counts[(key, views[award["sha256"]].province)] += 1
    forms = sorted(display, key=lambda k: -sum(v for (f, _), v in counts.items() if f == k))
    chart = report_svg.dot_matrix(
        [display[f] for f in forms],
        provinces,
        [[float(counts[(f, p)]) for p in provinces] for f in forms],
        title="Hình thức khen thưởng theo tỉnh",
    )
    rows = [
        f"<tr><td>{esc(views[a['sha256']].province)}</td><td>{esc(a['form'])}</td>"
        f"<td>{esc(a['grantor'] or '—')}</td>"
        f"<td>{_tag(labels.get(a['category'], a['category']))}</td>"
        f'<td class="num">{esc(a["quantity"] or "")}</td>'
        f"<td>{_source(views.get(a['sha256']), a['line_start'])}</td></tr>"
        for a in sorted(data.awards, key=lambda a: (views[a["sha256"]].province, a["ordinal"]))
    ]
    table = (
        '<div class="scroll"><table><thead><tr><th>Tỉnh</th><th>Hình thức</th><th>Cấp khen</th>'
        '<th>Loại</th><th class="num">SL</th><th>Nguồn</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    body = _chart(chart) + table if data.awards else '<p class="empty">Chưa có.</p>'
    return _card(
        "awards", "Hình thức khen thưởng", "Số lần mỗi hình thức được nêu, theo tỉnh.", body
    )


def _events(data: ReportData) -> tuple[list[report_svg.Event], list[tuple[date | None, dict]]]:
    """Each deadline's due day by the one rule (``pipeline.storage.dates``, also stored in
    ``due``): a yearly one is first due after its plan's issue day, in the table, chart and
    calendar alike."""
    from pipeline.storage.dates import due_span, parse_day

    lanes = {d.sha256: index for index, d in enumerate(data.documents)}
    views = {d.sha256: d for d in data.documents}
    events, dated = [], []
    for row in data.deadlines:
        view = views.get(row["sha256"])
        issued = parse_day(view.record.get("issue_date")) if view else None
        span = due_span(row["date"], issued)
        due = span.due if span else None
        dated.append((due, row))
        if span is None or due is None or view is None:
            continue
        label = f"{view.province}: {row['text']} — {row['action'] or ''}"
        events.append(
            report_svg.Event(
                lanes[row["sha256"]],
                due,
                label,
                span.yearly,
                view.href(row["line_start"]),
            )
        )
    return events, dated


def deadlines_section(data: ReportData) -> str:
    """The deadline timeline and the deadlines in date order."""
    labels = display_labels()
    views = {d.sha256: d for d in data.documents}
    events, dated = _events(data)
    chart = report_svg.timeline(
        [d.label for d in data.documents], events, title="Dòng thời gian các thời hạn"
    )
    dated.sort(key=lambda pair: (pair[0] is None, pair[0] or date.max))
    rows = []
    for due, row in dated:
        recurrence = labels.get(row["recurrence"] or "none", row["recurrence"])
        rows.append(
            f'<tr class="deadline-row"><td>{esc(due.isoformat() if due else "—")}</td>'
            f"<td>{_tag(recurrence, row['recurrence'] or '')}</td><td>{esc(row['text'])}</td>"
            f"<td>{esc(_shorten(row['action'] or ''))}</td><td>{esc(row['agency'] or '—')}</td>"
            f"<td>{_source(views.get(row['sha256']), row['line_start'])}</td></tr>"
        )
    legend = (
        '<p class="legend"><i style="background:#1f4e79"></i>một lần'
        '<i style="background:#f4a261;border-radius:2px"></i>'
        "hằng năm (lần đầu sau ngày ban hành)</p>"
    )
    table = (
        '<div class="scroll"><table><thead><tr><th>Đến hạn</th><th>Lặp lại</th><th>Thời hạn</th>'
        "<th>Việc</th><th>Cơ quan</th><th>Nguồn</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    lead = (
        "Mỗi hàng một kế hoạch; chạm vào điểm để xem dòng nguồn. "
        "Thời hạn không có ngày ở cuối bảng."
    )
    return _card("deadlines", "Thời hạn", lead, legend + _chart(chart) + table)


def obligations_section(data: ReportData) -> str:
    """Obligations per agency: bars by role, then each agency's list with sources."""
    from extractors.obligations import agency_key, canonical_agency

    labels = display_labels()
    views = {d.sha256: d for d in data.documents}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in data.obligations:
        key = agency_key(row["agency"])
        names.setdefault(key, canonical_agency(row["agency"]))
        groups[key].append(row)
    ordered = sorted(groups, key=lambda k: (-len(groups[k]), names[k]))
    top = ordered[:TOP_AGENCIES]
    chart = report_svg.stacked_bars(
        [names[k] for k in top],
        [[float(sum(r["role"] == role for r in groups[k])) for role in ROLES] for k in top],
        [labels[role] for role in ROLES],
        title="Nghĩa vụ theo cơ quan và vai trò",
        links=[f"#a-{index}" for index in range(len(top))],
    )
    blocks = []
    for index, key in enumerate(ordered):
        items = []
        for row in groups[key]:
            deadline = ""
            if row["deadline_text"]:
                kind = row["deadline_recurrence"] or ""
                deadline = " " + _tag(f"⏱ {row['deadline_text']}", kind)
            items.append(
                f"<li>{_tag(labels.get(row['role'], row['role']), row['role'])} "
                f"{esc(_shorten(row['task'], 260))}{deadline} "
                f"{_source(views.get(row['sha256']), row['line_start'])}</li>"
            )
        documents = len({row["sha256"] for row in groups[key]})
        blocks.append(
            f'<details class="agency" id="a-{index}"><summary>{esc(names[key])}'
            f'<span class="count">{len(groups[key])} nghĩa vụ · {documents} văn bản</span>'
            f"</summary><ul>{''.join(items)}</ul></details>"
        )
    lead = (
        f"{len(ordered)} cơ quan; biểu đồ: {min(len(ordered), TOP_AGENCIES)} cơ quan nhiều nghĩa "
        "vụ nhất. Cùng dữ liệu: <code>kehoach obligations --agency …</code>."
    )
    body = _chart(chart) + "".join(blocks) if ordered else '<p class="empty">Chưa có.</p>'
    return _card("obligations", "Nghĩa vụ theo cơ quan", lead, body)


def runs_section(data: ReportData) -> str:
    """What the runs did, and the files set aside with their reasons."""
    outcomes = (
        ", ".join(f"{run['outcome']}: {run['n']}" for run in data.runs) or "chưa có lượt chạy"
    )
    rows = [
        f"<tr><td>{esc(q['path'])}</td><td><code>{esc(q['error_code'])}</code></td>"
        f"<td>{esc(q['reason'])}</td><td>{esc(q['at'])}</td></tr>"
        for q in data.quarantine
    ]
    table = (
        "<table><thead><tr><th>Tệp</th><th>Mã lỗi</th><th>Lý do</th><th>Lúc</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else '<p class="empty">Không có tệp nào bị cách ly.</p>'
    )
    return _card("runs", "Lượt nạp và tệp cách ly", esc(outcomes), table)


def sources_section(data: ReportData) -> str:
    """Every document's text line by line (each line an anchor the facts link to), or, where
    the texts were written beside the page, a link to each."""
    blocks = []
    for view in data.documents:
        title = display_title(view.record.get("title"))
        meta = f"{esc(title)} · {len(view.lines)} dòng · {view.original()}"
        if view.page:
            blocks.append(f'<p><a href="{esc(view.page)}">{esc(view.label)}</a> {meta}</p>')
            continue
        blocks.append(
            f'<details class="source" id="{view.anchor}"><summary>{esc(view.label)}'
            f'<span class="meta">{meta}</span></summary><div class="lines">'
            f"{report_sources.source_lines(view.anchor, view.lines)}</div></details>"
        )
    return _card(
        "sources", "Văn bản nguồn", "Văn bản sau khôi phục dấu, đánh số dòng.", "".join(blocks)
    )
