"""Viterbi over a line's candidate lattice: trigram LM plus channel cost, confidence per position.

The state is the pair of the last two candidates, so the trigram model is used exactly. All LM
scores of a line are looked up in one vectorised call before the dynamic programme runs.
"""

from __future__ import annotations

import math

import numpy as np

from diacritics.lm import TrigramLM

CHANNEL_WEIGHT = 1.0
"""Weight of the channel cost (log10) against the LM log10 probability."""
LN10 = math.log(10.0)


def _flat_products(sizes: np.ndarray, order: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """For each window of ``order`` consecutive positions, every combination of their candidates.

    Returns the window index of each combination and, per position in the window, the candidate
    index, all flattened in C order (last position fastest).
    """
    windows = [sizes[n : len(sizes) - order + 1 + n] for n in range(order)]
    counts = np.prod(windows, axis=0)
    window = np.repeat(np.arange(len(counts)), counts)
    local = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    picks = []
    stride = np.ones_like(counts)
    for n in range(order - 1, -1, -1):
        picks.append((local // stride[window]) % windows[n][window])
        stride = stride * windows[n]
    return window, picks[::-1]


def line_scores(lm: TrigramLM, ids: list[np.ndarray]) -> list[np.ndarray]:
    """log10 P(c_t | c_t-2, c_t-1) for every candidate triple, one (K, K, K) array per position.

    Bigram entries (probability and backoff weight) are looked up once per candidate pair and
    trigram entries once per triple: two binary searches for the whole line.
    """
    sizes = np.asarray([len(a) for a in ids])
    flat_ids = np.concatenate(ids)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pw, (pa, pb) = _flat_products(sizes, 2)
    w1 = flat_ids[offsets[pw] + pa]
    w2 = flat_ids[offsets[pw + 1] + pb]
    pair_p, pair_bow = lm.pair(w1, w2)
    pair_offsets = np.concatenate([[0], np.cumsum(sizes[:-1] * sizes[1:])[:-1]])
    tw, (ta, tb, tc) = _flat_products(sizes, 3)
    first = pair_offsets[tw] + ta * sizes[tw + 1] + tb
    second = pair_offsets[tw + 1] + tb * sizes[tw + 2] + tc
    w3 = flat_ids[offsets[tw + 2] + tc]
    flat = lm.trigram_or(w1[first], w2[first], w3, pair_bow[first] + pair_p[second])
    out, start = [], 0
    for n in range(len(ids) - 2):
        shape = (int(sizes[n]), int(sizes[n + 1]), int(sizes[n + 2]))
        size = shape[0] * shape[1] * shape[2]
        out.append(flat[start : start + size].reshape(shape))
        start += size
    return out


def viterbi(
    lm: TrigramLM,
    lattice: list[np.ndarray],
    costs: list[np.ndarray],
    weight: float = CHANNEL_WEIGHT,
) -> tuple[list[int], list[float]]:
    """Best candidate index per position and its confidence (a local posterior, 0–1)."""
    bos = np.asarray([lm.bos], dtype=np.uint64)
    eos = np.asarray([lm.eos], dtype=np.uint64)
    ids = [bos, bos, *lattice, eos]
    chan = [np.zeros(1, np.float32)] * 2 + [weight * c for c in costs] + [np.zeros(1, np.float32)]
    scores = line_scores(lm, ids)
    # delta[j, k]: best score of a path ending with candidates j, k at positions t-1, t.
    delta = np.zeros((1, 1), dtype=np.float64)
    back: list[np.ndarray] = []
    for n, s in enumerate(scores):
        total = delta[:, :, None] + s - chan[n + 2][None, None, :]
        back.append(np.argmax(total, axis=0))
        delta = np.max(total, axis=0)
    path = [0] * len(ids)
    j, k = np.unravel_index(int(np.argmax(delta)), delta.shape)
    path[-2], path[-1] = int(j), int(k)
    for t in range(len(ids) - 1, 1, -1):
        path[t - 2] = int(back[t - 2][path[t - 1], path[t]])
    best = path[2:-1]
    return best, _confidences(scores, chan, path)[2:-1]


def _confidences(scores: list[np.ndarray], chan: list[np.ndarray], path: list[int]) -> list[float]:
    """Posterior of the chosen candidate at each position with its neighbours fixed on the path."""
    out = []
    last = len(path) - 1
    for t in range(len(path)):
        if t < 2 or t == last or len(chan[t]) == 1:
            out.append(1.0)
            continue
        local = scores[t - 2][path[t - 2], path[t - 1], :] - chan[t]
        if t + 1 <= last:
            local = local + scores[t - 1][path[t - 1], :, path[t + 1]]
        if t + 2 <= last:
            local = local + scores[t][:, path[t + 1], path[t + 2]]
        z = (local - local.max()) * LN10
        prob = np.exp(z)
        out.append(float(prob[path[t]] / prob.sum()))
    return out
