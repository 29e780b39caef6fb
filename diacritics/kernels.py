"""Vectorised inner loops of the restorer: the channel's edit distance over a batch of pairs.

Printed tokens of one length are scored against all their candidates at once: the dynamic
programme runs over the intended letters and the printed characters (a handful each) with NumPy
operations across every (token, candidate) pair, so the per-pair cost is a few nanoseconds
instead of the ~14 µs of a Python loop, and a document's new tokens cost one batch per length
rather than one per token. The additions and minima are those of ``Channel.distance``, in the
same order: same floats. (A numba version was measured: 0.65 CPU s to start in each process,
more than it saves on a document set of this size.)
"""

from __future__ import annotations

import numpy as np


def batch_distance(
    chars: np.ndarray,
    lengths: np.ndarray,
    owner: np.ndarray,
    single: np.ndarray,
    pair: np.ndarray,
    vanish: np.ndarray,
    inserts: np.ndarray,
) -> np.ndarray:
    """Weighted edit distance of printed tokens of one length m to candidates, pair by pair.

    Pair p is candidate ``chars[p, :lengths[p]]`` (letters as alphabet indices) against printed
    token ``owner[p]``. Per token k: ``single[k, j, x]``, ``pair[k, j, x]``: cost of intended
    letter x printed as the token's character j, or as its characters j, j+1; ``inserts[k, j]``:
    character j printed with nothing intended; ``vanish[x]``: x printed as nothing.
    """
    n_pairs = chars.shape[0]
    m = inserts.shape[1]
    ins = inserts[owner].T  # (m, pairs): contiguous per printed position
    # row[j, p]: cheapest way the candidate's first i letters became the token's first j chars;
    # laid out by j, so each step along the token is one contiguous vector over the pairs
    row = np.empty((m + 1, n_pairs))
    row[0] = 0.0
    for j in range(m):  # sequential sums, as the reference adds them
        row[j + 1] = row[j] + ins[j]
    longest = int(lengths.max(initial=0))
    shortest = int(lengths.min(initial=0))
    for i in range(longest):
        x = chars[:, i]
        # every way to reach (i + 1, j) but from (i + 1, j - 1): vanishing, substitution, pair
        other = row + vanish[x]
        np.minimum(other[1:], row[:-1] + single[owner, :, x].T, out=other[1:])
        if m >= 2:
            np.minimum(other[2:], row[:-2] + pair[owner, : m - 1, x].T, out=other[2:])
        # then the printed characters inserted with nothing intended, left to right
        for j in range(1, m + 1):
            np.minimum(other[j], other[j - 1] + ins[j - 1], out=other[j])
        row = other if i < shortest else np.where(lengths > i, other, row)
    return row[m].copy()
