"""Restoration on the development split: errors and their commonest confusions, for tuning.

    .venv/bin/python -m diacritics.training.train --shared ../shared --without-dev \
        --out /tmp/dev.npz
    .venv/bin/python bench/restore/dev.py --shared ../shared --lm /tmp/dev.npz [--top 40]

The development split (``diacritics.training.train.is_development``, ~4% of the corpus documents
outside the held-out split) is where the language model's and decoder's choices are measured;
the model must be one trained without it (``--without-dev``). The held-out documents
(``bench/restore/run.py``) are read only for the final figure. Documents are cut as in run.py
(at a line break near ``--chars``), stripped of their marks and restored.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import diacritics.restorer  # noqa: E402
from diacritics.orthography import normalize_tones, strip_marks  # noqa: E402
from diacritics.restorer import Restorer  # noqa: E402
from diacritics.text import corpus_documents  # noqa: E402
from diacritics.training.train import is_development  # noqa: E402
from pipeline.evaluation.metrics import sequence_distance, tokens  # noqa: E402


def development_docs(shared: Path, max_chars: int) -> list[str]:
    """The development split's documents, cut at a line break near ``max_chars``, modern tones."""
    docs = []
    for doc_id, text in corpus_documents(shared, heldout=False):
        if is_development(doc_id):
            cut = text[:max_chars]
            docs.append(normalize_tones(cut[: cut.rfind("\n")] if "\n" in cut else cut))
    return docs


def confusions(gold: list[str], restored: list[str], width: int = 2) -> list[str]:
    """Each wrong token with its neighbours, "gold → restored", where the token counts agree."""
    if len(gold) != len(restored):
        return []
    out = []
    for i, (g, r) in enumerate(zip(gold, restored, strict=True)):
        if g != r:
            left = " ".join(gold[max(0, i - width) : i])
            right = " ".join(gold[i + 1 : i + 1 + width])
            out.append(f"{left} [{g} → {r}] {right}")
    return out


def _time_rescore(off: bool) -> list[float]:
    """The restorer's rescore pass wrapped to count its CPU seconds (or switched off)."""
    spent = [0.0]
    inner = diacritics.restorer.rescore

    def timed(lm, runs, decoded):  # type: ignore[no-untyped-def]
        if off:
            return decoded
        start = time.process_time()
        out = inner(lm, runs, decoded)
        spent[0] += time.process_time() - start
        return out

    diacritics.restorer.rescore = timed  # type: ignore[assignment]
    return spent


def main(argv: list[str] | None = None) -> int:
    """Restore the split, print errors, accuracy and the commonest confusions."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--lm", type=Path, required=True, help="a model trained --without-dev")
    parser.add_argument("--chars", type=int, default=8000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--contexts", type=Path, help="write every error in context here")
    parser.add_argument(
        "--no-rescore", action="store_true", help="without diacritics.rescore's second look"
    )
    args = parser.parse_args(argv)
    docs = development_docs(args.shared, args.chars)
    restorer = Restorer(lm_path=args.lm)
    rescore_seconds = _time_rescore(off=args.no_rescore)
    start = time.process_time()
    restored = [restorer.restore(strip_marks(d)).text for d in docs]
    seconds = time.process_time() - start
    errors, total = 0, 0
    pairs: Counter[tuple[str, str]] = Counter()
    contexts: list[str] = []
    for gold_text, out_text in zip(docs, restored, strict=True):
        gold, out = tokens(gold_text), tokens(out_text)
        errors += sequence_distance(gold, out)
        total += len(gold)
        if len(gold) == len(out):
            pairs.update((g, r) for g, r in zip(gold, out, strict=True) if g != r)
        contexts += confusions(gold, out)
    print(f"{len(docs)} docs, {total:,} syllables, {errors} errors, {1 - errors / total:.4%}")
    print(
        f"{total / seconds:,.0f} syllables per CPU s ({seconds:.3f} s, of which the rescore pass "
        f"{rescore_seconds[0]:.3f} s)"
    )
    for (g, r), n in pairs.most_common(args.top):
        print(f"{n:4d}  {g} → {r}")
    if args.contexts:
        args.contexts.write_text("\n".join(contexts) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
