"""One pass of a restorer over the benchmark's inputs, for whole-process A/B timing.

    farm-bench -n 5 --vs '.venv/bin/python bench/restore/pages.py --repo OTHER_CHECKOUT ocr' \\
        -- .venv/bin/python bench/restore/pages.py ocr

``ocr``: the 14 held-out pages OCR'd by ``run.py`` (read from its cache; run it first);
``stripped``: the 40 held-out documents without marks; ``seeds``: the real legacy OCR dumps with
a gold (000, 003). ``--repo`` loads the restorer of another
checkout (an older commit) on the same inputs, so the two sides differ only in the restorer.
Prints the syllables restored per CPU second of the restoring alone, load excluded.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one restoring pass over benchmark inputs")
    parser.add_argument("inputs", choices=("ocr", "stripped", "seeds"))
    parser.add_argument("--repo", type=Path, default=REPO, help="checkout whose restorer runs")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args(argv)
    sys.path[:0] = [str(args.repo.resolve()), str(HERE), str(REPO)]

    from diacritics.orthography import normalize_tones, strip_marks
    from diacritics.restorer import Restorer

    try:
        from diacritics.training.ocr_pairs import CACHE_DIR, ocr_document
        from pipeline.evaluation.metrics import tokens
    except ImportError:  # a checkout from before the modules moved
        from diacritics.ocr_pairs import CACHE_DIR, ocr_document  # type: ignore[no-redef]
        from pipeline.metrics import tokens  # type: ignore[no-redef]

    bench = importlib.import_module("run")  # after those: run.py puts this checkout first

    print(f"restorer of {Path(sys.modules['diacritics'].__file__).parents[1]}", file=sys.stderr)

    if args.inputs == "ocr":
        if not CACHE_DIR.is_dir():
            CACHE_DIR.mkdir(parents=True)  # the other checkout's cache: fill it once
        texts, truth = [], []
        for n, (doc_id, text) in enumerate(bench.heldout_ids(args.shared, 8)):
            for page in ocr_document(doc_id, text, "light", "eng", seed=100 + n, body_only=True):
                texts.append(page.ocr)
                truth.append(page.truth)
    elif args.inputs == "seeds":
        from pipeline.evaluation.restoration import seed_pairs

        pairs = seed_pairs(args.shared)
        texts = [raw.read_text(encoding="utf-8") for _, raw, _ in pairs]
        truth = [gold.read_text(encoding="utf-8") for _, _, gold in pairs]
    else:
        truth = [normalize_tones(d) for d in bench.heldout_docs(args.shared, 40, 8000)]
        texts = [strip_marks(d) for d in truth]
    restorer = Restorer()
    start = time.process_time()
    for text in texts:
        restorer.restore(text)
    seconds = time.process_time() - start
    print(f"{sum(len(tokens(t)) for t in truth) / seconds:,.0f} syllables per CPU s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
