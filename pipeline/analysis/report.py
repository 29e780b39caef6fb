"""The analysts' report: one self-contained HTML page of the dataset.

No network is needed to read it: the style, the charts (inline SVG drawn in ``report_svg``) and a
few lines of script are inside the page. Every fact links to its source document and line, whose
text is in the page too, under "Văn bản nguồn" (or, for a large dataset, in a small page of its own
beside the report: ``report_sources``). Plans and other legal documents are listed apart.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from string import Template

from pipeline.analysis import report_sources
from pipeline.analysis.labels import display_title
from pipeline.analysis.report_data import ReportData, gather
from pipeline.analysis.report_sections import (
    awards_section,
    deadlines_section,
    documents_table,
    esc,
    kpis,
    matrix,
    obligations_section,
    runs_section,
    sources_section,
)

# --------------------------------------------------------------------------- the page


def render(data: ReportData) -> str:
    """The whole page as one HTML string."""
    from kehoach import DATA_DIR, PIPELINE_VERSION

    folder = DATA_DIR / "report"
    template = Template((folder / "report.html").read_text(encoding="utf-8"))
    nav = "".join(
        f'<a href="#{anchor}">{esc(name)}</a>'
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
        subtitle=esc(
            f"{len(data.documents)} văn bản · tập dữ liệu {data.db.name} · lập {generated}"
        ),
        version=esc(PIPELINE_VERSION),
        nav=nav,
        body=body,
        footer=esc(f"kehoach {PIPELINE_VERSION} · {json.dumps(str(data.db))[1:-1]}"),
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
