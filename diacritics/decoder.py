"""Viterbi over a line's candidate lattice: trigram LM plus channel cost, confidence per position.

The state is the pair of the last two candidates, so the trigram model is used exactly. All LM
scores of a line are looked up in one vectorised call before the dynamic programme runs.
"""

from __future__ import annotations

import math

import numpy as np

from diacritics import kernels
from diacritics.lm import TrigramLM

CHANNEL_WEIGHT = 1.0
"""Weight of the channel cost (log10) against the LM log10 probability."""
PRUNE_KEEP = 8
"""Candidates a position keeps for the trigram pass: the best by a local bigram max-marginal.
The triples scored per position fall from up to 24³ to 8³ (decoding the OCR pages ~3× faster);
6 lost 0.04% on seed 000; the same with the full forward-backward max-marginal, which cost a
Python step per position."""
PRUNE_MARGIN = 5.0
"""A pruned position also drops candidates whose max-marginal is this much (log10) below its
best: in OCR garble most words are settled by their neighbours, and 2-3 candidates instead of 8
cut the triples scored (the same output on the seeds, stripped and OCR pages; 3 changed a line)."""
LN10 = math.log(10.0)


def _ragged_arange(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., c - 1 for each count c, concatenated."""
    total = int(counts.sum())
    return np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)


def line_scores(lm: TrigramLM, ids: list[np.ndarray], costs: list[np.ndarray]) -> np.ndarray:
    """log10 P(c_t | c_t-2, c_t-1) less the channel cost of c_t for every candidate triple of the
    line, flattened: each candidate's cost is counted once, in the window where it is newest.

    Window w (positions w, w+1, w+2) comes after all earlier windows, in C order inside.

    Bigram entries (probability and backoff weight) are looked up once per candidate pair; the
    trigram table is searched only for triples whose first pair some stored trigram continues
    (the others back off for certain), and each triple is built from its first pair.
    """
    sizes = np.asarray([len(a) for a in ids])
    n = len(sizes)
    flat_ids = np.concatenate(ids)
    offsets = np.cumsum(sizes) - sizes
    flat_costs = np.concatenate(costs)
    if kernels.COMPILED is not None and flat_costs.dtype == np.float32:  # float32, as NumPy's
        return kernels.line_scores(lm, flat_ids, flat_costs, sizes, offsets)
    # pairs (w, a, b) in C order: each candidate of positions 0..n-2 meets every next one
    row_pos = np.repeat(np.arange(n - 1), sizes[:-1])
    row_flat = np.arange(len(row_pos))  # the candidates of positions 0..n-2 come first in flat_ids
    fan = sizes[row_pos + 1]
    pair_row = np.repeat(np.arange(len(row_pos)), fan)
    pair_b = _ragged_arange(fan)
    pair_pos = row_pos[pair_row]
    w1 = flat_ids[row_flat[pair_row]]
    w2 = flat_ids[offsets[pair_pos + 1] + pair_b]
    pair_p, pair_bow, continued, pair_at = lm.pair(w1, w2)
    pair_offsets = np.cumsum(sizes[:-1] * sizes[1:]) - sizes[:-1] * sizes[1:]
    # triples (w, a, b, c): each pair of windows 0..n-3 meets every candidate c two ahead; the
    # triple's second pair (w+1, b, c) is then a run of consecutive pairs, so whole-line index
    # arithmetic happens per pair and triples only repeat it
    n_first = int(pair_offsets[n - 2]) if n >= 3 else 0
    first_pos = pair_pos[:n_first]
    fan3 = sizes[first_pos + 2]
    starts = np.cumsum(fan3) - fan3
    runs = pair_offsets[first_pos + 1] + pair_b[:n_first] * fan3
    second = np.repeat(runs - starts, fan3) + np.arange(int(fan3.sum()))
    # the newest word's channel cost rides on each pair (b, c), a smaller table than the triples
    newest_cost = flat_costs[offsets[pair_pos + 1] + pair_b]
    scores = np.repeat(pair_bow[:n_first], fan3) + (pair_p - newest_cost)[second]
    stored_pairs = np.flatnonzero(continued[:n_first])
    if len(stored_pairs):
        pick = np.repeat(stored_pairs, fan3[stored_pairs])
        tc = _ragged_arange(fan3[stored_pairs])
        stored = starts[pick] + tc
        w3 = flat_ids[offsets[pair_pos[pick] + 2] + tc]
        cost = newest_cost[second[stored]]
        scores[stored] = (
            lm.trigram_after(pair_at[pick], w1[pick], w2[pick], w3, scores[stored] + cost) - cost
        )
    return scores


def viterbi(
    lm: TrigramLM,
    lattice: list[np.ndarray],
    costs: list[np.ndarray],
    weight: float = CHANNEL_WEIGHT,
) -> tuple[list[int], list[float]]:
    """Best candidate index per position and its confidence (a local posterior, 0–1, 4 decimals)."""
    return viterbi_lines(lm, [lattice], [costs], weight)[0]


def viterbi_lines(
    lm: TrigramLM,
    lattices: list[list[np.ndarray]],
    costs: list[list[np.ndarray]],
    weight: float = CHANNEL_WEIGHT,
) -> list[tuple[list[int], list[float]]]:
    """Decode many lines; their LM scores come from one batch of lookups for all of them.

    The lines are laid end to end, each framed by <s> <s> ... </s>; windows that straddle two
    lines are scored too but never used, which costs less than a batch per line.
    """
    bos = np.asarray([lm.bos], dtype=np.uint64)
    eos = np.asarray([lm.eos], dtype=np.uint64)
    one = np.zeros(1, np.float32)
    ids: list[np.ndarray] = []
    chan: list[np.ndarray] = []
    starts = []
    for lattice, line_costs in zip(lattices, costs, strict=True):
        starts.append(len(ids))
        ids += [bos, bos, *lattice, eos]
        chan += [
            one,
            one,
            *(line_costs if weight == 1.0 else (weight * c for c in line_costs)),
            one,
        ]
    sizes, flat, kept = _pruned_scores(lm, ids, chan)
    window_sizes = sizes[:-2] * sizes[1:-1] * sizes[2:]
    window_offsets = np.concatenate([[0], np.cumsum(window_sizes)[:-1]])
    path = np.zeros(len(sizes), dtype=np.intp)
    ends = [start + len(lattice) + 3 for start, lattice in zip(starts, lattices, strict=True)]
    lengths = np.diff(np.asarray([*starts, len(sizes)]))
    last = np.repeat(np.asarray(ends) - 1, lengths)  # per position: the </s> of its line
    compiled = kernels.COMPILED is not None and flat.dtype == np.float32  # float32 sums, as NumPy
    if compiled:
        path = kernels.best_paths(flat, window_offsets, sizes, np.asarray(starts), np.asarray(ends))
    else:
        for start, end in zip(starts, ends, strict=True):
            line_offsets = window_offsets[start : end - 2]
            base = int(line_offsets[0])
            line_flat = flat[base : int(line_offsets[-1] + window_sizes[end - 3])]
            line_sizes = sizes[start:end]
            path[start:end] = _best_path(line_flat, line_offsets - base, line_sizes)
    word = np.ones(len(sizes), dtype=bool)
    frame = np.asarray(starts)
    word[frame] = word[frame + 1] = word[np.asarray(ends) - 1] = False  # <s> <s> ... </s>
    conf = np.ones(len(sizes))
    conf[word] = confidences(flat, window_offsets, sizes, path, last, word)
    shown = np.round(np.clip(conf, 0.0, 1.0), 4).tolist()
    if isinstance(kept, dict):
        chosen = path.tolist()
        for t, k in kept.items():
            chosen[t] = int(k[chosen[t]])
    else:  # every position's kept candidates laid out flat: their indices before the pruning
        chosen = kept[np.cumsum(sizes) - sizes + path].tolist()
    out = []
    for start, lattice in zip(starts, lattices, strict=True):
        at, to = start + 2, start + 2 + len(lattice)
        out.append((chosen[at:to], shown[at:to]))
    return out


def _pruned_scores(
    lm: TrigramLM, ids: list[np.ndarray], chan: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray] | np.ndarray]:
    """The lattice pruned (``prune``) and scored (``line_scores``): per position its size after
    the pruning, the scores of every window, and what the pruning kept: compiled, one pass,
    per kept candidate laid out flat its index before; else per pruned position its kept
    indices."""
    if kernels.COMPILED is not None:
        flat_costs = np.concatenate(chan)
        if flat_costs.dtype == np.float32:  # the kernels' float32 sums, as NumPy's
            sizes = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
            sizes, kept, flat_ids, flat_costs = kernels.prune_keep(
                lm, np.concatenate(ids), flat_costs, sizes, PRUNE_KEEP, PRUNE_MARGIN
            )
            offsets = np.cumsum(sizes) - sizes
            return sizes, kernels.line_scores(lm, flat_ids, flat_costs, sizes, offsets), kept
    pruned = prune(lm, ids, chan, PRUNE_KEEP)
    for t, k in pruned.items():
        ids[t], chan[t] = ids[t][k], chan[t][k]
    sizes = np.asarray([len(a) for a in ids])
    return sizes, line_scores(lm, ids, chan), pruned


def prune(
    lm: TrigramLM, ids: list[np.ndarray], costs: list[np.ndarray], keep: int
) -> dict[int, np.ndarray]:
    """For each position with more than ``keep`` candidates, the indices of those kept for the
    trigram pass, in their order: the best by a local bigram max-marginal, the candidate's
    best left neighbour (with its channel cost) and best right neighbour, ties to the earlier
    candidate, none ``PRUNE_MARGIN`` below the best. All positions at once, in a few NumPy
    calls."""
    sz = np.asarray([len(a) for a in ids])
    big = np.flatnonzero(sz > keep)  # never the first or last position: <s> and </s>
    if not len(big):
        return {}
    offsets = np.cumsum(sz) - sz
    flat_ids = np.concatenate(ids)
    all_costs = np.concatenate(costs).astype(np.float64)
    # every pair of neighbouring positions next to a big one is looked up once, as a block of
    # (a at p, b at p + 1) in C order: it serves the right side of p and the left side of p + 1
    near_big = np.zeros(len(sz), dtype=bool)  # a mask, not union1d's sort
    near_big[big - 1] = True
    near_big[big] = True
    blocks = np.flatnonzero(near_big)
    cands = np.repeat(big, sz[big])
    b_local = _ragged_arange(sz[big])
    b_index = offsets[cands] + b_local
    if kernels.COMPILED is not None:
        right_at, left_at = kernels.pair_maxima(lm.arrays, flat_ids, all_costs, sz, offsets, blocks)
        marginal = left_at[b_index] + right_at[b_index] - all_costs[b_index]
    else:
        marginal = _marginals_numpy(lm, flat_ids, all_costs, sz, offsets, blocks, big, b_local)
    return _choose(marginal, big, sz, cands, b_local, keep)


def _marginals_numpy(
    lm: TrigramLM,
    flat_ids: np.ndarray,
    all_costs: np.ndarray,
    sz: np.ndarray,
    offsets: np.ndarray,
    blocks: np.ndarray,
    big: np.ndarray,
    b_local: np.ndarray,
) -> np.ndarray:
    """The pruning's max-marginal of every candidate at a big position, in NumPy: the blocks'
    pairs laid out flat (C order), looked up in one batch, maxima by ``reduceat``."""
    cands = np.repeat(big, sz[big])
    b_index = offsets[cands] + b_local
    rows = np.repeat(blocks, sz[blocks])  # a block's rows: its candidates a at p
    row_a = np.repeat(offsets[blocks], sz[blocks]) + _ragged_arange(sz[blocks])
    fan = sz[rows + 1]
    pair_a = np.repeat(row_a, fan)
    pair_b = np.repeat(offsets[rows + 1], fan) + _ragged_arange(fan)
    logp = lm.bigram_logp(flat_ids[pair_a], flat_ids[pair_b])
    block_start = np.zeros(len(sz), dtype=np.intp)
    block_start[blocks] = np.cumsum(sz[blocks] * sz[blocks + 1]) - sz[blocks] * sz[blocks + 1]
    # right of b at t: its row of block t, each c with its channel cost
    row_start = np.cumsum(fan) - fan
    row_of = np.zeros(len(sz), dtype=np.intp)
    row_of[blocks] = np.cumsum(sz[blocks]) - sz[blocks]
    right_rows = np.maximum.reduceat(logp - all_costs[pair_b], row_start)
    right = right_rows[row_of[cands] + b_local]
    # left of b at t: its column of block t - 1, each a with its channel cost
    n_left = sz[cands - 1]
    a_local = _ragged_arange(n_left)
    column = np.repeat(block_start[cands - 1] + b_local, n_left) + a_local * np.repeat(
        sz[cands], n_left
    )
    left_values = logp[column] - all_costs[pair_a[column]]
    return np.maximum.reduceat(left_values, np.cumsum(n_left) - n_left) + right - all_costs[b_index]


def _choose(
    marginal: np.ndarray,
    big: np.ndarray,
    sz: np.ndarray,
    cands: np.ndarray,
    b_local: np.ndarray,
    keep: int,
) -> dict[int, np.ndarray]:
    """Per big position, the indices of the candidates kept, from their max-marginals."""
    seg = np.cumsum(sz[big]) - sz[big]
    top = np.repeat(np.maximum.reduceat(marginal, seg), sz[big])
    close = marginal >= top - PRUNE_MARGIN
    n_close = np.add.reduceat(close, seg)
    counts = np.minimum(n_close, keep)
    # the best of each position (ties to the earlier candidate), all positions in one sort of
    # the close ones only: the kept are among them (they rank before every other)
    close_at = np.flatnonzero(close)
    order = close_at[np.lexsort((b_local[close_at], -marginal[close_at], cands[close_at]))]
    position = np.repeat(np.arange(len(big)), n_close)
    rank = np.arange(len(order)) - np.repeat(np.cumsum(n_close) - n_close, n_close)
    chosen = np.sort(order[rank < counts[position]])
    kept, ends = b_local[chosen], np.cumsum(counts).tolist()
    # slices, not np.split (a wrapper and a swapaxes per position: 10% of the pass)
    spans = zip(big.tolist(), counts.tolist(), ends, strict=True)
    return {p: kept[e - n : e] for p, n, e in spans}


def _best_path(flat: np.ndarray, window_offsets: np.ndarray, sizes: np.ndarray) -> list[int]:
    """Viterbi over one line's scored windows: the best candidate per position, frame included.

    A line costs a few NumPy calls per position, so the loop does only what must be sequential.
    """
    dims = sizes.tolist()
    # delta[j, k]: best score of a path ending with candidates j, k at positions t-1, t. Each
    # window's sums are kept and the best j is looked up only along the chosen path at the end:
    # one reduction per position instead of a max and an argmax.
    delta = np.zeros((1, 1), dtype=flat.dtype)  # float32: no conversion at each step
    totals: list[np.ndarray | None] = []
    add, most = np.add, np.maximum.reduce  # the ufuncs themselves: no wrapper per call
    offsets = window_offsets.tolist()
    for n, offset in enumerate(offsets):
        a, b, c = dims[n], dims[n + 1], dims[n + 2]
        s = flat[offset : offset + a * b * c].reshape(a, b, c)
        if a == 1:  # one candidate two back (<s>, a number, a fixed word): nothing to choose
            totals.append(None)
            delta = add(delta[0][:, None], s[0])
        else:
            total = add(delta[:, :, None], s)
            totals.append(total)
            delta = most(total, 0)
    path = [0] * len(dims)
    j, k = divmod(int(delta.argmax()), dims[-1])
    path[-2], path[-1] = j, k
    for t in range(len(dims) - 1, 1, -1):
        total = totals[t - 2]
        path[t - 2] = 0 if total is None else int(total[:, path[t - 1], path[t]].argmax())
    return path


def confidences(
    flat: np.ndarray,
    window_offsets: np.ndarray,
    sizes: np.ndarray,
    path: np.ndarray,
    last: np.ndarray,
    word: np.ndarray,
) -> np.ndarray:
    """Posterior of the chosen candidate at each position, its neighbours fixed on the best path.

    Lines lie end to end; ``last[t]`` is the position of the </s> closing t's line. Every
    candidate k at a word position t is scored by the (up to) three trigrams of its line that
    contain it (the first carries k's channel cost, the others their newest word's, the same for
    every k); a softmax per position (all at once) gives the chosen one's share; ``word`` marks
    the positions scored (not <s> or </s>), in the order returned.
    """
    ts = np.flatnonzero(word)
    ks = sizes[ts]
    starts = np.cumsum(ks) - ks
    p = np.asarray(path)
    if kernels.COMPILED is not None and flat.dtype == np.float32:
        local = kernels.confidence_terms(flat, window_offsets, sizes, p, last, ts)
    else:
        local = _confidence_terms(flat, window_offsets, sizes, p, last, ts, ks, starts)
    top = np.maximum.reduceat(local, starts)
    z = np.exp((local - np.repeat(top, ks)) * LN10)
    total = np.add.reduceat(z, starts)
    return z[starts + p[ts]] / total


def _confidence_terms(
    flat: np.ndarray,
    window_offsets: np.ndarray,
    sizes: np.ndarray,
    p: np.ndarray,
    last: np.ndarray,
    ts: np.ndarray,
    ks: np.ndarray,
    starts: np.ndarray,
) -> np.ndarray:
    """``kernels.confidence_terms`` in NumPy: per candidate of each word position, the sum of
    the windows that hold it with its path neighbours."""
    rep = np.repeat(ts, ks)
    k = np.arange(int(ks.sum())) - np.repeat(starts, ks)
    s = sizes
    term = flat[
        window_offsets[rep - 2] + p[rep - 2] * s[rep - 1] * s[rep] + p[rep - 1] * s[rep] + k
    ]
    term = (
        term + flat[window_offsets[rep - 1] + (p[rep - 1] * s[rep] + k) * s[rep + 1] + p[rep + 1]]
    )
    end = last[rep]
    has_next2 = rep + 2 <= end
    r = np.minimum(rep, end - 2)
    nxt = np.minimum(rep + 2, end)
    index = window_offsets[r] + (k * s[r + 1] + p[r + 1]) * s[nxt] + p[nxt]
    third = flat[np.where(has_next2, index, 0)]
    return term + np.where(has_next2, third, 0.0)
