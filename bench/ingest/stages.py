"""A bulk text batch stage by stage, in one process without Prefect: where the CPU time goes.

Run from the repository root:
    .venv/bin/python bench/ingest/stages.py [--docs 300] [--profile 25]

Two batches of ``--docs`` legal corpus texts, each cut at a line break near 30,000 characters
(about a plan's length): ``stripped`` as bench/ingest's ``texts`` kind writes them (legacy OCR
dumps without diacritics: every line is restored), and ``correct`` with their diacritics (what
restoration's fast path must pass through cheaply). Each file is read, restored and extracted as
``pipeline.process.process_file`` does, after one warm-up document (models loaded, start-up
excluded), and the CPU seconds of each stage are summed: ``time.process_time``, since on a shared
machine wall time follows the other users. ``--profile N`` prints the N functions with the most
CPU time of their own in the stripped batch (cProfile: the batch runs several times slower).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import TEXT_CHARS, corpus_texts, legacy_texts  # noqa: E402

from bench.common import load_average  # noqa: E402

STAGES = ("read", "restore", "extract")


def correct_texts(folder: Path, count: int, max_chars: int = TEXT_CHARS) -> list[str]:
    """The same documents as ``legacy_texts``, diacritics kept."""
    return corpus_texts(folder, count, max_chars)


def run_batch(files: list[str]) -> tuple[dict[str, float], int, int]:
    """CPU seconds of each stage over the files (as ``process_file`` chains them), lines read,
    and the documents refused."""
    from pipeline.process import check_content, read_text, restore_text
    from schemas import KehoachError, PipelineSettings

    settings = PipelineSettings()
    seconds = dict.fromkeys(STAGES, 0.0)
    lines = failed = 0
    for name in files:
        clock = time.process_time()
        try:
            raw = read_text(Path(name), settings)
            check_content(raw)
        except KehoachError:
            failed += 1
            continue
        lines += raw.line_count
        seconds["read"] += time.process_time() - clock
        clock = time.process_time()
        text = restore_text(raw, settings)
        seconds["restore"] += time.process_time() - clock
        clock = time.process_time()
        _extract(text)
        seconds["extract"] += time.process_time() - clock
    return seconds, lines, failed


def _extract(text: object) -> None:
    """Structure, extraction and obligations, as ``process_text`` runs them."""
    from extractors.obligations import plan_obligations
    from pipeline.process import extract

    plan, _ = extract(text)  # type: ignore[arg-type]
    plan_obligations(plan, text.source.sha256)  # type: ignore[attr-defined]


def report(name: str, files: list[str]) -> None:
    seconds, lines, failed = run_batch(files)
    total = sum(seconds.values())
    split = " · ".join(f"{stage} {seconds[stage]:.2f}" for stage in STAGES)
    print(
        f"| {name} | {len(files)} | {failed} | {lines:,} | {split} | {total:.2f} "
        f"| {1e6 * seconds['restore'] / max(1, lines):.1f} | {60 * len(files) / total:,.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kehoach-bench-stages-") as tmp:
        stripped = legacy_texts(Path(tmp) / "stripped", args.docs)
        correct = correct_texts(Path(tmp) / "correct", args.docs)
        run_batch(stripped[:1])  # start-up: imports and models, not counted
        load = load_average()
        print(
            "| batch | texts | refused | lines | CPU s: read · restore · extract | CPU s "
            "| restore µs/line | docs/min (CPU) |"
        )
        print("|---|---|---|---|---|---|---|---|")
        report("correct", correct)
        report("stripped", stripped)
        print(f"\nload 1/5/15 at the start: {load}; goal ≥ 1,000 docs/min with one worker")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(run_batch, stripped)
            pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
