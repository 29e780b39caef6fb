"""Issue 20's figures side by side in one run (``bench/ingest/run.py --summary``).

1. Born-digital PDFs: ``pipeline.text.extract_text`` over the bundled sample and a born-digital
   PDF of each corpus plan (``text_layers.py``), pages a minute with ``pdftotext`` beside it, and
   the worst CER of the text layers (goal: ≥ 3,000 pages a minute, CER 0).
2. 300 corpus texts, as legacy dumps without diacritics (``run.py``'s ``texts`` kind) and with
   their diacritics (``stages.py``'s ``correct``: restoration's fast path), through the ingest
   flow with one worker (threads-1) and two worker processes (processes-2): documents a minute
   of the flow's wall time, their ratio, and the CPU seconds of every process (goal: ≥ 1,000
   documents a minute with one, two ≥ 1.6× one). One Prefect server serves every batch, as a
   running server does for an operator (``PREFECT_API_URL``; the one given, else started here
   once); its CPU seconds are counted per batch, the second run's included.
3. Scans: the first pages of the gold scan read by raw Tesseract and by ``extract_text``
   (``bench/ocr/run.py``'s speed rows), pages a minute and their ratio (goal ≥ 0.9).
4. Accuracy: ``kehoach eval extract``'s micro-F1 of every gold document.

The load average is printed before each part: on a shared 2-core machine the wall-time figures
follow the other users, the CPU seconds much less.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[1]
ROLES = ("main", "prefect-server", "forkserver", "worker")  # run.MemorySampler.role
sys.path.insert(0, str(BENCH / "ingest"))


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def born_digital(repeat: int) -> None:
    from text_layers import SAMPLE, SAMPLE_TRUTH, kehoach_reads, make_plan_pdfs, pdftotext_reads

    print(f"\n## Born-digital PDFs (load 1/5/15 {_load()})\n")
    files = [(SAMPLE, SAMPLE_TRUTH.read_text("utf-8"))]
    with tempfile.TemporaryDirectory(prefix="kehoach-bench-summary-") as tmp:
        files += make_plan_pdfs(Path(tmp), None)
        ours = kehoach_reads(files, repeat)
        theirs = pdftotext_reads(files, repeat, ours.pages)
    print(
        "| reader | files | pages read | worst CER | CPU ms/page | wall ms/page "
        "| pages/min (CPU) | pages/min (wall) |\n|---|---|---|---|---|---|---|---|"
    )
    print(ours.row())
    if theirs is not None:
        print(theirs.row())


@contextmanager
def one_prefect_server() -> Iterator[Callable[[], float]]:
    """The Prefect API every batch of part 2 uses, as an operator's running server is
    (``PREFECT_API_URL``): the one configured, or one started here once; yields a function
    giving the CPU seconds that server has used so far (0 when it is not ours)."""
    import psutil

    from flows.server import prefect_api

    with prefect_api() as url:
        me = psutil.Process()
        ours = [p for p in me.children() if "prefect" in " ".join(p.cmdline())]

        def server_cpu() -> float:
            total = 0.0
            for process in ours:
                for each in [process, *process.children(recursive=True)]:
                    times = each.cpu_times()
                    total += times.user + times.system
            return total

        started = f"started here (its start: {server_cpu():.1f} CPU s)" if ours else "given"
        print(f"\nPrefect API {url}, {started}, used by every batch below")
        yield server_cpu


def text_batch(docs: int) -> None:
    from run import corpus_files, measure
    from stages import correct_texts

    rows: dict[tuple[str, str], dict[str, Any]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="kehoach-bench-summary-") as tmp,
        one_prefect_server() as server_cpu,
    ):
        batches = {
            "without diacritics": corpus_files("texts", docs, Path(tmp)),
            "with diacritics": correct_texts(Path(tmp) / "correct", docs),
        }
        for batch, files in batches.items():
            print(f"\n## {docs} corpus texts {batch} through the ingest flow (load {_load()})")
            (Path(tmp) / batch).mkdir(exist_ok=True)
            for mode in ("threads-1", "processes-2"):
                before = server_cpu()
                rows[batch, mode] = row = measure("texts", mode, files, Path(tmp) / batch)
                # both runs (the flow, and the second run that finds everything stored)
                row["cpu_seconds"]["prefect-server"] = round(server_cpu() - before, 1)
    print(
        "\n| texts | mode | docs | failed | flow s | docs/min (flow wall) | command s | CPU s "
        "command · server · forkserver · workers | command CPU s in the flow | load before → "
        "after |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    for (batch, mode), row in rows.items():
        cpu = row["cpu_seconds"]
        split = " · ".join(str(cpu.get(role, "—")) for role in ROLES)
        print(
            f"| {batch} | {mode} | {row['ingested']} | {row['failed']} | {row['flow_seconds']} "
            f"| {row['docs_per_min']:,.0f} | {row['first_wall']} | {split} "
            f"| {row['command_cpu_in_flow']} | {row['load']} |"
        )
    print()
    for batch in batches:
        ratio = (
            rows[batch, "processes-2"]["docs_per_min"] / rows[batch, "threads-1"]["docs_per_min"]
        )
        # the whole command too: what runs before the flow (Prefect's import, a forkserver's
        # models) is outside the flow's wall
        whole = rows[batch, "threads-1"]["first_wall"] / rows[batch, "processes-2"]["first_wall"]
        print(
            f"{batch}: processes-2 / threads-1 = {ratio:.2f}× (goal ≥ 1.6×; "
            f"whole command {whole:.2f}×)"
        )
    print("goal with one worker: ≥ 1,000 docs/min")


def scans(pages: int, rounds: int) -> None:
    from run import GOLD_SCAN, SHARED, speed_rows  # bench/ocr/run.py

    from schemas import Limits, PipelineSettings

    print(f"\n## Scans beside raw Tesseract (load 1/5/15 {_load()}, {os.cpu_count()} cores)\n")
    scan = SHARED / "corpus" / "scans" / f"{GOLD_SCAN}.pdf"
    print(
        "| reader | pages read | pages/min (wall) | wall s/page | Python CPU s/page "
        "| Tesseract CPU s/page |\n|---|---|---|---|---|---|"
    )
    print(
        "\n".join(speed_rows(scan, pages, rounds, PipelineSettings(limits=Limits(max_pages=1000))))
    )


def extraction_scores(shared: Path) -> None:
    print(f"\n## Extraction against the gold (load 1/5/15 {_load()})\n")
    done = subprocess.run(
        [sys.executable, "-m", "kehoach.cli", "eval", "extract", "--shared", str(shared)],
        capture_output=True,
        text=True,
        check=True,
        cwd=BENCH.parent,
        env={
            **os.environ,
            "PYTHONPATH": f"{BENCH.parent}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        },
    )
    title = ""
    for line in done.stdout.splitlines():
        if " — " in line:
            title = line.strip()
        elif line.strip().startswith("micro"):
            print(f"- {title}: micro {' '.join(line.split()[1:4])} (P R F1)")


def run_summary(
    docs: int, repeat: int, scan_pages: int, scan_rounds: int, parts: set[int] | None = None
) -> None:
    """Every part in turn (or only ``parts``, numbered as above); the ingest bench's modules are
    imported from their own folders."""
    parts = parts or {1, 2, 3, 4}
    if 1 in parts:
        born_digital(repeat)
    if 2 in parts:
        text_batch(docs)
    if 3 in parts:
        sys.modules.pop("run", None)  # bench/ocr/run.py next, not bench/ingest/run.py
        sys.path.insert(0, str(BENCH / "ocr"))
        scans(scan_pages, scan_rounds)
    if 4 in parts:
        extraction_scores(BENCH.parent.parent / "shared")
    print(f"\nload 1/5/15 at the end: {_load()}")
