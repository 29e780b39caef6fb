"""The whole chain for one file: ingest → text → restore → layout → extract.

Plain functions only; ``flows/`` wraps these same calls as Prefect tasks.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from kehoach import PIPELINE_VERSION
from schemas import (
    DocumentText,
    ErrorCode,
    KehoachError,
    PipelineSettings,
    PlanDocument,
    ProcessedDocument,
    Section,
    SourceKind,
)

if TYPE_CHECKING:
    from pipeline.text import PageCallback


def read_text(
    path: Path, settings: PipelineSettings, on_page: PageCallback | None = None
) -> DocumentText:
    """Identify the file and read its text (text layer, OCR, or plain text); ``on_page(done,
    total)`` after each page."""
    from pipeline.ingest import identify
    from pipeline.text import extract_text

    source = identify(path, settings.limits)
    return extract_text(source, settings, on_page)


def ocr_timed_out(raw: DocumentText) -> list[int]:
    """Numbers of the pages whose OCR ran out of time (left empty, with a warning)."""
    return [p.page_no for p in raw.pages if any(ErrorCode.OCR_TIMEOUT in w for w in p.warnings)]


def _no_text(raw: DocumentText) -> KehoachError:
    """Why a document has no words: OCR ran out of time, the PDF is cut off, or it is blank."""
    from pipeline.ingest import pdf_truncated

    path = raw.source.path
    timed_out = ocr_timed_out(raw)
    if timed_out:
        return KehoachError(
            ErrorCode.OCR_TIMEOUT,
            path,
            f"OCR ran out of time on page(s) {', '.join(map(str, timed_out))} and found no text "
            "elsewhere; raise --ocr-timeout",
        )
    if raw.source.kind == SourceKind.PDF and pdf_truncated(Path(path)):
        return KehoachError(
            ErrorCode.CORRUPT, path, "the PDF is cut off (no end-of-file marker): fetch it again"
        )
    return KehoachError(
        ErrorCode.EMPTY,
        path,
        "no text found on any page (blank pages, invisible characters or an empty file)",
    )


def check_content(raw: DocumentText) -> None:
    """Refuse text that cannot be a Vietnamese plan before spending time on it."""
    from pipeline.language import looks_vietnamese, too_short, vietnamese_share, word_count

    text = raw.text
    words = word_count(text)
    if words == 0:
        raise _no_text(raw)
    if too_short(text):
        raise KehoachError(
            ErrorCode.NOT_A_PLAN,
            raw.source.path,
            f"only {words} word(s): too little text to be a plan (junk, or a page read badly)",
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
    from pipeline.time_limit import time_limit

    limits, path = settings.limits, raw.source.path
    timings = dict(seconds or {})
    start = time.perf_counter()
    with time_limit(limits.restore_seconds, "restoring diacritics", path, "--restore-timeout"):
        text = restore_text(raw, settings)
    timings["restore"] = time.perf_counter() - start
    start = time.perf_counter()
    with time_limit(limits.extract_seconds, "extraction", path, "--extract-timeout"):
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


def process_file(
    path: Path, settings: PipelineSettings | None = None, on_page: PageCallback | None = None
) -> ProcessedDocument:
    """Run every stage on one file; raises ``KehoachError`` for a file it cannot handle."""
    settings = settings or PipelineSettings()
    start = time.perf_counter()
    raw = read_text(Path(path), settings, on_page)
    return process_text(raw, settings, {"read": time.perf_counter() - start})


def warm_up(legacy: bool = True) -> None:
    """Load what processing a text needs (the restoration models, vocabularies, compiled
    patterns) by processing the bundled legacy OCR sample: a process that forks workers
    (``flows.forkserver``) pays this once for all of them.

    Without ``legacy``, the sample is extracted as read, not restored: the restorer is loaded
    (every text is asked whether it reads as correct Vietnamese) but its decoder is not run,
    which texts that have their diacritics never need (1.2 instead of 1.7 CPU s).
    """
    from diacritics.restorer import default_restorer
    from kehoach import SAMPLES_DIR

    if not legacy:
        default_restorer()
    process_file(SAMPLES_DIR / "plan-legacy-ocr.txt", PipelineSettings(restore=legacy))
