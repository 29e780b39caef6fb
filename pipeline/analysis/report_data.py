"""The report's data: each stored plan as the page shows it, read from the dataset in one go.

``report_sections`` turns it into the page's cards, ``report`` into the page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from diacritics.orthography import strip_marks
from pipeline.analysis import report_sources
from schemas import DocumentText, PlanDocument


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
        name = f'<span class="file">{escape(path.name)}</span>'
        if path.name and path.is_file():
            return f'<a class="file" href="{escape(path.resolve().as_uri())}">{name}</a>'
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


def numbered_lines(text_json: str) -> list[tuple[int, int, str]]:
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
            documents.append(DocumentView(record, plan, numbered_lines(text[0]["text"])))
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


def by_province(documents: list[DocumentView]) -> list[tuple[str, list[DocumentView]]]:
    """Documents grouped by province, provinces in alphabetical order (diacritics ignored
    first, as a Vietnamese index sorts), documents without a province last under "—"."""
    groups: dict[str, list[DocumentView]] = defaultdict(list)
    for view in documents:
        groups[view.record.get("province") or "—"].append(view)
    return sorted(groups.items(), key=lambda g: (g[0] == "—", strip_marks(g[0]).casefold(), g[0]))
