"""The whole chain for one file: ingest → text → restore → layout → extract.

Plain functions only; ``flows/`` wraps these same calls as Prefect tasks.
"""

from __future__ import annotations

import time
from pathlib import Path

from kehoach import PIPELINE_VERSION
from schemas import (
    DocumentText,
    ErrorCode,
    KehoachError,
    PipelineSettings,
    PlanDocument,
    ProcessedDocument,
    Section,
)


def read_text(path: Path, settings: PipelineSettings) -> DocumentText:
    """Identify the file and read its text (text layer, OCR, or plain text)."""
    from pipeline.ingest import identify
    from pipeline.text import extract_text

    source = identify(path, settings.limits)
    return extract_text(source, settings)


def check_content(raw: DocumentText) -> None:
    """Refuse text that cannot be a Vietnamese plan before spending time on it."""
    from pipeline.language import looks_vietnamese, vietnamese_share

    text = raw.text
    if not text.strip():
        raise KehoachError(
            ErrorCode.EMPTY,
            raw.source.path,
            "no text found on any page (blank pages or an empty file)",
        )
    if not looks_vietnamese(text):
        share, _ = vietnamese_share(text)
        raise KehoachError(
            ErrorCode.NOT_VIETNAMESE,
            raw.source.path,
            f"not a Vietnamese plan: only {share:.0%} of its words are Vietnamese syllables",
        )


def restore_text(raw: DocumentText, settings: PipelineSettings) -> DocumentText:
    """Restore diacritics where the text needs it, unless told not to."""
    if not settings.restore:
        return raw
    from pipeline.restoration import restore_document

    return restore_document(raw)


def extract(text: DocumentText) -> tuple[PlanDocument, tuple[Section, ...]]:
    """Structure the text: the plan extracted from its tree, and the tree's section headings."""
    from extractors import extract_plan
    from extractors.outline import sections_of
    from pipeline.layout import build_tree

    tree = build_tree(text)
    return extract_plan(tree, text.source), sections_of(tree)


def process_text(
    raw: DocumentText, settings: PipelineSettings, seconds: dict[str, float] | None = None
) -> ProcessedDocument:
    """Restore and extract from text already read; used for re-extraction without OCR."""
    from extractors.obligations import plan_obligations

    check_content(raw)
    timings = dict(seconds or {})
    start = time.perf_counter()
    text = restore_text(raw, settings)
    timings["restore"] = time.perf_counter() - start
    start = time.perf_counter()
    plan, sections = extract(text)
    obligations = plan_obligations(plan, raw.source.sha256)
    timings["extract"] = time.perf_counter() - start
    return ProcessedDocument(
        source=raw.source,
        raw_text=raw,
        text=text,
        plan=plan,
        obligations=tuple(obligations),
        sections=sections,
        pipeline_version=PIPELINE_VERSION,
        seconds=timings,
    )


def process_file(path: Path, settings: PipelineSettings | None = None) -> ProcessedDocument:
    """Run every stage on one file; raises ``KehoachError`` for a file it cannot handle."""
    settings = settings or PipelineSettings()
    start = time.perf_counter()
    raw = read_text(Path(path), settings)
    return process_text(raw, settings, {"read": time.perf_counter() - start})
