"""`kehoach report`: one self-contained HTML page, checked as rendered by headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from kehoach.cli import app
from pipeline.analysis.report import write_report
from pipeline.storage.store import Dataset
from schemas import RunEntry
from tests.support import dataset_of, gold_documents, small_document

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium package (setup.sh installs it)"
)


def _dataset(tmp_path: Path, documents) -> Path:
    db = dataset_of(tmp_path, documents)
    with Dataset(db) as dataset:
        dataset.record_run(
            RunEntry(run_id="r", path="broken.pdf", outcome="failed", pipeline_version="v")
        )
    return db


def _chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)


class _BodyAttributes(HTMLParser):
    """The attributes of <body> in a dumped DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.body: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.body = dict(attrs)


def rendered(page: Path, tmp_path: Path) -> tuple[dict[str, str | None], str, Image.Image]:
    """The page as Chromium renders it: <body> attributes after scripts, the DOM, a screenshot."""
    dom = _chromium(page, tmp_path / "profile-dom", "--dump-dom").stdout
    shot = tmp_path / "shot.png"
    _chromium(page, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2000")
    parser = _BodyAttributes()
    parser.feed(dom)
    return parser.body, dom, Image.open(shot).convert("RGB")


def assert_not_blank(image: Image.Image) -> None:
    """A real page: wide, varied colours, and a good share of pixels that are not background."""
    assert image.size == (1280, 2000)
    small = image.resize((320, 500))
    colours = small.getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 50
    background = max(colours)[0]
    assert background < 0.9 * 320 * 500


def test_page_is_self_contained(tmp_path: Path) -> None:
    db = _dataset(tmp_path, [small_document("Khánh Hòa"), small_document("Phú Yên", "20/11")])
    html = write_report(db, tmp_path / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert html.count('<svg class="chart"') == 4
    assert 'id="d-' in html and "-L11" in html  # facts link to their source lines


@needs_chromium
@pytest.mark.slow
def test_report_renders_in_chromium(tmp_path: Path) -> None:
    documents = [small_document(p) for p in ("Khánh Hòa", "Phú Yên", "Bình Định")]
    db = _dataset(tmp_path, documents)
    page = write_report(db, tmp_path / "report.html")
    body, dom, image = rendered(page, tmp_path)
    assert body["data-rendered"] == "1"
    assert body["data-documents"] == "3"
    assert int(body["data-charts"] or 0) >= 4
    assert body["data-provinces"] == "3" and body["data-compared-provinces"] == "3"
    assert body["data-agencies"] == "3" and body["data-deadlines"] == "6"
    assert "Bình Định" in dom and "tệp lỗi" in dom
    assert_not_blank(image)


@needs_chromium
@pytest.mark.slow
def test_gold_report_renders_in_chromium(tmp_path: Path, shared_dir: Path) -> None:
    documents = gold_documents(shared_dir)
    db = _dataset(tmp_path, documents)
    result = CliRunner().invoke(app, ["report", "--db", str(db), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    body, dom, image = rendered(tmp_path / "r.html", tmp_path)
    print("rendered report:", {k: v for k, v in body.items() if k.startswith("data-")})
    assert body["data-documents"] == str(len(documents))
    assert int(body["data-charts"] or 0) >= 4
    provinces = {d.plan.doc.province for d in documents}
    assert body["data-provinces"] == str(len(provinces)) and len(provinces) >= 3
    for province in provinces:
        assert province in dom
    assert "Công an tỉnh" in dom
    assert_not_blank(image)


def test_a_large_dataset_links_its_texts_instead_of_inlining_them(
    tmp_path: Path, monkeypatch
) -> None:
    from pipeline.analysis import report_sources

    db = dataset_of(tmp_path, [small_document("Khánh Hòa"), small_document("Phú Yên")])
    monkeypatch.setattr(report_sources, "INLINE_DOCUMENTS", 1)
    output = write_report(db, tmp_path / "out" / "report.html")
    html = output.read_text(encoding="utf-8")
    texts = sorted((tmp_path / "out" / "report_files").glob("d-*.html"))
    assert len(texts) == 2
    line = 'id="d-'  # the numbered lines live in the texts' own pages now
    assert line not in html.split('id="sources"')[1]
    assert 'href="report_files/d-' in html
    assert "-L1" in texts[0].read_text(encoding="utf-8")
    assert 'id="citations"' in html and 'id="legal"' in html
