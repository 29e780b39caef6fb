"""Born-digital PDFs: kehoach's text-layer reader beside pdftotext, pages a minute and CER.

Run from the repository root:
    .venv/bin/python bench/ingest/text_layers.py [--repeat 3] [--plans N]

The files: the bundled ``data/samples/plan-born-digital.pdf`` and one born-digital PDF made
from each plan of ../shared/corpus/plans (``pipeline.evaluation.synthetic``: the two-column
header, the body justified, the closing block, page numbers; Liberation Serif embedded by
reportlab). Each is read by ``pipeline.text.extract_text`` after one warm-up read (start-up
excluded: imports and PDFium's initialisation), ``--repeat`` times, and by ``pdftotext``
(poppler-utils) once per repeat, a process per file as it is used. CER compares the read text
with the text laid out (page numbers left out, as the reader drops them); pdftotext's text is not
scored (its header columns come out side by side). CPU seconds are this process's (kehoach) and
the children's (pdftotext); wall time follows the machine's load, which the table prints.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.common import children_cpu_seconds, load_average  # noqa: E402

if TYPE_CHECKING:
    from pipeline.evaluation.synthetic import Block

SHARED = REPO.parent / "shared"
PLANS = SHARED / "corpus" / "plans"
SAMPLE = REPO / "data" / "samples" / "plan-born-digital.pdf"
SAMPLE_TRUTH = REPO / "data" / "samples-truth" / "plan-born-digital.txt"


@dataclass(frozen=True)
class Timing:
    """One reader over the files: pages, CPU and wall seconds in all, the worst CER."""

    reader: str
    files: int
    pages: int
    cpu: float
    wall: float
    worst_cer: float | None

    def row(self) -> str:
        cer = "—" if self.worst_cer is None else f"{self.worst_cer:.4%}"
        return (
            f"| {self.reader} | {self.files} | {self.pages} | {cer} "
            f"| {1000 * self.cpu / self.pages:.1f} | {1000 * self.wall / self.pages:.1f} "
            f"| {60 * self.pages / self.cpu:,.0f} | {60 * self.pages / self.wall:,.0f} |"
        )


def printable_plan(text: str, covered: set[int]) -> tuple[Block | None, list[str]]:
    """A corpus plan's header and paragraphs as they would be printed, without the artefacts of
    the corpus's own extraction: blank lines inside the header (which would leave "Số:" and the
    date out of it), Word's "PAGE" fields, the plan's own closing block flattened into text (the
    laid-out closing follows), and lines with glyphs the embedded font lacks (mojibake).
    """
    from pipeline.evaluation.synthetic import split_plan_header

    lines = text.splitlines()
    head = [line for line in lines[:10] if line.strip()]
    header, body = split_plan_header(head + [""] + lines[10:])
    kept = []
    for line in body:
        if line.lstrip().lower().startswith(("nơi nhận", "noi nhận")):
            break
        if not line.lstrip().startswith("PAGE") and all(ord(c) in covered for c in line):
            kept.append(line)
    return header, kept


def make_plan_pdfs(folder: Path, limit: int | None) -> list[tuple[Path, str]]:
    """A born-digital PDF of each corpus plan, with the text it lays out (its truth)."""
    from reportlab.pdfbase.ttfonts import TTFont

    from pipeline.evaluation.synthetic import (
        FONT_DIR,
        default_closing,
        layout_document,
        save_text_pdf,
    )

    covered = set(TTFont("Cover", str(FONT_DIR / "LiberationSerif-Regular.ttf")).face.charWidths)
    covered |= {ord(" "), ord("\t")}
    made = []
    for plan in sorted(PLANS.glob("*.txt"))[:limit]:
        header, body = printable_plan(plan.read_text("utf-8"), covered)
        layouts = layout_document(body, header, default_closing())
        path = save_text_pdf(layouts, folder / f"{plan.stem}.pdf")
        made.append((path, "\n".join(layout.truth for layout in layouts)))
    return made


def kehoach_reads(files: list[tuple[Path, str]], repeat: int) -> Timing:
    """``extract_text`` over every file ``repeat`` times, after one warm-up read."""
    from pipeline.evaluation.metrics import cer
    from pipeline.ingest import identify
    from pipeline.text import extract_text
    from schemas import Limits, PipelineSettings

    settings = PipelineSettings(limits=Limits(max_pages=1000))
    extract_text(identify(files[0][0], settings.limits), settings)  # start-up, not counted
    worst, pages = 0.0, 0
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(repeat):
        for path, truth in files:
            document = extract_text(identify(path, settings.limits), settings)
            pages += len(document.pages)
            worst = max(worst, cer(truth, document.text))
    return Timing(
        "kehoach (PDFium)",
        len(files),
        pages,
        time.process_time() - cpu,
        time.perf_counter() - wall,
        worst,
    )


def pdftotext_reads(files: list[tuple[Path, str]], repeat: int, pages: int) -> Timing | None:
    """``pdftotext`` on every file ``repeat`` times, a process each, its start-up included."""
    binary = shutil.which("pdftotext")
    if binary is None:
        return None
    before = children_cpu_seconds()
    wall = time.perf_counter()
    for _ in range(repeat):
        for path, _truth in files:
            subprocess.run(
                [binary, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
            )
    cpu = children_cpu_seconds() - before
    return Timing("pdftotext", len(files), pages, cpu, time.perf_counter() - wall, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="reads of each file")
    parser.add_argument("--plans", type=int, default=None, help="first N corpus plans only")
    args = parser.parse_args()
    files = [(SAMPLE, SAMPLE_TRUTH.read_text("utf-8"))]
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="kehoach-bench-layers-") as tmp:
        if PLANS.is_dir():
            files += make_plan_pdfs(Path(tmp), args.plans)
        ours = kehoach_reads(files, args.repeat)
        theirs = pdftotext_reads(files, args.repeat, ours.pages)
    load_after = load_average()
    print(
        "| reader | files | pages read | worst CER | CPU ms/page | wall ms/page "
        "| pages/min (CPU) | pages/min (wall) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(ours.row())
    if theirs is not None:
        print(theirs.row())
    print(f"\nload 1/5/15: {load_before} → {load_after}; goal ≥ 3,000 pages/min, CER 0")


if __name__ == "__main__":
    main()
