"""Vectorised inner loops of the restorer: the channel's edit distance over a batch of pairs.

Printed tokens of one length are scored against all their candidates at once: the dynamic
programme runs over the intended letters and the printed characters (a handful each) with NumPy
operations across every (token, candidate) pair, so the per-pair cost is a few nanoseconds
instead of the ~14 µs of a Python loop, and a document's new tokens cost one batch per length
rather than one per token. The additions and minima are those of ``Channel.distance``, in the
same order: same floats. (A numba version was measured: 0.65 CPU s to start in each process,
more than it saves on a document set of this size.)

Where the C twins of ``_kernels.c`` were built (``pip install -e .``, or ``python setup.py
build_ext --inplace``), they run instead, through ctypes: the same operations in the same
order, compiled without fused multiply-add, so the same floats (``tests/diacritics/
test_kernels.py`` compares both on real text). ``KEHOACH_NUMPY_KERNELS=1`` keeps the NumPy ones.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
from typing import Any

import numpy as np

MAX_PRINTED_C = 64
"""Longest printed token the compiled distance takes (its rows live on the stack)."""
ABI = 2
"""``kernels_abi()`` of the ``_kernels.c`` these declarations fit: a library built from an
older source (a checkout updated without ``python setup.py build_ext --inplace``) is not
called with arguments it does not take; the NumPy twins run instead."""


class _Model(ctypes.Structure):
    """``model_t`` of ``_kernels.c``: the language model's arrays ``line_scores`` reads."""

    _fields_ = [  # noqa: RUF012 (ctypes' own declaration)
        ("vocab", ctypes.c_uint64),
        *((name, ctypes.c_void_p) for name in ("bitmap", "rank", "bi_logp", "bi_bow")),
        *((name, ctypes.c_void_p) for name in ("bi_continued", "uni_bow", "uni_logp", "tri_lo")),
        *((name, ctypes.c_void_p) for name in ("tri_hi", "tri_w3", "tri_logp", "tri_keys")),
        ("n_tri", ctypes.c_int64),
        ("orphans", ctypes.c_void_p),
        ("n_orphans", ctypes.c_int64),
        ("bigrams", ctypes.c_void_p),
        ("bi_row", ctypes.c_void_p),
        ("bi_w2", ctypes.c_void_p),
    ]


def _load_compiled() -> ctypes.CDLL | None:
    """The compiled kernels, None where they were not built (or are switched off)."""
    if os.environ.get("KEHOACH_NUMPY_KERNELS"):
        return None
    try:
        spec = importlib.util.find_spec("diacritics._kernels")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith((".so", ".pyd")):
        return None
    try:
        lib = ctypes.CDLL(spec.origin)
    except OSError:
        return None
    if not hasattr(lib, "kernels_abi"):
        return None  # built before the version was recorded: an older source
    lib.kernels_abi.argtypes, lib.kernels_abi.restype = [], ctypes.c_int64
    if lib.kernels_abi() != ABI:
        return None
    pointer = ctypes.c_void_p
    i64 = ctypes.c_int64
    lib.batch_distance.argtypes = [pointer, i64, pointer, pointer, pointer, i64, pointer, pointer]
    lib.batch_distance.argtypes += [i64, i64, pointer, pointer, pointer]
    lib.batch_distance.restype = None
    lib.pair_maxima.argtypes = [pointer, pointer, pointer, pointer, pointer, i64, ctypes.c_uint64]
    lib.pair_maxima.argtypes += [pointer] * 7
    lib.pair_maxima.restype = None
    lib.best_paths.argtypes = [pointer, pointer, pointer, pointer, pointer, i64] + [pointer] * 3
    lib.best_paths.restype = None
    lib.line_scores.argtypes = [ctypes.POINTER(_Model)] + [pointer] * 4 + [i64] + [pointer] * 6
    lib.line_scores.restype = None
    lib.prune_keep.argtypes = [ctypes.POINTER(_Model)] + [pointer] * 4 + [i64, i64]
    lib.prune_keep.argtypes += [ctypes.c_double] + [pointer] * 10
    lib.prune_keep.restype = None
    lib.confidence_terms.argtypes = [pointer] * 6 + [i64, pointer]
    lib.confidence_terms.restype = None
    lib.nearest_many.argtypes = [pointer, i64, i64, pointer, i64, pointer, pointer]
    lib.nearest_many.restype = None
    return lib


COMPILED = _load_compiled()


