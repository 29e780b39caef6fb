"""The analysts' report: one self-contained HTML page of the dataset.

No network is needed to read it: the style, the charts (inline SVG drawn in ``report_svg``) and a
few lines of script are inside the page. Every fact links to its source document and line, whose
text is in the page too, under "Văn bản nguồn" (or, for a large dataset, in a small page of its own
beside the report: ``report_sources``). Plans and other legal documents are listed apart.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from pathlib import Path
from string import Template
from typing import Any

from diacritics.orthography import strip_marks
from pipeline.analysis import report_sources, report_svg
from pipeline.analysis.labels import display_labels, display_title
from schemas import DocumentText, PlanDocument
from schemas.plan import FACT_FIELDS

# The kinds of content a heading announces (data/vocab/sections.yaml), as extraction classed them.
SECTIONS = ("purposes", "requirements", "criteria", "awards", "targets", "schedule", "organisation")
ROLES = ("lead", "coordinate", "responsible")
TOP_AGENCIES = 20


@dataclass
class DocumentView:
    """One stored plan as the report shows it."""

    record: dict[str, Any]
    plan: PlanDocument
    lines: list[tuple[int, int, str]] = field(default_factory=list)  # (page, number, text)
    label: str = ""  # unique among the report's documents
    page: str | None = None  # its text's own page beside the report, when not inlined

    @property
    def sha256(self) -> str:
        return str(self.record["sha256"])

    @property
    def anchor(self) -> str:
        return f"d-{self.sha256[:12]}"

    @property
    def province(self) -> str:
        return str(self.record.get("province") or "—")

    def href(self, line: int | None = None) -> str:
        """The in-page link to this document, or to one of its lines."""
        where = self.page or ""
        return f"{where}#{self.anchor}-L{line}" if line else f"{where}#{self.anchor}"

    def original(self) -> str:
        """The file's name, linked to the file itself (file://) when it is still where it was
        ingested from, so a reader can open the scan beside the facts."""
        path = Path(str(self.record.get("path") or ""))
        name = f'<span class="file">{_e(path.name)}</span>'
        if path.name and path.is_file():
            return f'<a class="file" href="{_e(path.resolve().as_uri())}">{name}</a>'
        return name

    def count(self, name: str) -> int:
        value = getattr(self.plan, name)
        if name == "criteria":
            return sum(len(group.items) for group in value)
        if name == "assignments":
            return sum(max(len(a.tasks), 1) for a in value)
        return len(value)


@dataclass
class ReportData:
    """Everything the page shows, read from the dataset in one go."""

    db: Path
    documents: list[DocumentView]
    sections: list[dict[str, Any]]
    awards: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    obligations: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    quarantine: list[dict[str, Any]]
    citations: list[dict[str, Any]] = field(default_factory=list)


def _numbered(text_json: str) -> list[tuple[int, int, str]]:
    text = DocumentText.model_validate_json(text_json)
    return [(page, number, line.text) for number, page, line in text.numbered_lines()]


def gather(db: Path) -> ReportData:
    """Read what the report needs from the dataset (read-only)."""
    from pipeline.analysis.compare import unique_labels
    from pipeline.storage.store import Dataset

    with Dataset(db, read_only=True) as dataset:
        documents = []
        for record, plan in dataset.plans():
            text = dataset.query("SELECT text FROM documents WHERE sha256 = ?", [record["sha256"]])
            documents.append(DocumentView(record, plan, _numbered(text[0]["text"])))
        labels = unique_labels([view.record for view in documents])
        for view, label in zip(documents, labels, strict=True):
            view.label = label
        # facts of current versions only: a copy or a superseded draft does not count twice
        ordered = "WHERE sha256 IN (SELECT sha256 FROM current_versions) ORDER BY sha256, ordinal"
        return ReportData(
            db=Path(db),
            documents=documents,
            sections=dataset.query(f"SELECT * FROM sections {ordered}"),
            awards=dataset.query(f"SELECT * FROM awards {ordered}"),
            deadlines=dataset.query(f"SELECT * FROM deadlines {ordered}"),
            obligations=dataset.query(f"SELECT * FROM obligations {ordered}"),
            runs=dataset.query(
                'SELECT outcome, count(*) AS n, max("at") AS last FROM runs GROUP BY outcome'
            ),
            quarantine=dataset.query('SELECT * FROM quarantine ORDER BY "at" DESC'),
            citations=report_sources.cited_rows(dataset),
        )


# --------------------------------------------------------------------------- small pieces


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _source(view: DocumentView | None, line: int | None) -> str:
    """A small "Hưng Yên · dòng 12" link to where a fact stands."""
    if view is None:
        return ""
    where = f" · dòng {line}" if line else ""
    return f'<a class="src" href="{view.href(line)}">{_e(view.label)}{where}</a>'


def _tag(text: str, kind: str = "") -> str:
    return f'<span class="tag {_e(kind)}">{_e(text)}</span>'


def _card(anchor: str, title: str, lead: str, body: str) -> str:
    return (
        f'<section class="card" id="{anchor}"><h2>{_e(title)}</h2>'
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
        f'<div class="kpi"><div class="n">{n}</div><div class="l">{_e(label)}</div></div>'
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
            f'<tr class="doc-row" data-province="{_e(r.get("province") or "")}">'
            f'<td class="num">{number}</td><td>{_e(view.province)}</td>'
            f"<td>{_e(r.get('number') or '—')}</td>"
            f'<td><a href="{view.href()}">{_e(title)}</a><br>{view.original()}</td>'
            f"<td>{_e(r.get('issue_date') or '—')}</td><td>{_e(r.get('doc_type') or '—')}</td>"
            f'<td class="num">{r.get("line_count") or 0}</td>'
            f"<td><code>{_e(view.sha256[:10])}</code></td>"
            f"<td>{_e(r.get('pipeline_version'))}</td></tr>"
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


def by_province(documents: list[DocumentView]) -> list[tuple[str, list[DocumentView]]]:
    """Documents grouped by province, provinces in alphabetical order (diacritics ignored
    first, as a Vietnamese index sorts), documents without a province last under "—"."""
    groups: dict[str, list[DocumentView]] = defaultdict(list)
    for view in documents:
        groups[view.record.get("province") or "—"].append(view)
    return sorted(groups.items(), key=lambda g: (g[0] == "—", strip_marks(g[0]).casefold(), g[0]))


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
    head = "".join(f"<th>{_e(labels[name])}</th>" for name in SECTIONS)
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
            f'<tr class="matrix-row" data-province="{_e(view.record.get("province") or "")}">'
            f'<td><a href="{view.href()}">{_e(view.label)}</a></td>{"".join(cells)}</tr>'
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
        f"<tr><td>{_e(views[a['sha256']].province)}</td><td>{_e(a['form'])}</td>"
        f"<td>{_e(a['grantor'] or '—')}</td>"
        f"<td>{_tag(labels.get(a['category'], a['category']))}</td>"
        f'<td class="num">{_e(a["quantity"] or "")}</td>'
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
            f'<tr class="deadline-row"><td>{_e(due.isoformat() if due else "—")}</td>'
            f"<td>{_tag(recurrence, row['recurrence'] or '')}</td><td>{_e(row['text'])}</td>"
            f"<td>{_e(_shorten(row['action'] or ''))}</td><td>{_e(row['agency'] or '—')}</td>"
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
                f"{_e(_shorten(row['task'], 260))}{deadline} "
                f"{_source(views.get(row['sha256']), row['line_start'])}</li>"
            )
        documents = len({row["sha256"] for row in groups[key]})
        blocks.append(
            f'<details class="agency" id="a-{index}"><summary>{_e(names[key])}'
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
        f"<tr><td>{_e(q['path'])}</td><td><code>{_e(q['error_code'])}</code></td>"
        f"<td>{_e(q['reason'])}</td><td>{_e(q['at'])}</td></tr>"
        for q in data.quarantine
    ]
    table = (
        "<table><thead><tr><th>Tệp</th><th>Mã lỗi</th><th>Lý do</th><th>Lúc</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else '<p class="empty">Không có tệp nào bị cách ly.</p>'
    )
    return _card("runs", "Lượt nạp và tệp cách ly", _e(outcomes), table)


def sources_section(data: ReportData) -> str:
    """Every document's text line by line (each line an anchor the facts link to), or, where
    the texts were written beside the page, a link to each."""
    blocks = []
    for view in data.documents:
        title = display_title(view.record.get("title"))
        meta = f"{_e(title)} · {len(view.lines)} dòng · {view.original()}"
        if view.page:
            blocks.append(f'<p><a href="{_e(view.page)}">{_e(view.label)}</a> {meta}</p>')
            continue
        blocks.append(
            f'<details class="source" id="{view.anchor}"><summary>{_e(view.label)}'
            f'<span class="meta">{meta}</span></summary><div class="lines">'
            f"{report_sources.source_lines(view.anchor, view.lines)}</div></details>"
        )
    return _card(
        "sources", "Văn bản nguồn", "Văn bản sau khôi phục dấu, đánh số dòng.", "".join(blocks)
    )


# --------------------------------------------------------------------------- the page


def render(data: ReportData) -> str:
    """The whole page as one HTML string."""
    from kehoach import DATA_DIR, PIPELINE_VERSION

    folder = DATA_DIR / "report"
    template = Template((folder / "report.html").read_text(encoding="utf-8"))
    nav = "".join(
        f'<a href="#{anchor}">{_e(name)}</a>'
        for anchor, name in (
            ("documents", "Kế hoạch"),
            ("legal", "Văn bản khác"),
            ("citations", "Trích dẫn"),
            ("matrix", "So sánh"),
            ("awards", "Khen thưởng"),
            ("deadlines", "Thời hạn"),
            ("obligations", "Nghĩa vụ"),
            ("runs", "Lượt nạp"),
            ("sources", "Nguồn"),
        )
    )
    body = "\n".join(
        [
            kpis(data),
            documents_table(data),
            report_sources.citations_card(data.citations),
            matrix(data),
            awards_section(data),
            deadlines_section(data),
            obligations_section(data),
            runs_section(data),
            sources_section(data),
        ]
    )
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    return template.substitute(
        title="Kế hoạch và văn bản hành chính — tổng hợp, so sánh, trích dẫn",
        subtitle=_e(
            f"{len(data.documents)} văn bản · tập dữ liệu {data.db.name} · lập {generated}"
        ),
        version=_e(PIPELINE_VERSION),
        nav=nav,
        body=body,
        footer=_e(f"kehoach {PIPELINE_VERSION} · {json.dumps(str(data.db))[1:-1]}"),
        style=(folder / "report.css").read_text(encoding="utf-8"),
        script=(folder / "report.js").read_text(encoding="utf-8"),
    )


def write_report(db: Path, output: Path) -> Path:
    """Write the report of dataset ``db`` to ``output`` (one HTML file, no external resources)."""
    data = gather(Path(db))
    output = Path(output)
    if len(data.documents) > report_sources.INLINE_DOCUMENTS:
        folder = report_sources.texts_folder(output)
        for view in data.documents:
            title = display_title(view.record.get("title")) or view.label
            view.page = report_sources.write_source(folder, view.anchor, title, view.lines)
    html = render(data)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    return output
