"""Learn the OCR channel from rendered corpus pages.

Run ``python -m diacritics.training.learn_channel --shared ../shared``.

Training-side corpus documents are rendered with
``pipeline.evaluation.synthetic`` (light and heavy scans),
read by Tesseract ``eng`` (the legacy dumps' garbling) and ``vie`` on heavy scans, and aligned with
their truth: first word to word (Levenshtein on word sequences), then character to printed piece
inside each word pair. The counts become -log10 P(printed piece | intended character) and, for
whole words seen often enough, -log10 P(printed word | intended word).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from diacritics.channel import MAX_PIECE
from diacritics.orthography import normalize_tones
from diacritics.text import corpus_documents
from diacritics.training.ocr_pairs import OcrPage, ocr_document
from kehoach import MODELS_DIR

OUT = MODELS_DIR / "ocr_channel.json"
EDGE = " \t.,;:!?\"“”‘’'`()[]«»…–—-*/<>"
MIN_PIECE_COUNT = 2
MIN_WORD_COUNT = 2
PLAN_PREFIXES = ("vbai-",)
"""Local administrative documents look most like provincial plans."""


def words(text: str) -> list[str]:
    """Lower-case whitespace words with edge punctuation removed (empty ones dropped)."""
    out = []
    for raw in text.split():
        core = raw.strip(EDGE).lower()
        if core:
            out.append(core)
    return out


def word_pairs(truth: list[str], printed: list[str]) -> Iterable[tuple[str, str]]:
    """(intended, printed) pairs from the word alignment; 1→2 splits joined with a space."""
    for op in Levenshtein.opcodes(truth, printed):
        tag, i1, i2, j1, j2 = op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            yield from zip(truth[i1:i2], printed[j1:j2], strict=True)
        elif tag == "replace" and i2 - i1 == 1 and j2 - j1 == 2:
            yield truth[i1], " ".join(printed[j1:j2])


def char_pieces(intended: str, printed: str) -> list[tuple[str, str]]:
    """Each intended character with the printed piece (0–2 chars) it became; None if unclear."""
    pieces: list[list[str]] = [[ch, ""] for ch in intended]
    inserted: list[str] = []
    for op in Levenshtein.opcodes(intended, printed):
        tag, i1, i2, j1, j2 = op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1):
                pieces[i1 + k][1] += printed[j1 + k]
        elif tag == "delete":
            continue
        elif tag == "insert":
            if i1 > 0:
                pieces[i1 - 1][1] += printed[j1:j2]
            else:
                inserted.append(printed[j1:j2])
        else:  # unequal replace: spread the printed run over the intended run
            span, run = i2 - i1, printed[j1:j2]
            for k in range(span):
                a, b = k * len(run) // span, (k + 1) * len(run) // span
                pieces[i1 + k][1] += run[a:b]
    return [(x, p) for x, p in pieces if len(p) <= MAX_PIECE]


def count(pages: Iterable[OcrPage]) -> tuple[Counter, Counter]:
    """Character-piece and whole-word confusion counts over aligned pages."""
    chars: Counter[tuple[str, str]] = Counter()
    tokens: Counter[tuple[str, str]] = Counter()
    for page in pages:
        for intended, printed in word_pairs(words(normalize_tones(page.truth)), words(page.ocr)):
            tokens[(intended, printed)] += 1
            if " " not in printed and Levenshtein.distance(intended, printed) <= max(
                2, len(intended) // 2
            ):
                chars.update(char_pieces(intended, printed))
    return chars, tokens


def to_costs(counts: Counter, min_count: int) -> dict[str, dict[str, float]]:
    """-log10 P(printed | intended) per intended unit, with an unseen-piece cost under "*"."""
    by_intended: dict[str, Counter] = defaultdict(Counter)
    for (intended, printed), n in counts.items():
        by_intended[intended][printed] += n
    out: dict[str, dict[str, float]] = {}
    for intended, printed in by_intended.items():
        total = sum(printed.values()) + 1
        table = {p: round(-math.log10(n / total), 3) for p, n in printed.items() if n >= min_count}
        table["*"] = round(-math.log10(0.5 / total), 3)
        out[intended] = table
    return out


def training_documents(shared: Path, n_docs: int) -> list[tuple[str, str]]:
    """The first ``n_docs`` training-side local documents, cut to a few pages of text."""
    docs = []
    for doc_id, text in corpus_documents(shared, heldout=False):
        if doc_id.startswith(PLAN_PREFIXES) and len(text) > 2000:
            docs.append((doc_id, text[:6000]))
            if len(docs) == n_docs:
                break
    return docs


def main(argv: list[str] | None = None) -> int:
    """Render, OCR, align, count, and write the channel table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--docs", type=int, default=30)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    pages: list[OcrPage] = []
    for n, (doc_id, text) in enumerate(training_documents(args.shared, args.docs)):
        pages += ocr_document(doc_id, text, "light", "eng", seed=n)
        pages += ocr_document(doc_id, text, "heavy", "eng", seed=n)
        if n % 2 == 0 and n < 4:
            pages += ocr_document(doc_id, text, "heavy", "vie", seed=n)
        print(f"{doc_id}: {len(pages)} pages", file=sys.stderr)
    chars, tokens = count(pages)
    data: dict[str, Any] = {
        "pages": len(pages),
        "costs": to_costs(chars, MIN_PIECE_COUNT),
        "words": {
            word: {p: c for p, c in table.items() if p != word}
            for word, table in to_costs(tokens, MIN_WORD_COUNT).items()
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8"
    )
    print(
        f"{len(pages)} pages, {sum(chars.values()):,} characters, {len(data['words'])} words",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