def _ptr(
    array: np.ndarray,
    _view: Any = ctypes.c_char.from_buffer,
    _address: Any = ctypes.addressof,
) -> int:
    """The address of a contiguous array's data: through the buffer protocol (~0.5 µs; a
    decoding batch passes ~40 arrays), or ``array.ctypes`` where that takes no view (an empty
    or a read-only array)."""
    try:
        return _address(_view(array))
    except (TypeError, ValueError):
        return array.ctypes.data


def batch_distance(
    chars: np.ndarray,
    lengths: np.ndarray,
    owner: np.ndarray,
    single: np.ndarray,
    pair: np.ndarray,
    vanish: np.ndarray,
    inserts: np.ndarray,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """``batch_distance_numpy``, compiled where it was built. ``rows``: pair p's candidate is
    row ``rows[p]`` of ``chars`` and ``lengths`` (a vocabulary's tables, read in place: no
    gathered copy of the letters; a length below 0 counts as 0); None: row p."""
    m = inserts.shape[1]
    if COMPILED is None or m > MAX_PRINTED_C:
        if rows is not None:
            chars, lengths = chars[rows], np.maximum(lengths[rows], 0)
        return batch_distance_numpy(chars, lengths, owner, single, pair, vanish, inserts)
    chars = np.ascontiguousarray(chars, dtype=np.int16)
    lengths = np.ascontiguousarray(lengths, dtype=np.int64)
    owner = np.ascontiguousarray(owner, dtype=np.int64)
    single = np.ascontiguousarray(single, dtype=np.float64)
    pair = np.ascontiguousarray(pair, dtype=np.float64)
    vanish = np.ascontiguousarray(vanish, dtype=np.float64)
    inserts = np.ascontiguousarray(inserts, dtype=np.float64)
    if rows is not None:
        rows = np.ascontiguousarray(rows, dtype=np.int64)
    n_pairs = len(chars) if rows is None else len(rows)
    rows_at = None if rows is None else _ptr(rows)
    out = np.empty(n_pairs, dtype=np.float64)
    COMPILED.batch_distance(
        _ptr(chars), chars.shape[1], _ptr(lengths), rows_at, _ptr(owner), n_pairs,
        _ptr(single), _ptr(pair), m, single.shape[2], _ptr(vanish), _ptr(inserts), _ptr(out),
    )  # fmt: skip
    return out


def pair_maxima(
    tables: Any,
    ids: np.ndarray,
    costs: np.ndarray,
    sizes: np.ndarray,
    offsets: np.ndarray,
    blocks: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Compiled only (``COMPILED`` must be set): per flat candidate, the best right neighbour
    (max over the next position's b of log10 P(b | a) less b's cost) and the best left one (max
    over the previous position's a of log10 P(b | a) less a's cost), for the blocks (p, p + 1)
    listed; -inf elsewhere. ``tables``: the model's ``LMArrays`` (``TrigramLM.arrays``), of
    which the bigram bitmap, its ranks, bigram log10 p, unigram backoff and log10 p are read."""
    assert COMPILED is not None
    t = tables
    bitmap, rank, bi_logp, uni_bow, uni_logp = t.bitmap, t.rank, t.bi_logp, t.uni_bow, t.uni_logp
    vocab = t.vocab
    ids = np.ascontiguousarray(ids, dtype=np.uint64)
    costs = np.ascontiguousarray(costs, dtype=np.float64)
    sizes = np.ascontiguousarray(sizes, dtype=np.int64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    blocks = np.ascontiguousarray(blocks, dtype=np.int64)
    right = np.full(len(ids), -np.inf)
    left = np.full(len(ids), -np.inf)
    COMPILED.pair_maxima(
        _ptr(ids), _ptr(costs), _ptr(sizes), _ptr(offsets), _ptr(blocks), len(blocks), vocab,
        _ptr(bitmap), _ptr(rank), _ptr(bi_logp), _ptr(uni_bow), _ptr(uni_logp), _ptr(right),
        _ptr(left),
    )  # fmt: skip
    return right, left


def best_paths(
    flat: np.ndarray,
    window_offsets: np.ndarray,
    sizes: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> np.ndarray:
    """Compiled only (``COMPILED`` must be set): ``decoder._best_path`` of every line (positions
    ``starts[l]`` .. ``ends[l]`` − 1 of the batch, window n starting at ``window_offsets[n]``
    of the float32 scores ``flat``), the best candidate per position."""
    assert COMPILED is not None
    flat = np.ascontiguousarray(flat, dtype=np.float32)
    window_offsets = np.ascontiguousarray(window_offsets, dtype=np.int64)
    sizes = np.ascontiguousarray(sizes, dtype=np.int64)
    starts = np.ascontiguousarray(starts, dtype=np.int64)
    ends = np.ascontiguousarray(ends, dtype=np.int64)
    work = np.empty(max(len(flat), 1), dtype=np.float32)
    work_at = np.zeros(len(sizes), dtype=np.int64)
    path = np.zeros(len(sizes), dtype=np.int64)
    COMPILED.best_paths(
        _ptr(flat), _ptr(window_offsets), _ptr(sizes), _ptr(starts), _ptr(ends), len(starts),
        _ptr(work), _ptr(work_at), _ptr(path),
    )  # fmt: skip
    return path


_MODELS: dict[int, tuple[object, _Model, list[np.ndarray]]] = {}


def _model(lm: Any) -> _Model:
    """The ``model_t`` of a TrigramLM's tables (``lm.arrays``, an ``LMArrays``: checked for the C
    types, kept alive with it)."""
    tables = lm.arrays
    found = _MODELS.get(id(tables))
    if found is not None and found[0] is tables:
        return found[1]
    arrays = {
        "bitmap": (tables.bitmap, np.uint64),
        "rank": (tables.rank, np.int64),
        "bi_logp": (tables.bi_logp, np.float32),
        "bi_bow": (tables.bi_bow, np.float32),
        "bi_continued": (tables.bi_continued.view(np.uint8), np.uint8),
        "uni_bow": (tables.uni_bow, np.float32),
        "uni_logp": (tables.uni_logp, np.float32),
        "tri_lo": (tables.tri_lo, np.int64),
        "tri_hi": (tables.tri_hi, np.int64),
        "tri_w3": (tables.tri_w3, np.uint16),
        "tri_logp": (tables.tri_logp, np.float32),
        "tri_keys": (tables.tri_keys, np.uint64),
        "orphans": (np.asarray(tables.orphan_contexts, dtype=np.uint64), np.uint64),
    }
    kept = {k: np.ascontiguousarray(a, dtype=t) for k, (a, t) in arrays.items()}
    kept["bigrams"] = _bigram_records(tables)
    first = tables.bi_keys >> np.uint64(16)  # each stored bigram's first word, sorted
    kept["bi_row"] = np.searchsorted(first, np.arange(tables.vocab + 1, dtype=np.uint64))
    kept["bi_row"] = kept["bi_row"].astype(np.int64)
    kept["bi_w2"] = (tables.bi_keys & np.uint64(0xFFFF)).astype(np.uint16)
    model = _Model(
        vocab=tables.vocab,
        n_tri=len(kept["tri_keys"]),
        n_orphans=len(kept["orphans"]),
        **{k: _ptr(a) for k, a in kept.items()},
    )
    _MODELS[id(tables)] = (tables, model, list(kept.values()))
    return model


BIGRAM_RECORD = np.dtype(
    [("logp", "<f4"), ("bow", "<f4"), ("tri_lo", "<u4"), ("tri_n", "<u4")], align=True
)
"""``bigram_t`` of ``_kernels.c``: what the trigram scores read of a stored bigram, together."""


def _bigram_records(tables: Any) -> np.ndarray:
    """Per stored bigram, its ``bigram_t``: the trigram scores find a bigram's fields on one
    cache line rather than on five arrays' (their lookups are the decoder's memory traffic)."""
    records = np.zeros(len(tables.bi_logp), dtype=BIGRAM_RECORD)
    records["logp"], records["bow"] = tables.bi_logp, tables.bi_bow
    records["tri_lo"] = tables.tri_lo
    records["tri_n"] = np.where(tables.bi_continued, tables.tri_hi - tables.tri_lo, 0)
    return records


def prune_keep(
    lm: Any, ids: np.ndarray, costs: np.ndarray, sizes: np.ndarray, keep: int, margin: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Compiled only (``COMPILED`` must be set): ``decoder.prune`` and the pruned lattice it
    leaves, for candidate ids and float32 costs laid out flat (``sizes[p]`` at position p):
    per position its new size, and per kept candidate its index in its position, id and cost."""
    assert COMPILED is not None
    ids = np.ascontiguousarray(ids, dtype=np.uint64)
    costs = np.ascontiguousarray(costs, dtype=np.float32)
    sizes = np.ascontiguousarray(sizes, dtype=np.int64)
    offsets = np.cumsum(sizes) - sizes
    total = len(ids)
    right, left, marginal = np.empty(total), np.empty(total), np.empty(total)
    order, kept = np.empty(total, np.int64), np.empty(total, np.int64)
    new_sizes = np.empty(len(sizes), np.int64)
    new_ids, new_costs = np.empty(total, np.uint64), np.empty(total, np.float32)
    slot_of = np.zeros(lm.arrays.vocab, np.int32)
    lp = np.empty(max(int(sizes.max(initial=0)), 1), np.float32)
    COMPILED.prune_keep(
        ctypes.byref(_model(lm)), _ptr(ids), _ptr(costs), _ptr(sizes), _ptr(offsets), len(sizes),
        keep, margin, _ptr(right), _ptr(left), _ptr(marginal), _ptr(order), _ptr(new_sizes),
        _ptr(kept), _ptr(new_ids), _ptr(new_costs), _ptr(slot_of), _ptr(lp),
    )  # fmt: skip
    m = int(new_sizes.sum())
    return new_sizes, kept[:m], new_ids[:m], new_costs[:m]


