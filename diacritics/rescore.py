"""A second look at the positions the decoder was unsure of, with the document's own words.

A document keeps to its subject: the words it uses where the decoder was sure ("nuôi tằm", "công
tơ", "hằng năm") are the likeliest readings of the same keys where it was not ("giống tằm", not
"giống tâm"). After the trigram Viterbi, the positions with confidence below ``UNSURE`` get a bonus
per candidate for how much more often the document's sure positions use the word than the model
expects (a unigram cache, as in cache language models, Kuhn and De Mori 1990, in the ratio form of
unigram adaptation). Where some candidate's bonus beats the decoded one's, the decoded candidate
and those the document favours more are scored with the neighbours as decoded: the three trigrams
that contain it, less its channel cost, plus the bonus. A position changes when another candidate
scores higher and no position within two words gains more (their trigrams overlap).

Not in OCR garble: on the seeds (real legacy OCR) it changed ten lines, as many for the worse
("dẫn đầu" → "dân đầu", "VPUB" → "VỤ") as for the better; there the channel, not the subject,
decides.

On the development split (``bench/restore/dev.py``; 69 documents, 82,658 syllables, stripped,
the model trained without them) 714 → 635 errors, the pass ~4% of the CPU time (0.05–0.06 s of
~1.4; scoring every candidate of the unsure positions instead: the same text, ~0.065 s). Measured
and not kept: a 4-gram layer (the legal corpus's 4-grams seen twice or more over the trigram model,
8 MB; those seen once: worse) scoring these positions: 714 → 695 alone, 4 errors fewer than the
cache alone beside it; a cache of the sure word pairs beside the words: 6 fewer; a second round
after the changes: 2 more.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import chain
from operator import getitem

import numpy as np

from diacritics.lm import TrigramLM

UNSURE = 0.8
"""Confidence under which a position is looked at again; the others are the document's sure
words. Development split: 0.6: 648 errors, 0.7: 641, 0.8: 641, 0.9: 647, 0.95: 654, 0.98: 653;
the sure words counted from another threshold than the unsure (0.5, 0.95, 0.99 with 0.8):
654–657."""
CACHE_WEIGHT = 0.5
"""log10 bonus per log10 of (1 + sure uses / expected uses): development split 0.35: 660 errors,
0.5: 654, 0.65: 657, 0.8: 660 (with ``UNSURE`` 0.95)."""

MIN_WORDS = 100
"""Sure words a document needs before its words count: a sentence or a program message has no
subject to learn ("cá" of "canh chua cá lóc" read "ca" after one sure "ca nhà"; needing two
sure uses of a word instead cost the development split 635 -> 642 errors)."""

Decoded = list[tuple[list[int], list[float]]]


def rescore(
    lm: TrigramLM, runs: list[tuple[list[np.ndarray], list[np.ndarray]]], decoded: Decoded
) -> Decoded:
    """``decoded`` (best candidate index and confidence per position of each run of (lattice,
    costs) of one document) after the second look; a changed position's confidence is its
    share of the local scores among the candidates scored, at most ``UNSURE``."""
    lattice = list(chain.from_iterable(run for run, _ in runs))
    if len(lattice) < MIN_WORDS:
        return decoded
    best = np.fromiter(chain.from_iterable(b for b, _ in decoded), np.intp, len(lattice))
    conf = np.fromiter(chain.from_iterable(c for _, c in decoded), np.float64, len(lattice))
    unsure = np.flatnonzero(conf < UNSURE)  # one candidate is sure: its share is 1
    if not len(unsure) or len(lattice) - len(unsure) < MIN_WORDS:
        return decoded
    chosen = np.fromiter(map(getitem, lattice, best.tolist()), np.uint64, len(lattice))
    sure = np.ones(len(lattice), dtype=bool)
    sure[unsure] = False
    # every candidate of the unsure positions, flat
    cands = [lattice[t] for t in unsure.tolist()]
    n_cands = np.fromiter(map(len, cands), np.intp, len(cands))
    seg = np.cumsum(n_cands) - n_cands
    ids = np.concatenate(cands).astype(np.uint64)
    bonus = _cache_bonus(lm, chosen[sure], ids)
    # looked at only where the document's words argue for another candidate than the decoded
    argued = np.maximum.reduceat(bonus, seg) > bonus[seg + best[unsure]]
    if not argued.any():
        return decoded
    # of those, the decoded candidate and the ones the document favours more
    slot = np.arange(len(ids)) - np.repeat(seg, n_cands)  # index in its position's list
    decoded_bonus = np.repeat(bonus[seg + best[unsure]], n_cands)
    keep = np.repeat(argued, n_cands) & (bonus >= decoded_bonus)
    owner = np.repeat(np.arange(len(unsure)), n_cands)[keep]
    unsure, ids, bonus, slot = unsure[argued], ids[keep], bonus[keep], slot[keep]
    n_cands = np.bincount(owner, minlength=len(argued))[argued]
    seg = np.cumsum(n_cands) - n_cands
    owner = np.repeat(np.arange(len(unsure)), n_cands)
    costs = list(chain.from_iterable(run_costs for _, run_costs in runs))
    cand_costs = np.fromiter(
        map(getitem, (costs[t] for t in unsure[owner].tolist()), slot.tolist()),
        np.float64,
        len(ids),
    )
    lengths = np.asarray([len(run) for run, _ in runs])
    path, seat, end = _laid_out(lm, lengths, chosen)
    at = seat[unsure]
    local = _trigrams_around(lm, path, at[owner], end[unsure][owner], ids) - cand_costs + bonus
    top = np.maximum.reduceat(local, seg)
    is_decoded = slot == best[unsure][owner]
    gain = top - local[is_decoded]
    changing = _non_overlapping(at, gain)
    return _changed(decoded, lengths, unsure, changing, local, seg, n_cands, top, slot)


def _laid_out(
    lm: TrigramLM, n: np.ndarray, chosen: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The runs' decoded words laid end to end (``n`` words a run), each run as <s> <s> words
    </s>; each word's place in it and the place of its run's </s>."""
    run_of = np.repeat(np.arange(len(n)), n)
    frame_start = np.cumsum(n + 3) - (n + 3)
    closing = frame_start + 2 + n
    seat = frame_start[run_of] + 2 + np.arange(len(chosen)) - (np.cumsum(n) - n)[run_of]
    path = np.full(int((n + 3).sum()), lm.bos, dtype=np.uint64)
    path[closing] = lm.eos
    path[seat] = chosen
    return path, seat, closing[run_of]


