"""Restoration accuracy on the seeds' hand-restored gold: what ``kehoach eval restore`` prints."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.evaluation.metrics import syllable_accuracy


@dataclass(frozen=True)
class SeedScore:
    """One seed: accuracy before and after restoration."""

    name: str
    syllables: int
    raw: float
    restored: float
    seconds: float


def seed_pairs(shared: Path) -> list[tuple[str, Path, Path]]:
    """(name, raw dump, gold) for every seed that has a restoration gold."""
    pairs = []
    for gold in sorted((shared / "gold").glob("*.restored.txt")):
        name = gold.name.removesuffix(".restored.txt")
        raw = shared / "seeds" / f"{name}.txt"
        if raw.is_file():
            pairs.append((name, raw, gold))
    return pairs


def evaluate_seeds(shared: Path) -> list[SeedScore]:
    """Syllable accuracy of the raw dump and of its restoration, per seed."""
    from diacritics import restore
    from pipeline.evaluation.metrics import tokens
    from pipeline.evaluation.shared import shared_folder

    scores = []
    for name, raw_path, gold_path in seed_pairs(shared_folder(shared)):
        raw = raw_path.read_text(encoding="utf-8")
        gold = gold_path.read_text(encoding="utf-8")
        start = time.perf_counter()
        restored = restore(raw).text
        seconds = time.perf_counter() - start
        scores.append(
            SeedScore(
                name=name,
                syllables=len(tokens(gold)),
                raw=syllable_accuracy(gold, raw),
                restored=syllable_accuracy(gold, restored),
                seconds=seconds,
            )
        )
    return scores


def print_table(scores: list[SeedScore]) -> None:
    """Print one row per seed."""
    print(f"{'seed':<28} {'syllables':>9} {'raw':>7} {'restored':>9} {'seconds':>8}")
    for s in scores:
        print(f"{s.name:<28} {s.syllables:>9} {s.raw:>7.1%} {s.restored:>9.1%} {s.seconds:>8.2f}")