def line_scores(
    lm: Any, ids: np.ndarray, costs: np.ndarray, sizes: np.ndarray, offsets: np.ndarray
) -> np.ndarray:
    """Compiled only (``COMPILED`` must be set): ``decoder.line_scores`` of candidate ids and
    float32 costs laid out flat (position p's at ``offsets[p]``, ``sizes[p]`` of them)."""
    assert COMPILED is not None
    ids = np.ascontiguousarray(ids, dtype=np.uint64)
    costs = np.ascontiguousarray(costs, dtype=np.float32)
    sizes = np.ascontiguousarray(sizes, dtype=np.int64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    n = len(sizes)
    n_pairs = int((sizes[:-1] * sizes[1:]).sum()) if n > 1 else 0
    out = np.empty(int((sizes[:-2] * sizes[1:-1] * sizes[2:]).sum()) if n > 2 else 0, np.float32)
    pair_p, pair_bow = np.empty(n_pairs, np.float32), np.empty(n_pairs, np.float32)
    pair_continued, pair_at = np.empty(n_pairs, np.uint8), np.empty(n_pairs, np.int64)
    pair_start = np.zeros(max(n, 1), np.int64)
    COMPILED.line_scores(
        ctypes.byref(_model(lm)), _ptr(ids), _ptr(costs), _ptr(sizes), _ptr(offsets), n,
        _ptr(pair_p), _ptr(pair_bow), _ptr(pair_continued), _ptr(pair_at), _ptr(pair_start),
        _ptr(out),
    )  # fmt: skip
    return out


def confidence_terms(
    flat: np.ndarray,
    offsets: np.ndarray,
    sizes: np.ndarray,
    path: np.ndarray,
    last: np.ndarray,
    ts: np.ndarray,
) -> np.ndarray:
    """Compiled only (``COMPILED`` must be set): ``decoder.confidences``' float32 sums of the
    windows that hold each candidate of each word position ``ts`` with its path neighbours."""
    assert COMPILED is not None
    flat = np.ascontiguousarray(flat, dtype=np.float32)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    sizes = np.ascontiguousarray(sizes, dtype=np.int64)
    path = np.ascontiguousarray(path, dtype=np.int64)
    last = np.ascontiguousarray(last, dtype=np.int64)
    ts = np.ascontiguousarray(ts, dtype=np.int64)
    local = np.empty(int(sizes[ts].sum()), dtype=np.float32)
    COMPILED.confidence_terms(
        _ptr(flat), _ptr(offsets), _ptr(sizes), _ptr(path), _ptr(last), _ptr(ts), len(ts),
        _ptr(local),
    )  # fmt: skip
    return local


def nearest_many(table: np.ndarray, takes: np.ndarray) -> list[list[int]]:
    """Compiled only (``COMPILED`` must be set): ``near._nearest`` of every row of an int32
    distance table (``near.FAR`` and above: not near), ``takes[n]`` columns for row n."""
    assert COMPILED is not None
    table = np.ascontiguousarray(table, dtype=np.int32)
    takes = np.ascontiguousarray(takes, dtype=np.int64)
    width = max(int(takes.max(initial=0)), 0)
    out = np.zeros((len(table), max(width, 1)), dtype=np.int64)
    counts = np.zeros(len(table), dtype=np.int64)
    COMPILED.nearest_many(
        _ptr(table), len(table), table.shape[1] if table.ndim == 2 else 0, _ptr(takes),
        out.shape[1], _ptr(out), _ptr(counts),
    )  # fmt: skip
    return [row[:c] for row, c in zip(out.tolist(), counts.tolist(), strict=True)]


def batch_distance_numpy(
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
