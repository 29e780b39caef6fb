"""Build the syllable language model from ../shared/corpus.

Run ``python -m diacritics.training.train --shared ../shared``.

A trigram model with interpolated modified Kneser-Ney smoothing, written in backoff form (log10
probability per n-gram, log10 backoff weight per context) so that a query is three binary searches.
Word ids are 16 bits, so an n-gram is one integer key. Training skips the held-out documents
(``diacritics.text.is_heldout``) and the seeds used for evaluation. The counts of general
Vietnamese in ``DEFAULT_GENERAL`` are summed and mixed in (``diacritics.training.general``;
``--general FILE ...`` for others, ``--general ''`` for the legal model alone).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from diacritics.text import (
    ABBR,
    BOS,
    EOS,
    SPECIALS,
    UNK,
    corpus_documents,
    is_abbreviation,
    is_heldout,
    training_tokens,
)
from diacritics.training.general import load_generals, mix
from kehoach import MODELS_DIR

MAX_VOCAB = 65_535
MIN_WORD_COUNT = 2
MIN_TRIGRAM_COUNT = 1
"""Trigrams seen fewer times are pruned (backoff weights renormalised); keeping every one costs
2 MB and gains 0.1% on OCR text."""
BITS = 16
MASK = (1 << BITS) - 1
DEFAULT_OUT = MODELS_DIR / "syllable_lm.npz"
DEFAULT_GENERAL = tuple(
    MODELS_DIR / name for name in ("general_debian.tsv.gz", "general_dictionary.tsv.gz")
)
"""Debian packages' Vietnamese text counted (``diacritics.training.debian_general``) and an npm
dictionary's prose and word list (``diacritics.training.everyday_general``)."""
EXCLUDED_PLANS = ("002_",)
"""Plan files never trained on (the extraction seed kept for evaluation)."""
DEV_PERCENT = 4
"""Share of the non-held-out corpus documents (by a hash of "dev:" + id) in the development split:
the choices of the model and decoder are measured there (``bench/restore/dev.py``, over a model
trained with ``--without-dev``), never on the held-out documents; the shipped model trains on
them."""


