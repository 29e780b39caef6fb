"""The syllable trigram model at query time: vectorised backoff lookups over sorted integer keys."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from diacritics.text import ABBR, BOS, EOS, NUM, UNK

BITS = 16
LOW16 = np.uint64((1 << BITS) - 1)
LOW32 = np.uint64((1 << 2 * BITS) - 1)


def _find(sorted_keys: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``queries`` in ``sorted_keys`` and whether each was there.

    Queries are searched in sorted order: neighbouring searches then share cache lines, which
    makes the search about twice as fast on decoder-sized batches.
    """
    return _find_in([sorted_keys], queries)[0]


def _find_in(tables: list[np.ndarray], queries: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """``_find`` of the same queries in several sorted tables, the queries sorted once."""
    order = np.argsort(queries)
    ordered = queries[order]
    out = []
    for table in tables:
        pos = np.empty(len(queries), dtype=np.intp)
        pos[order] = np.searchsorted(table, ordered)
        pos = np.minimum(pos, len(table) - 1)
        out.append((pos, table[pos] == queries))
    return out


def _presence_bitmap(keys: np.ndarray, vocab: int) -> tuple[np.ndarray, np.ndarray]:
    """A bit per possible bigram (w1 · vocab + w2) and, per 64-bit word, how many bits come
    before it: a stored bigram's position is its rank, found in a few vector operations
    without sorting or searching (the vocabulary is small: 8,400 words, 8.8 MB of bits)."""
    flat = (keys >> np.uint64(BITS)) * np.uint64(vocab) + (keys & LOW16)  # sorted as keys are
    word = (flat >> np.uint64(6)).astype(np.intp)
    bits = np.left_shift(np.uint64(1), flat & np.uint64(63))
    starts = np.flatnonzero(np.r_[True, word[1:] != word[:-1]])
    bitmap = np.zeros((vocab * vocab + 63) // 64, dtype=np.uint64)
    if len(keys):
        bitmap[word[starts]] = np.bitwise_or.reduceat(bits, starts)
    rank = np.zeros(len(bitmap) + 1, dtype=np.int64)
    np.cumsum(np.bitwise_count(bitmap), out=rank[1:])
    return bitmap, rank


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: arrays have no ==
class LMArrays:
    """The model's tables as the lookups read them: one typed view that the compiled kernels
    (``kernels.py``, ``_kernels.c``'s ``model_t``) and the NumPy lookups below both use.

    Bigrams (w1, w2) are found through ``bitmap``, a bit per possible pair (w1 · vocab + w2),
    and ``rank``, per 64-bit word of it the stored bigrams before it; a stored context's
    trigrams are the run ``tri_lo`` .. ``tri_hi`` of the sorted trigram table, by last word
    (``tri_w3``); ``bi_continued`` flags the bigrams some trigram continues and
    ``orphan_contexts`` are the few contexts stored only as a trigram's.
    """

    vocab: int
    uni_logp: np.ndarray  # float32, per word
    uni_bow: np.ndarray  # float32, per word
    bitmap: np.ndarray  # uint64
    rank: np.ndarray  # int64, len(bitmap) + 1
    bi_keys: np.ndarray  # uint64, sorted (w1 << 16 | w2)
    bi_logp: np.ndarray  # float32
    bi_bow: np.ndarray  # float32
    bi_continued: np.ndarray  # bool
    tri_keys: np.ndarray  # uint64, sorted (w1 << 32 | w2 << 16 | w3)
    tri_logp: np.ndarray  # float32
    tri_lo: np.ndarray  # int64, per bigram
    tri_hi: np.ndarray  # int64, per bigram
    tri_w3: np.ndarray  # uint16, per trigram
    orphan_contexts: np.ndarray  # uint64


class TrigramLM:
    """Backoff trigram model over 16-bit word ids, scores in log10."""

    def __init__(self, path: Path) -> None:
        with np.load(path) as data:
            self.words: list[str] = str(data["vocab"]).split("\n")
            self.uni_logp = data["uni_logp"].astype(np.float32)
            self.uni_bow = data["uni_bow"].astype(np.float32)
            self.bi_keys = data["bi_keys"].astype(np.uint64)
            self.bi_logp = data["bi_logp"].astype(np.float32)
            self.bi_bow = data["bi_bow"].astype(np.float32)
            self.tri_keys = np.cumsum(data["tri_keys_delta"], dtype=np.uint64)
            self.tri_logp = data["tri_logp"].astype(np.float32)
            # the candidates' prior: the legal corpus's unigram where a general model is mixed
            # in (its new words rank after the legal ones: OCR garble is legal text)
            prior = data["prior_logp"] if "prior_logp" in data.files else data["uni_logp"]
            self.prior_logp = prior.astype(np.float32)
            size = data["legal_vocab_size"] if "legal_vocab_size" in data.files else None
        contexts = self.tri_keys >> np.uint64(BITS)
        contexts = contexts[np.r_[True, contexts[1:] != contexts[:-1]]]
        # (w1, w2) that some stored trigram continues: other triples need no trigram search.
        # Nearly all are stored bigrams (a flag on the bigram); the few others are kept apart.
        pos, found = _find(self.bi_keys, contexts)
        self.bi_continued = np.zeros(len(self.bi_keys), dtype=bool)
        self.bi_continued[pos[found]] = True
        self.orphan_contexts = contexts[~found]
        # each stored bigram's continuations: a run of the sorted trigrams, by last word
        starts = np.searchsorted(self.tri_keys >> np.uint64(BITS), contexts)
        ends = np.r_[starts[1:], len(self.tri_keys)]
        self.tri_lo = np.zeros(len(self.bi_keys), dtype=np.int64)
        self.tri_hi = np.zeros(len(self.bi_keys), dtype=np.int64)
        self.tri_lo[pos[found]], self.tri_hi[pos[found]] = starts[found], ends[found]
        self.tri_w3 = (self.tri_keys & LOW16).astype(np.uint16)
        self.index = {w: i for i, w in enumerate(self.words)}
        self.legal_size = len(self.words) if size is None else int(size)
        """Words with ids from here on are known only from general text (``training.general``)."""
        bitmap, rank = _presence_bitmap(self.bi_keys, len(self.words))
        self.arrays = LMArrays(
            len(self.words), self.uni_logp, self.uni_bow, bitmap, rank, self.bi_keys,
            self.bi_logp, self.bi_bow, self.bi_continued, self.tri_keys, self.tri_logp,
            self.tri_lo, self.tri_hi, self.tri_w3, self.orphan_contexts,
        )  # fmt: skip

        self.unk, self.bos, self.eos, self.num = (self.index[t] for t in (UNK, BOS, EOS, NUM))
        # the class of rare abbreviations (a model trained before it had none: <unk> stands in)
        self.abbr = self.index.get(ABBR, self.unk)

    def abbreviation_id(self, token: str) -> int:
        """Id of an abbreviation's LM token, the <abbr> class when out of vocabulary."""
        return self.index.get(token, self.abbr)

    def word_id(self, token: str) -> int:
        """Id of a language-model token, <unk> when out of vocabulary."""
        return self.index.get(token, self.unk)

    def find_bigrams(self, w1: np.ndarray, w2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the bigrams (w1, w2) in the bigram table and whether each is stored."""
        arrays = self.arrays
        flat = w1 * np.uint64(arrays.vocab) + w2
        word = (flat >> np.uint64(6)).astype(np.intp)
        # the bigram's bit moved to the top: the bits left are it and those below it
        upto = np.left_shift(arrays.bitmap[word], np.uint64(63) - (flat & np.uint64(63)))
        found = upto >= np.uint64(1 << 63)
        # its rank among the stored bigrams; one too many where not stored, kept in the table
        pos = arrays.rank[word] + np.bitwise_count(upto)
        pos -= found
        return np.minimum(pos, len(self.bi_keys) - 1), found

    def bigram_logp(self, w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
        """log10 P(w2 | w1), float32, for aligned uint64 id arrays: the bigram or its backoff."""
        pos, found = self.find_bigrams(w1, w2)
        return np.where(found, self.bi_logp[pos], self.uni_bow[w1] + self.uni_logp[w2])

    def bigram(self, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        """log10 P(w3 | w2) for aligned uint64 id arrays."""
        pos, found = self.find_bigrams(w2, w3)
        backoff = self.uni_bow[w2.astype(np.intp)] + self.uni_logp[w3.astype(np.intp)]
        return np.where(found, self.bi_logp[pos], backoff)

    def trigram(self, w1: np.ndarray, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        """log10 P(w3 | w1 w2) for aligned uint64 id arrays."""
        ctx = (w1 << np.uint64(BITS)) | w2
        pos, found = _find(self.tri_keys, (ctx << np.uint64(BITS)) | w3)
        cpos, cfound = self.find_bigrams(w1, w2)
        bow = np.where(cfound, self.bi_bow[cpos], 0.0)
        return np.where(found, self.tri_logp[pos], bow + self.bigram(w2, w3))

    def pair(
        self, w1: np.ndarray, w2: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """log10 P(w2 | w1), the backoff weight of the context (w1, w2), whether a stored
        trigram continues that context and the bigram's position (-1 when not stored)."""
        pos, found = self.find_bigrams(w1, w2)
        continued = found & self.bi_continued[pos]
        if len(self.orphan_contexts):
            unseen = np.flatnonzero(~found)
            keys = (w1[unseen] << np.uint64(BITS)) | w2[unseen]
            if len(self.orphan_contexts) <= 4:  # the usual case: one or two, cheaper by hand
                orphan = np.zeros(len(keys), dtype=bool)
                for context in self.orphan_contexts:
                    orphan |= keys == context
                continued[unseen] = orphan
            else:
                continued[unseen] = np.isin(keys, self.orphan_contexts)
        backoff = self.uni_bow[w1.astype(np.intp)] + self.uni_logp[w2.astype(np.intp)]
        return (
            np.where(found, self.bi_logp[pos], backoff),
            np.where(found, self.bi_bow[pos], 0.0),
            continued,
            np.where(found, pos, -1),
        )

    def trigram_after(
        self,
        at: np.ndarray,
        w1: np.ndarray,
        w2: np.ndarray,
        w3: np.ndarray,
        backoff: np.ndarray,
    ) -> np.ndarray:
        """``trigram_or`` where the context (w1, w2) is the stored bigram at position ``at``
        (-1: a context stored only as a trigram's): w3 is searched among that bigram's
        continuations alone (one each at the median, 56 at the 99th percentile), all queries
        at once, each dropping out when its run is narrowed to one place."""
        out = backoff.copy()
        orphan = np.flatnonzero(at < 0)
        if len(orphan):
            out[orphan] = self.trigram_or(w1[orphan], w2[orphan], w3[orphan], backoff[orphan])
        query = np.flatnonzero(at >= 0)
        lo, hi = self.tri_lo[at[query]], self.tri_hi[at[query]]
        word = w3[query].astype(np.uint16)
        active = np.flatnonzero(lo < hi)
        while len(active):  # lower bound of word in each run, the unfinished runs only
            a_lo, a_hi = lo[active], hi[active]
            mid = (a_lo + a_hi) >> 1
            less = self.tri_w3[mid] < word[active]
            a_lo = np.where(less, mid + 1, a_lo)
            a_hi = np.where(less, a_hi, mid)
            lo[active], hi[active] = a_lo, a_hi
            active = active[a_lo < a_hi]
        end = self.tri_hi[at[query]]
        inside = np.minimum(lo, len(self.tri_w3) - 1)
        hit = (lo < end) & (self.tri_w3[inside] == word)
        out[query[hit]] = self.tri_logp[lo[hit]]
        return out

    def trigram_or(
        self, w1: np.ndarray, w2: np.ndarray, w3: np.ndarray, backoff: np.ndarray
    ) -> np.ndarray:
        """log10 P(w3 | w1 w2) where the trigram is stored, else the given backoff score."""
        key = (((w1 << np.uint64(BITS)) | w2) << np.uint64(BITS)) | w3
        pos, found = _find(self.tri_keys, key)
        return np.where(found, self.tri_logp[pos], backoff)

    def score_tokens(self, tokens: list[str]) -> float:
        """log10 probability of one line of language-model tokens, </s> included."""
        ids = [self.bos, self.bos, *(self.word_id(t) for t in tokens), self.eos]
        arr = np.asarray(ids, dtype=np.uint64)
        return float(self.trigram(arr[:-2], arr[1:-1], arr[2:]).sum())
