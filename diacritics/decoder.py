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


def _line_triples(ids: list[np.ndarray]) -> tuple[list[np.ndarray], list[tuple[int, int, int]]]:
    """Every (i, j, k) id triple of consecutive positions of a line, in one set of flat arrays."""
    sizes = np.asarray([len(a) for a in ids])
    flat_ids = np.concatenate(ids)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    k0, k1, k2 = sizes[:-2], sizes[1:-1], sizes[2:]
    counts = k0 * k1 * k2
    position = np.repeat(np.arange(len(counts)), counts)
    local = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    inner = (k1 * k2)[position]
    i = local // inner
    j = (local // k2[position]) % k1[position]
    k = local % k2[position]
    columns = [
        flat_ids[offsets[:-2][position] + i],
        flat_ids[offsets[1:-1][position] + j],
        flat_ids[offsets[2:][position] + k],
    ]
    return columns, list(zip(k0.tolist(), k1.tolist(), k2.tolist(), strict=True))


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
    columns, shapes = _line_triples(ids)
    flat = lm.trigram(*columns)
    scores: list[np.ndarray] = []
    offset = 0
    for shape in shapes:
        size = shape[0] * shape[1] * shape[2]
        scores.append(flat[offset : offset + size].reshape(shape))
        offset += size
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
