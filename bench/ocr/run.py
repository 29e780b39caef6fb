"""OCR benchmark: synthetic scans at three levels, the real gold page, and every corpus file.

Run from the repository root:  .venv/bin/python bench/ocr/run.py [--pages 6] [--skip-corpus]
Speed beside raw Tesseract only:  .venv/bin/python bench/ocr/run.py --speed-only [--speed-pages 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.common import children_cpu_seconds, load_average  # noqa: E402
from bench.heldout import HELDOUT_PLANS, HELDOUT_SCANS  # noqa: E402
from pipeline.evaluation.metrics import cer, mark_cer, syllable_accuracy, wer  # noqa: E402
from pipeline.evaluation.synthetic import LEVELS, render_plan  # noqa: E402
from pipeline.ingest import identify  # noqa: E402
from pipeline.page_tidy import tidy_pages  # noqa: E402
from pipeline.paged_text import ocr_page_text  # noqa: E402
from pipeline.text import extract_text, open_pages  # noqa: E402
from schemas import (  # noqa: E402
    DocumentText,
    KehoachError,
    Limits,
    PageText,
    PipelineSettings,
    SourceDocument,
)

SHARED = REPO.parent / "shared"
PLAN = SHARED / "corpus" / "plans" / "lamdong-kh-cchc-2026.txt"
GOLD_SCAN = "bca-589-kehoach-hoinghi-ctmtqg-matuy-2025"
TARGETS = {"clean": 0.0015, "light": 0.006, "heavy": 0.015, GOLD_SCAN: 0.01, "real pages": 0.01}


@dataclass(frozen=True)
class Score:
    """Accuracy and speed of one benchmark row."""

    name: str
    pages: int
    cer: float
    wer: float
    syllables: float
    seconds_per_page: float
    marks: float = 0.0  # the part of the CER that only diacritics make

    def row(self) -> str:
        target = TARGETS.get(self.name)
        verdict = "" if target is None else ("ok" if self.cer <= target else f"> {target:.2%}")
        return (
            f"| {self.name} | {self.pages} | {self.cer:.2%} | {self.wer:.2%} | "
            f"{self.syllables:.2%} | {self.marks:.2%} | {self.seconds_per_page:.2f} | {verdict} |"
        )


def score(name: str, gold: str, predicted: str, pages: int, seconds: float) -> Score:
    """All metrics of one predicted text against its gold."""
    return Score(
        name,
        pages,
        cer(gold, predicted),
        wer(gold, predicted),
        syllable_accuracy(gold, predicted),
        seconds / max(1, pages),
        mark_cer(gold, predicted),
    )


def synthetic(level: str, pages: int, settings: PipelineSettings, seed: int) -> Score:
    """Render the plan at ``level`` with header, stamp and signature; OCR; compare to truth."""
    rendered = render_plan(PLAN.read_text("utf-8"), level, seed, max_pages=pages, stamps=True)
    start = time.perf_counter()
    read = [ocr_page_text(p.image, i + 1, 300, settings) for i, p in enumerate(rendered)]
    seconds = time.perf_counter() - start
    predicted = "\n".join(page.text for page in tidy_pages(read))
    return score(level, "\n".join(p.truth for p in rendered), predicted, len(rendered), seconds)


def _scan_page(name: str, page: int, settings: PipelineSettings) -> tuple[PageText, float]:
    """One page of ``corpus/scans/NAME.pdf`` rendered at 300 dpi and read, with its wall time."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(SHARED / "corpus" / "scans" / f"{name}.pdf"))
    start = time.perf_counter()
    image = pdf[page - 1].render(scale=300 / 72).to_pil()
    read = ocr_page_text(image, page, 300, settings)
    return read, time.perf_counter() - start


def _transcribed(folder: Path) -> list[tuple[str, int, str]]:
    """(scan name, page number, transcription) of every ``NAME.pN.txt`` in ``folder``."""
    found = []
    for path in sorted(folder.glob("*.p*.txt")):
        name, page = path.name.removesuffix(".txt").rsplit(".p", 1)
        text = path.read_text("utf-8")
        if text.strip():  # an empty file is a page not transcribed yet
            found.append((name, int(page), text))
    return found


def _pooled(name: str, scores: list[Score], golds: list[str], reads: list[str]) -> Score:
    seconds = sum(s.seconds_per_page * s.pages for s in scores)
    return score(name, "\n".join(golds), "\n".join(reads), len(scores), seconds)


def real_pages(settings: PipelineSettings) -> list[Score]:
    """Each hand-transcribed page of a real scan (``gold/scans/NAME.pN.txt``) read on its own, and
    the pages pooled."""
    scores, golds, reads = [], [], []
    for name, page, gold in _transcribed(SHARED / "gold" / "scans"):
        read, seconds = _scan_page(name, page, settings)
        scores.append(score(f"{name[:12]} p{page}", gold, read.text, 1, seconds))
        golds, reads = golds + [gold], reads + [read.text]
    return scores + [_pooled("real pages", scores, golds, reads)] if scores else []


