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


def _triples(
    prev2: np.ndarray, prev1: np.ndarray, cur: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (i, j, k) id combinations of three positions, flattened in C order."""
    a, b, c = np.meshgrid(prev2, prev1, cur, indexing="ij")
    return a.ravel(), b.ravel(), c.ravel()


def viterbi(
    lm: TrigramLM, lattice: list[np.ndarray], costs: list[np.ndarray], weight: float = CHANNEL_WEIGHT
) -> tuple[list[int], list[float]]:
    """Best candidate index per position and its confidence (a local posterior, 0–1)."""
    bos = np.asarray([lm.bos], dtype=np.uint64)
    eos = np.asarray([lm.eos], dtype=np.uint64)
    ids = [bos, bos, *lattice, eos]
    chan = [np.zeros(1, np.float32)] * 2 + [weight * c for c in costs] + [np.zeros(1, np.float32)]
    shapes = [(len(ids[t - 2]), len(ids[t - 1]), len(ids[t])) for t in range(2, len(ids))]
    parts = [_triples(ids[t - 2], ids[t - 1], ids[t]) for t in range(2, len(ids))]
    flat = lm.trigram(*(np.concatenate([p[n] for p in parts]) for n in range(3)))
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