def is_development(doc_id: str) -> bool:
    """True for the ~4% of corpus documents of the development split (held-out ones excluded)."""
    digest = hashlib.sha1(f"dev:{doc_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < DEV_PERCENT and not is_heldout(doc_id)


def training_lines(shared: Path, without_dev: bool = False) -> list[list[str]]:
    """Token lists of every training line: corpus outside the held-out split (and outside the
    development split with ``without_dev``), plus plans."""
    lines: list[list[str]] = []
    for doc_id, text in corpus_documents(shared, heldout=False):
        if without_dev and is_development(doc_id):
            continue
        lines.extend(tokens for tokens in map(training_tokens, text.split("\n")) if tokens)
    for path in sorted((shared / "corpus" / "plans").glob("*.txt")):
        if not path.name.startswith(EXCLUDED_PLANS):
            text = path.read_text(encoding="utf-8")
            lines.extend(tokens for tokens in map(training_tokens, text.split("\n")) if tokens)
    return lines


def build_vocab(lines: list[list[str]]) -> list[str]:
    """The specials, then the most frequent tokens seen at least ``MIN_WORD_COUNT`` times."""
    counts: Counter[str] = Counter()
    for tokens in lines:
        counts.update(tokens)
    words = [w for w, c in counts.most_common() if c >= MIN_WORD_COUNT and w not in SPECIALS]
    return list(SPECIALS) + words[: MAX_VOCAB - len(SPECIALS)]


def id_stream(lines: list[list[str]], vocab: list[str]) -> np.ndarray:
    """All lines as one id array, each line as <s> <s> tokens </s>; rare abbreviations <abbr>."""
    index = {w: i for i, w in enumerate(vocab)}
    unk, bos, eos, abbr = index[UNK], index[BOS], index[EOS], index[ABBR]
    rare: dict[str, int] = {}  # an out-of-vocabulary token's id, decided once
    ids: list[int] = []
    for tokens in lines:
        ids.append(bos)
        ids.append(bos)
        for t in tokens:
            i = index.get(t)
            if i is None:
                i = rare.get(t)
                if i is None:
                    i = rare[t] = abbr if is_abbreviation(t) else unk
            ids.append(i)
        ids.append(eos)
    return np.asarray(ids, dtype=np.uint64)


def trigram_counts(stream: np.ndarray, bos: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique trigram keys and their counts; trigrams ending in <s> cross a line break."""
    w1, w2, w3 = stream[:-2], stream[1:-1], stream[2:]
    keep = w3 != bos
    keys = (w1[keep] << np.uint64(2 * BITS)) | (w2[keep] << np.uint64(BITS)) | w3[keep]
    return np.unique(keys, return_counts=True)


def continuation(keys: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys one order lower (first word dropped) and how many distinct words precede each."""
    return np.unique(keys & np.uint64((1 << BITS * (order - 1)) - 1), return_counts=True)


def discounts(counts: np.ndarray) -> np.ndarray:
    """Modified Kneser-Ney discounts D1, D2, D3+ from the count-of-counts."""
    n = [int(np.sum(counts == k)) for k in (1, 2, 3, 4)]
    y = n[0] / max(n[0] + 2 * n[1], 1)
    d = [0.0] + [max(k - (k + 1) * y * n[k] / max(n[k - 1], 1), 0.05) for k in (1, 2, 3)]
    return np.asarray(d)


def kn_order(
    keys: np.ndarray, counts: np.ndarray, lower_prob: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interpolated probabilities of one order and the backoff weight of each of its contexts.

    ``lower_prob`` is the interpolated lower-order probability of each key's suffix.
    Returns (prob per key, unique contexts, gamma per context).
    """
    d = discounts(counts)
    disc = d[np.minimum(counts, 3)]
    contexts, inverse = np.unique(keys >> np.uint64(BITS), return_inverse=True)
    total = np.bincount(inverse, weights=counts.astype(np.float64))
    gamma = np.bincount(inverse, weights=disc) / total
    prob = (counts - disc) / total[inverse] + gamma[inverse] * lower_prob
    return prob, contexts, gamma


def lookup(
    sorted_keys: np.ndarray, values: np.ndarray, queries: np.ndarray, default: float
) -> np.ndarray:
    """``values`` of ``queries`` in ``sorted_keys``, ``default`` where absent."""
    pos = np.minimum(np.searchsorted(sorted_keys, queries), len(sorted_keys) - 1)
    found = sorted_keys[pos] == queries
    return np.where(found, values[pos], default)


def pruned_backoff(
    keys: np.ndarray, prob: np.ndarray, lower: np.ndarray, keep: np.ndarray, contexts: np.ndarray
) -> np.ndarray:
    """Backoff weight per context after pruning, so each context's distribution still sums to 1."""
    inverse = np.searchsorted(contexts, keys[keep] >> np.uint64(BITS))
    kept = np.bincount(inverse, weights=prob[keep], minlength=len(contexts))
    kept_lower = np.bincount(inverse, weights=lower[keep], minlength=len(contexts))
    return np.clip(1.0 - kept, 1e-9, None) / np.clip(1.0 - kept_lower, 1e-9, None)


def train(lines: list[list[str]]) -> dict[str, np.ndarray]:
    """Vocabulary and trigram KN model arrays ready for ``np.savez_compressed``."""
    vocab = build_vocab(lines)
    stream = id_stream(lines, vocab)
    bos = vocab.index(BOS)
    tri_keys, tri_counts = trigram_counts(stream, bos)
    del stream
    bi_keys, bi_cont = continuation(tri_keys, 3)
    uni_keys, uni_cont = continuation(bi_keys, 2)
    # A bigram after <s> has no left context: it keeps its raw count, as in standard KN.
    starts = (tri_keys >> np.uint64(BITS)) == np.uint64(bos << BITS | bos)
    start_pos = np.searchsorted(bi_keys, tri_keys[starts] & np.uint64((1 << 2 * BITS) - 1))
    bi_cont[start_pos] = tri_counts[starts]
    # Unigram: continuation counts, interpolated with a uniform floor so every word has mass.
    uni = np.zeros(len(vocab))
    uni[uni_keys.astype(np.int64)] = uni_cont
    d1 = discounts(uni_cont)
    disc = d1[np.minimum(uni.astype(np.int64), 3)] * (uni > 0)
    uni_prob = (uni - disc) / uni.sum() + disc.sum() / uni.sum() / len(vocab)
    uni_prob[vocab.index(BOS)] = 1e-9
    bi_lower = uni_prob[(bi_keys & np.uint64(MASK)).astype(np.int64)]
    bi_prob, bi_ctx, bi_gamma = kn_order(bi_keys, bi_cont, bi_lower)
    tri_lower = lookup(bi_keys, bi_prob, tri_keys & np.uint64((1 << 2 * BITS) - 1), 0.0)
    tri_prob, tri_ctx, tri_gamma = kn_order(tri_keys, tri_counts, tri_lower)
    uni_bow = np.zeros(len(vocab))
    uni_bow[bi_ctx.astype(np.int64)] = np.log10(bi_gamma)
    keep = tri_counts >= MIN_TRIGRAM_COUNT
    tri_bow = pruned_backoff(tri_keys, tri_prob, tri_lower, keep, tri_ctx)
    bi_bow = lookup(tri_ctx, np.log10(tri_bow), bi_keys, 0.0)
    return {
        "vocab": np.asarray("\n".join(vocab)),
        "uni_logp": np.log10(uni_prob).astype(np.float16),
        "uni_bow": uni_bow.astype(np.float16),
        "bi_keys": bi_keys.astype(np.uint32),
        "bi_logp": np.log10(bi_prob).astype(np.float16),
        "bi_bow": bi_bow.astype(np.float16),
        "tri_keys_delta": np.diff(tri_keys[keep], prepend=np.uint64(0)),
        "tri_logp": np.log10(tri_prob[keep]).astype(np.float16),
    }


def main(argv: list[str] | None = None) -> int:
    """Train and write the model file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--general",
        nargs="*",
        default=[str(p) for p in DEFAULT_GENERAL],
        help="counts of general Vietnamese to sum and mix in (diacritics.training.general); "
        "'' for none",
    )
    parser.add_argument(
        "--without-dev",
        action="store_true",
        help="leave the development split out (for bench/restore/dev.py)",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    lines = training_lines(args.shared, args.without_dev)
    print(
        f"{len(lines):,} lines, {sum(map(len, lines)):,} tokens "
        f"({time.perf_counter() - start:.0f} s)",
        file=sys.stderr,
    )
    arrays = train(lines)
    general = [Path(p) for p in args.general if p]
    if general:
        counts = load_generals(general)
        arrays = mix(arrays, *counts, legal_tokens=sum(map(len, lines)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)  # type: ignore[arg-type]
    print(
        f"vocab {len(str(arrays['vocab']).splitlines()):,}, bigrams {len(arrays['bi_keys']):,}, "
        f"trigrams {len(arrays['tri_logp']):,}, {args.out.stat().st_size / 1e6:.1f} MB "
        f"({time.perf_counter() - start:.0f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
