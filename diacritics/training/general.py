"""General Vietnamese beside the legal model: word and word-pair counts mixed into the LM.

The legal corpus teaches administrative homographs ("ống" of "ống nước" loses to "ông"); everyday
text needs general word pairs. ``python -m diacritics.training.train --shared ../shared --general
FILE`` mixes in a counts file (gzip text, one "word<TAB>count" or "word<TAB>word<TAB>count" a
line). The shipped counts, ``data/models/general_debian.tsv.gz`` (``train``'s default), are those
of Debian packages' Vietnamese software text, rebuilt by ``diacritics.training.debian_general``;
underthesea's restorer model (news text) is a peer's and was used only to measure the method
(``diacritics/README.md``).

``mix`` folds the counts into the trained legal trigram model as a static interpolation written
back in backoff form (as SRILM's ``-mix-lm``): every stored n-gram of either model gets
``λ·P_legal + (1−λ)·P_general`` (the general model a bigram one, absolute discounting over its
unigram), and each context's backoff weight is recomputed so its distribution sums to one.
Syllables only the general counts know join the vocabulary (sharing the legal model's <unk>
mass by their general frequency).
"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import numpy as np

from diacritics.orthography import is_syllable, normalize_tones
from diacritics.text import BOS, SPECIALS, UNK

LEGAL_WEIGHT = 1.0
"""Weight of the legal unigram in the mixture: 1.0, the general counts change only what follows
a word (and give the syllables the legal corpus lacks a share of <unk>'s mass). With the shipped
counts (Debian's software text, ``debian_general``) 0.8 cost seed 003 0.09% (real legacy OCR:
"đại" → "dải", the spreadsheet's cell range), 0.9 and 0.97 0.05%, 1.0 nothing. With underthesea's
news counts (measuring only) on a development split of the legal corpus kept out of training
(60 documents, 66,445 syllables, stripped; 12 accent variants a word): legal model alone 572
errors; one weight for every n-gram 534 at 0.8 (with 8 variants: 0.8: 563, 0.6: 579, 0.4: 605,
legal alone 586); the n-grams weighted by context (``MERGE_WEIGHT``) 533. With the dictionary's
counts beside Debian's (``everyday_general``; merge 1.0): the development split (stripped, the
model trained without it, 99.123% with Debian's counts alone) 99.165% at 1.0, 99.144% at 0.8,
99.142% at 0.6; everyday_vi.txt 80.5% at 1.0, 81.8% at 0.6 (merge 2.0): 1.0 kept, legal text
first."""
MERGE_WEIGHT = 0.75
"""Weight of a general count against a legal one in a context's mixture (``mix``). On the
development split 0.2: 533 errors, 0.25: 531, 0.3: 533, 0.5: 530 (before the classes kept their
legal probabilities: 0.1: 537, 0.3: 527, 0.5: 520, 0.7: 525, 1.0: 543); on real legacy OCR
(seeds 000/003, development rows, full model; the legal model 98.43/98.63%) 0.5: 98.36/98.83%,
0.3: 98.43/98.83%, 0.25: 98.46/98.93%, 0.2: 98.46/98.97%; everyday prose 87.6% at 0.2, 87.9% at
0.25 and 0.3 (those two with underthesea's news counts). With the shipped counts (Debian's and the
dictionary's, ``LEGAL_WEIGHT`` 1.0, trigram contexts general text never saw kept legal): seeds
98.46/98.63% at 0.5, 98.43/98.78% at 0.75, 98.39/98.78% at 1.0, 98.36/98.83% at 2.0;
everyday_vi.txt 79.0, 79.4, 79.9, 79.9%; Debian messages 88.9, 89.3, 89.6, 90.0%; OCR of 14
development pages 98.10, 98.11, 98.08, 98.08% (Debian's counts alone 98.10%); the development
split stripped 99.244% at 0.5, 99.238% at 1.0 (Debian's counts alone 99.123%)."""
MIN_NEW_WORD = 5
"""General count from which a syllable the legal corpus lacks joins the vocabulary."""
DISCOUNT = 0.75
"""Absolute discount of the general bigrams (their counts are pruned below 5: no count-of-counts
to estimate it from)."""
BITS = 16
LOW16 = np.uint64((1 << BITS) - 1)
LOW32 = np.uint64((1 << 2 * BITS) - 1)


def load_general(path: Path) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Unigram and bigram counts, tones in the placement the model writes ("hòa")."""
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                unigrams[normalize_tones(parts[0])] += int(parts[1])
            else:
                bigrams[normalize_tones(parts[0]), normalize_tones(parts[1])] += int(parts[2])
    return dict(unigrams), dict(bigrams)


def load_generals(paths: list[Path]) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """The counts of several files summed (sources of one kind of text, kept apart by licence)."""
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for path in paths:
        uni, bi = load_general(path)
        unigrams.update(uni)
        bigrams.update(bi)
    return dict(unigrams), dict(bigrams)


def _lookup(sorted_keys: np.ndarray, values: np.ndarray, queries: np.ndarray) -> tuple:
    pos = np.minimum(np.searchsorted(sorted_keys, queries), len(sorted_keys) - 1)
    return sorted_keys[pos] == queries, values[pos]


def _backoff(contexts: np.ndarray, kept: np.ndarray, lower: np.ndarray, size: int) -> np.ndarray:
    """log10 backoff weight per context: the mass its stored n-grams leave over that of the
    same words one order lower."""
    num = 1.0 - np.bincount(contexts, weights=kept, minlength=size)
    den = 1.0 - np.bincount(contexts, weights=lower, minlength=size)
    return np.log10(np.clip(num, 1e-9, None) / np.clip(den, 1e-9, None))


class _General:
    """The general bigram model over the mixed vocabulary."""

    def __init__(self, vocab: list[str], unigrams: dict[str, int], bigrams: dict) -> None:
        index = {w: i for i, w in enumerate(vocab)}
        counts = np.asarray([unigrams.get(w, 0) for w in vocab], dtype=np.float64)
        self.counts = counts
        self.uni = (counts + 0.5) / (counts.sum() + 0.5 * len(vocab))
        self.uni[index[BOS]] = 1e-9
        pairs = [
            (index[a], index[b], c) for (a, b), c in bigrams.items() if a in index and b in index
        ]
        w1 = np.asarray([p[0] for p in pairs], dtype=np.int64)
        w2 = np.asarray([p[1] for p in pairs], dtype=np.int64)
        n = np.asarray([p[2] for p in pairs], dtype=np.float64)
        totals = np.maximum(counts, np.bincount(w1, weights=n, minlength=len(vocab)))
        stored = (n - DISCOUNT) / totals[w1]
        self.gamma = 1.0 - np.bincount(w1, weights=stored, minlength=len(vocab))
        keys = (w1.astype(np.uint64) << np.uint64(BITS)) | w2.astype(np.uint64)
        order = np.argsort(keys)
        self.keys, self.stored = keys[order], stored[order]

    def prob(self, keys: np.ndarray) -> np.ndarray:
        """P(w2 | w1) of bigram keys (w1 << 16 | w2)."""
        w1 = (keys >> np.uint64(BITS)).astype(np.int64)
        w2 = (keys & LOW16).astype(np.int64)
        found, stored = _lookup(self.keys, self.stored, keys)
        return np.where(found, stored, 0.0) + self.gamma[w1] * self.uni[w2]


def mix(
    arrays: dict[str, np.ndarray],
    unigrams: dict[str, int],
    bigrams: dict[tuple[str, str], int],
    legal_tokens: int,
    legal_weight: float = LEGAL_WEIGHT,
    merge: float = MERGE_WEIGHT,
) -> dict[str, np.ndarray]:
    """The legal model's arrays (``train.train``, ``legal_tokens`` trained on) mixed with the
    general counts, in the same format.

    Unigrams mix with ``legal_weight``; the n-grams of a context word ``w`` with
    ``λ(w) = n_legal(w) / (n_legal(w) + merge · n_general(w))``, as if the two corpora's counts
    were merged (the general ones weighted by ``merge``): a word the legal corpus seldom uses
    ("chợ") is followed as general text follows it.
    """
    legal_vocab = str(arrays["vocab"]).split("\n")
    n_legal = len(legal_vocab)
    known = set(legal_vocab)
    new = sorted(
        (w for w, c in unigrams.items() if c >= MIN_NEW_WORD and w not in known and is_syllable(w)),
        key=lambda w: (-unigrams[w], w),
    )[: (1 << BITS) - 1 - n_legal]
    vocab = legal_vocab + new
    size = len(vocab)
    unk = legal_vocab.index(UNK)
    general = _General(vocab, unigrams, bigrams)
    # the legal unigram over the whole vocabulary: new words take half of <unk>'s mass
    uni_legal = np.zeros(size)
    uni_legal[:n_legal] = 10.0 ** arrays["uni_logp"].astype(np.float64)
    if new:
        share = general.counts[n_legal:] / general.counts[n_legal:].sum()
        uni_legal[n_legal:] = uni_legal[unk] * 0.5 * share
        uni_legal[unk] *= 0.5
    # the model's own classes (<unk>, <num>, <abbr>, line ends) mean what they meant in the
    # legal corpus (OCR garble kept as printed, numbers of articles): legal probabilities only
    special = np.zeros(size, dtype=bool)
    special[[legal_vocab.index(t) for t in SPECIALS]] = True
    uni = legal_weight * uni_legal + (1 - legal_weight) * general.uni
    uni[special] = uni_legal[special]
    uni[~special] *= (1.0 - uni_legal[special].sum()) / uni[~special].sum()
    seen = uni_legal * legal_tokens  # the legal count of each word, near enough
    lam = np.where(special, 1.0, seen / (seen + merge * general.counts))
    bow_legal = np.zeros(size)
    bow_legal[:n_legal] = arrays["uni_bow"].astype(np.float64)
    # bigrams: those of either model
    legal_keys = arrays["bi_keys"].astype(np.uint64)
    keys = np.union1d(legal_keys, general.keys)
    w1 = (keys >> np.uint64(BITS)).astype(np.int64)
    w2 = (keys & LOW16).astype(np.int64)
    found, logp = _lookup(legal_keys, arrays["bi_logp"].astype(np.float64), keys)
    p_legal = np.where(found, 10.0**logp, 10.0 ** bow_legal[w1] * uni_legal[w2])
    weight = np.where(special[w2], 1.0, lam[w1])
    bi = weight * p_legal + (1 - weight) * general.prob(keys)
    uni_bow = _backoff(w1, bi, uni[w2], size)
    # trigrams: the legal ones, mixed with the general bigram of their last pair
    tri_keys = np.cumsum(arrays["tri_keys_delta"], dtype=np.uint64)
    last = tri_keys & LOW32
    t2 = (last >> np.uint64(BITS)).astype(np.int64)
    # a trigram context general text never saw ("<num> bộ" of "số 2447/QĐ-TTg") keeps its legal
    # continuations and their backoff weight, as merged counts would
    found, _ = _lookup(general.keys, general.stored, tri_keys >> np.uint64(BITS))
    weight = np.where(special[(last & LOW16).astype(np.int64)] | ~found, 1.0, lam[t2])
    tri = weight * 10.0 ** arrays["tri_logp"].astype(np.float64) + (1 - weight) * general.prob(last)
    found, p_last = _lookup(keys, bi, last)
    lower = np.where(found, p_last, 10.0 ** uni_bow[t2] * uni[(last & LOW16).astype(np.int64)])
    contexts, inverse = np.unique(tri_keys >> np.uint64(BITS), return_inverse=True)
    found, bow = _lookup(contexts, _backoff(inverse, tri, lower, len(contexts)), keys)
    out = dict(arrays)
    out.update(
        vocab=np.asarray("\n".join(vocab)),
        uni_logp=np.log10(uni).astype(np.float16),
        uni_bow=uni_bow.astype(np.float16),
        bi_keys=keys.astype(np.uint32),
        bi_logp=np.log10(bi).astype(np.float16),
        bi_bow=np.where(found, bow, 0.0).astype(np.float16),
        tri_logp=np.log10(tri).astype(np.float16),
        # the candidates' prior (``lm.TrigramLM.prior_logp``): the legal unigram (new words
        # sharing half of <unk>'s mass); OCR garble is legal text, read by legal frequencies
        prior_logp=np.log10(np.clip(uni_legal, 1e-30, None)).astype(np.float16),
        # words from here on only the general counts know: no key of theirs is a garbled word's
        # near reading (``candidates.Inventory.syllable_keys``)
        legal_vocab_size=np.asarray(n_legal),
    )
    if "titled_logp" in arrays:  # new words are rare words: <unk>'s share of capitals
        titled = arrays["titled_logp"]
        out["titled_logp"] = np.concatenate([titled, np.full(len(new), titled[unk])]).astype(
            np.float16
        )
    return out