def _trigrams_around(
    lm: TrigramLM, path: np.ndarray, at: np.ndarray, end: np.ndarray, ids: np.ndarray
) -> np.ndarray:
    """Sum of log10 P of the trigrams ending at at, at+1, at+2 (not past the run's </s>), each
    candidate id in place of the word at ``at``."""
    total = np.zeros(len(ids))
    for offset in range(3):
        j = at + offset
        valid = np.flatnonzero(j <= end)
        jv, av, cv = j[valid], at[valid], ids[valid]
        words = [np.where(jv - back == av, cv, path[jv - back]) for back in (2, 1, 0)]
        total[valid] += lm.trigram(*words)
    return total


def _cache_bonus(lm: TrigramLM, sure: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """log10 bonus of each candidate id for how much more often the document's sure positions
    use it than the model's unigram expects."""
    counts = np.bincount(sure.astype(np.intp), minlength=len(lm.words))
    counts[_uncounted(lm)] = 0
    n = max(int(counts.sum()), 1)
    cand = ids.astype(np.intp)
    expected = n * 10.0 ** lm.uni_logp[cand].astype(np.float64)
    return CACHE_WEIGHT * np.log10(1.0 + counts[cand] / expected)


@lru_cache(maxsize=4)
def _uncounted(lm: TrigramLM) -> np.ndarray:
    """Ids whose use says nothing of the document's subject: the model's classes and words of
    one letter (list items and points "d)", "điểm đ": a document's "đ)" made its "d)" "đ)")."""
    letters = [i for i, w in enumerate(lm.words) if len(w) == 1]
    return np.asarray([lm.bos, lm.eos, lm.unk, lm.num, lm.abbr, *letters], dtype=np.intp)


def _non_overlapping(at: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """Indices of the positions that gain and gain most within two positions either side
    (ties to the earlier): changing them together leaves no trigram scored with a stale word."""
    gaining = np.flatnonzero(gain > 0)
    if not len(gaining):
        return gaining
    pos, g = at[gaining], gain[gaining]
    keep = np.ones(len(gaining), dtype=bool)
    for shift in (1, 2):  # neighbours among the gaining, in position order
        near = pos[shift:] - pos[:-shift] <= 2
        keep[shift:][near & (g[:-shift] >= g[shift:])] = False
        keep[:-shift][near & (g[:-shift] < g[shift:])] = False
    return gaining[keep]


def _changed(
    decoded: Decoded,
    lengths: np.ndarray,
    unsure: np.ndarray,
    changing: np.ndarray,
    local: np.ndarray,
    seg: np.ndarray,
    n_cands: np.ndarray,
    top: np.ndarray,
    slot: np.ndarray,
) -> Decoded:
    """``decoded`` with the changing positions set to their best candidate."""
    if not len(changing):
        return decoded
    out = [(list(b), list(c)) for b, c in decoded]
    run_start = np.cumsum(lengths) - lengths
    for n in changing.tolist():
        scores = local[seg[n] : seg[n] + n_cands[n]]
        k = int(np.flatnonzero(scores == top[n])[0])  # the first best: ties to the earlier
        share = np.exp((scores - top[n]) * np.log(10.0))
        t = int(unsure[n])
        r = int(np.searchsorted(run_start, t, side="right") - 1)
        out[r][0][t - run_start[r]] = int(slot[seg[n] + k])
        # its share among the candidates scored, no more than the unsure decoder gave: the
        # subject's words decided, not the model
        confidence = min(float(share[k] / share.sum()), UNSURE)
        out[r][1][t - run_start[r]] = round(confidence, 4)
    return out
