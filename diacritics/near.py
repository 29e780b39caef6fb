"""Syllable keys near printed keys, for many keys at once (a document's new words).

A key's neighbourhood is the deletion neighbourhood of a symmetric-delete index: the syllable
keys that share a string with it after up to ``max_edits(key)`` deletions from it and up to two
from the syllable key (never down to nothing). Two strings share such a string exactly when
their longest common subsequence is at least max(len(key) − d, len(syllable key) − 2, 1), so
the neighbourhood of every key of a document comes from one ``rapidfuzz`` matrix of common
subsequence lengths against the ~1,330 syllable keys, and the ranking from one matrix of
Levenshtein distances: two C++ calls instead of a deletion-index walk and a distance call per key
(the same lists as the index gave: checked on every stripped key of the vocabulary).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import LCSseq, Levenshtein

from diacritics import kernels

if TYPE_CHECKING:
    from diacritics.candidates import Inventory

KEY_DELETIONS = 2
"""Deletions from a syllable key in the neighbourhood (the index's depth)."""
ROWS_PER_CALL = 2_000
"""Keys matched per matrix (memory: two int32 matrices of this many rows by ~1,330 keys)."""
FAR = np.int32(1 << 20)


def max_edits(key: str) -> int:
    """How far a garbled key may be from the syllable it stands for: 1 when short, else 2."""
    return 1 if len(key) <= 2 else 2


def near_key_lists(
    inventory: Inventory, requests: list[tuple[str, int]], readings: dict[str, list[str]]
) -> dict[tuple[str, int], list[str]]:
    """Per (key, limit): the syllable keys near the key, nearest first, then the commonest,
    then by spelling, at most ``limit``. ``readings[key]``: the key's readings (itself, or each
    way of taking its digits and symbols for letters: "t6" → "to", "te", ...); a plain key
    comes first in its own list; a key with several readings takes the keys near any of them at
    their least distance, and a reading that is no syllable key stands at distance 0."""
    queries = list(dict.fromkeys(r for key, _ in requests for r in readings[key]))
    rows = {q: n for n, q in enumerate(queries)}
    far_rows = []
    keys = inventory.key_at
    # max(len(key) − d, len(syllable key) − 2, 1): the syllable keys' part once per call
    key_need = np.maximum(inventory.key_lengths - KEY_DELETIONS, 1).astype(np.int32)
    for at in range(0, len(queries), ROWS_PER_CALL):
        part = queries[at : at + ROWS_PER_CALL]
        common = process.cdist(part, keys, scorer=LCSseq.similarity, dtype=np.int32, workers=1)
        dist = process.cdist(part, keys, scorer=Levenshtein.distance, dtype=np.int32, workers=1)
        own = np.asarray([len(q) - max_edits(q) for q in part], dtype=np.int32)
        # a Levenshtein distance is never FAR: outside the neighbourhood is "distance FAR"
        np.putmask(dist, common < np.maximum(own[:, None], key_need[None, :]), FAR)
        far_rows.append(dist)
    if len(far_rows) == 1:
        far = far_rows[0]
    else:
        far = np.concatenate(far_rows) if far_rows else np.zeros((0, len(keys)), dtype=np.int32)
    rank_of = inventory.rank_of
    # one row of distances per request: a plain key's own (itself left out: it leads its list),
    # a key with several readings the least over them
    table = np.empty((len(requests), len(keys)), dtype=np.int32)
    single = np.fromiter((len(readings[key]) == 1 for key, _ in requests), bool, len(requests))
    plain = np.flatnonzero(single)
    plain_keys = [requests[n][0] for n in plain.tolist()]
    table[plain] = far[[rows[key] for key in plain_keys]]
    own = np.fromiter((rank_of.get(key, -1) for key in plain_keys), np.int64, len(plain))
    table[plain[own >= 0], own[own >= 0]] = FAR
    limits = np.fromiter((limit for _, limit in requests), np.int64, len(requests))
    takes = np.where(single, limits - 1, limits)
    for n in np.flatnonzero(~single).tolist():
        table[n] = far[[rows[v] for v in readings[requests[n][0]]]].min(axis=0)
    chosen = _nearest_many(table, takes)
    out: dict[tuple[str, int], list[str]] = {}
    weight = inventory.key_weight
    names = inventory.key_at
    for n, (key, limit) in enumerate(requests):
        near = [names[k] for k in chosen[n]]
        variants = readings[key]
        if len(variants) == 1:
            out[(key, limit)] = [key, *near]
            continue
        d = table[n]
        ranked = [(int(d[rank_of[k]]), -weight.get(k, -99.0), k) for k in near]
        known = (far[[rows[v] for v in variants]] < FAR).any(axis=0)
        ranked += [
            (0, -weight.get(v, -99.0), v)
            for v in dict.fromkeys(variants)
            if v not in rank_of or not known[rank_of[v]]
        ]
        out[(key, limit)] = [k for _, _, k in sorted(ranked)[:limit]]
    return out


def _nearest_many(table: np.ndarray, takes: np.ndarray) -> list[list[int]]:
    """Per row of distances (``FAR``: not near), the columns (key numbers) of the ``takes[n]``
    least, the lower number first among equals: compiled where built, else row by row."""
    if kernels.COMPILED is not None:
        return kernels.nearest_many(table, takes)
    return [
        _nearest(row, int(take)).tolist() for row, take in zip(table, takes.tolist(), strict=True)
    ]


def has_near(inventory: Inventory, key: str) -> bool:
    """Whether any syllable key is in the key's deletion neighbourhood: some string both reach
    by deletions (up to ``max_edits(key)`` from the key, ``KEY_DELETIONS`` from the syllable
    key, never down to nothing), a few set lookups (``has_near_matrix`` says the same through
    a row of common-subsequence lengths: ~80 µs a key against ~5 here)."""
    found = inventory.deletions
    return any(variant in found for variant in _deletion_variants(key, max_edits(key)) if variant)


def has_near_matrix(inventory: Inventory, key: str) -> bool:
    """``has_near`` by one row of common subsequence lengths (no ranking)."""
    common = process.cdist(
        [key], inventory.key_at, scorer=LCSseq.similarity, dtype=np.int32, workers=1
    )[0]
    need = np.maximum(np.maximum(len(key) - max_edits(key), inventory.key_lengths - 2), 1)
    return bool((common >= need).any())


@lru_cache(maxsize=4)
def deletion_set(keys: tuple[str, ...]) -> frozenset[str]:
    """Every non-empty string up to ``KEY_DELETIONS`` deletions from one of the keys (cached:
    restorers of one model share it)."""
    return frozenset(v for key in keys for v in _deletion_variants(key, KEY_DELETIONS) if v)


def _deletion_variants(key: str, deletions: int) -> set[str]:
    """The key and the strings up to ``deletions`` deletions from it."""
    out = {key}
    frontier = {key}
    for _ in range(deletions):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _nearest(dist: np.ndarray, limit: int) -> np.ndarray:
    """The columns of the ``limit`` least distances (``FAR``: not near), then by column (key
    number: the commonest first, then by spelling)."""
    score = dist.astype(np.int64) * len(dist) + np.arange(len(dist))
    inside = int((dist < FAR).sum())
    take = min(limit, inside)
    if take <= 0:
        return np.zeros(0, dtype=np.int64)
    best = np.argpartition(score, take - 1)[:take] if take < len(score) else np.arange(len(score))
    return best[np.argsort(score[best])]