def closing_blocks(settings: PipelineSettings) -> list[Score]:
    """The closing block ("Nơi nhận" list, then the signer column) of real last pages, against
    transcriptions of that block alone in ``bench/ocr/closing`` (made for issue 16 from the page
    images; these pages were looked at while writing ``pipeline.closing_geometry``)."""
    scores, golds, reads = [], [], []
    for name, page, gold in _transcribed(Path(__file__).parent / "closing"):
        read, seconds = _scan_page(name, page, settings)
        closing = "\n".join(line.text for line in read.lines if line.region.startswith("closing"))
        scores.append(score(f"closing {name[:12]} p{page}", gold, closing, 1, seconds))
        golds, reads = golds + [gold], reads + [closing]
    return scores + [_pooled("closing blocks", scores, golds, reads)] if scores else []


FIELD_PATTERNS = {
    "number": r"^S[ốố]\s*:?\s*{}\s*/",  # "Số: 589/KH-BCA-C04"
    "day": r"\bngày\s*{}\s+tháng\b",  # "Hà Nội, ngày 02 tháng 10 năm 2025"
}


def header_fields(settings: PipelineSettings) -> tuple[int, int, list[str]]:
    """How many of the handwritten or stamped number and date fields listed in
    ``bench/ocr/fields.tsv`` the first page's header lines hold as written; one line per field."""
    import re

    listed = [
        line.split("\t")
        for line in (Path(__file__).parent / "fields.tsv").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    pages: dict[str, PageText] = {}
    report, read = [], 0
    for name, field, value in listed:
        if name not in pages:
            pages[name] = _scan_page(name, 1, settings)[0]
        header = [line.text for line in pages[name].lines if line.region.startswith("header")]
        pattern = re.compile(FIELD_PATTERNS[field].format(re.escape(value)), re.IGNORECASE)
        hit = next((text for text in header if pattern.search(text)), None)
        read += hit is not None
        shown = hit or next(
            (t for t in header if re.search(FIELD_PATTERNS[field].format(".*?"), t, re.I)), "—"
        )
        report.append(f"| {name[:24]} | {field} | {value} | {'yes' if hit else 'no'} | {shown} |")
    return read, len(listed), report


def corpus_pass(
    settings: PipelineSettings, heldout_only: bool = False
) -> tuple[list[str], dict[str, DocumentText]]:
    """Read every corpus scan and plan (or only the held-out ones); one report line per file,
    errors included."""
    lines, documents = [], {}
    files = sorted((SHARED / "corpus" / "scans").glob("*")) + sorted(
        (SHARED / "corpus" / "plans").glob("*")
    )
    # the held-out documents last, apart (bench/heldout.py): nobody tuned on them
    files.sort(key=lambda path: path.name in HELDOUT_SCANS | HELDOUT_PLANS)
    if heldout_only:
        files = [path for path in files if path.name in HELDOUT_SCANS | HELDOUT_PLANS]
    for path in files:
        start = time.perf_counter()
        try:
            document = extract_text(identify(path, settings.limits), settings)
        except KehoachError as error:
            lines.append(f"| {path.name} | ERROR | {error.code} | {error.reason} | |")
            continue
        seconds = time.perf_counter() - start
        documents[path.stem] = document
        pages = len(document.pages)
        methods = ",".join(sorted({page.method.value for page in document.pages}))
        held = " (held out)" if path.name in HELDOUT_SCANS | HELDOUT_PLANS else ""
        lines.append(
            f"| {path.name}{held} | {pages} | {methods} | {document.line_count} lines | "
            f"{seconds / pages:.2f} s/page |"
        )
        print(lines[-1], flush=True)
    return lines, documents


def speed_rows(scan: Path, pages: int, rounds: int, settings: PipelineSettings) -> list[str]:
    """The first ``pages`` pages of ``scan`` read by raw Tesseract (the pages rendered at 300 dpi
    beforehand, ``tesseract page.pgm stdout -l vie --psm 4 tsv`` one after another) and by
    ``extract_text`` (rendering, cleaning, Tesseract, reading order), and by the same reading page
    by page without the pipeline, in alternating rounds."""
    import pypdfium2 as pdfium

    with tempfile.TemporaryDirectory(prefix="kehoach-bench-speed-") as tmp:
        source_pdf = pdfium.PdfDocument(str(scan))
        cut = pdfium.PdfDocument.new()
        cut.import_pages(source_pdf, list(range(min(pages, len(source_pdf)))))
        part = Path(tmp) / "part.pdf"
        cut.save(str(part))
        images = []
        for index in range(len(cut)):
            image = Path(tmp) / f"page-{index}.pgm"
            cut[index].render(scale=300 / 72).to_pil().convert("L").save(image, format="PPM")
            images.append(image)
        source = identify(part, settings.limits)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        # wall, own CPU, children; "page by page": the same reading without the pipeline
        totals = {name: [0.0, 0.0, 0.0] for name in ("raw", "kehoach", "page by page")}
        for _ in range(rounds):
            wall, children = time.perf_counter(), children_cpu_seconds()
            for image in images:
                command = ["tesseract", str(image), "stdout", "-l", settings.ocr_lang]
                command += ["--psm", "4", "--dpi", "300", "tsv"]
                subprocess.run(command, capture_output=True, env=env, check=True)
            totals["raw"][0] += time.perf_counter() - wall
            totals["raw"][2] += children_cpu_seconds() - children
            for reader, read in (("kehoach", extract_text), ("page by page", _page_by_page)):
                wall, own = time.perf_counter(), time.process_time()
                children = children_cpu_seconds()
                read(source, settings)
                totals[reader][0] += time.perf_counter() - wall
                totals[reader][1] += time.process_time() - own
                totals[reader][2] += children_cpu_seconds() - children
    read = len(images) * rounds
    rows = []
    for name, (wall, own, children) in totals.items():
        rows.append(
            f"| {name} | {read} | {60 * read / wall:.1f} | {wall / read:.2f} "
            f"| {own / read:.2f} | {children / read:.2f} |"
        )
    wall = totals["kehoach"][0] / totals["raw"][0]
    cpu = (totals["kehoach"][1] + totals["kehoach"][2]) / totals["raw"][2]
    rows.append(
        f"\ntime per page, kehoach / raw Tesseract on the same pages: wall {wall:.2f}×, "
        f"CPU {cpu:.2f}× (goal ≤ 1.3×)"
    )
    piped = totals["kehoach"][0] / totals["page by page"][0]
    rows.append(
        f"pages a minute, kehoach / raw Tesseract: {1 / wall:.2f} (goal ≥ 0.9); "
        f"wall of the pipeline over page by page: {piped:.2f}×"
    )
    return rows


def _page_by_page(source: SourceDocument, settings: PipelineSettings) -> None:
    """The file's pages read one after another, each rendered, cleaned, read and finished in turn
    (``extract_text`` without ``pipeline.page_pipeline``)."""
    with open_pages(source, settings) as reader:
        tidy_pages([reader.read(index) for index in range(reader.count)])


def print_speed(scan: Path, pages: int, rounds: int, settings: PipelineSettings) -> None:
    load = load_average()
    print(f"\nspeed on {scan.name}, {os.cpu_count()} cores, load 1/5/15 {load}:")
    print(
        "| reader | pages read | pages/min (wall) | wall s/page | Python CPU s/page "
        "| Tesseract CPU s/page |\n|---|---|---|---|---|---|"
    )
    print("\n".join(speed_rows(scan, pages, rounds, settings)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=6, help="synthetic pages per level")
    parser.add_argument("--levels", nargs="*", default=list(LEVELS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-corpus", action="store_true", help="only the synthetic scans")
    parser.add_argument("--speed-pages", type=int, default=3, help="pages timed beside Tesseract")
    parser.add_argument("--speed-rounds", type=int, default=2)
    parser.add_argument("--speed-only", action="store_true", help="only the speed rows")
    parser.add_argument("--heldout-only", action="store_true", help="of the corpus, held-out only")
    args = parser.parse_args()
    if not PLAN.is_file():
        sys.exit(f"needs ../shared beside the repository ({PLAN} is missing)")
    settings = PipelineSettings(limits=Limits(max_pages=1000))
    speed_scan = SHARED / "corpus" / "scans" / f"{GOLD_SCAN}.pdf"
    if args.speed_only:
        print_speed(speed_scan, args.speed_pages, args.speed_rounds, settings)
        return
    columns = ("scan", "pages", "CER", "WER", "syllable accuracy", "mark CER", "s/page", "target")
    header = "| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|"
    rows = []
    for level in args.levels:
        rows.append(synthetic(level, args.pages, settings, args.seed).row())
        print(rows[-1], flush=True)
    for real in real_pages(settings) + closing_blocks(settings):
        rows.append(real.row())
        print(rows[-1], flush=True)
    read, listed, field_rows = header_fields(settings)
    fields_report = (
        "\n| scan | field | written | read | header line |\n|---|---|---|---|---|\n"
        + "\n".join(field_rows)
        + f"\n\nnumber/date fields read: {read} of {listed}"
    )
    print(fields_report, flush=True)
    if not args.skip_corpus:
        report, documents = corpus_pass(settings, args.heldout_only)
        gold = (SHARED / "gold" / "scans" / f"{GOLD_SCAN}.p1.txt").read_text("utf-8")
        page = documents[GOLD_SCAN].pages[0] if GOLD_SCAN in documents else None
        if page is not None:
            rows.append(score(GOLD_SCAN, gold, page.text, 1, page.seconds).row())
        errors = [line for line in report if "| ERROR |" in line]
        print("\n| file | pages | method | lines | speed |\n|---|---|---|---|---|")
        print("\n".join(report))
        print(f"\nfiles: {len(report)}, errors: {len(errors)}")
    print("\n" + header)
    print("\n".join(rows))
    print(fields_report)
    print_speed(speed_scan, args.speed_pages, args.speed_rounds, settings)


if __name__ == "__main__":
    main()
