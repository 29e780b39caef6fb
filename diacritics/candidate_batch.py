"""The candidates of a document's new tokens built in one array pass (``Generator.prefetch``).

``Generator._build`` makes one token's list: its own key's accent variants and the forms of its
near keys gathered, their channel costs, the rules that drop some, a ranking within ``MAX_GAP``.
Here every token's forms are slices of the inventory's flat form table (a key's forms, most
frequent first: a token's own variants, its common variants, and the rest of its own key are
each a prefix or a range of them), gathered for all tokens at once; the rules are masks with a
token number per row, and one sort ranks every token. The same candidates, costs and order as
``_build`` (the same float operations, the word id breaking ties); only the token as printed is
added per token, in Python (``Generator._finish``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from diacritics.candidates import (
    DIGIT_WORD,
    FOREIGN_WORD,
    KEY_FORMS,
    KEY_FORMS_GARBLED,
    MAX_CANDIDATES,
    MAX_GAP,
    MAX_GARBLED_CANDIDATES,
    MAX_OCR_CANDIDATES,
    NEAR_KEYS,
    RARE_FORM,
    RARE_KEY,
    VALID_WORD_SWAP,
    Candidates,
    _near_limit,
    printed_key,
)
from diacritics.orthography import is_key_shape, is_syllable

if TYPE_CHECKING:
    from diacritics.candidates import Generator, Inventory

FREE, OWN, NEAR = 0, 1, 2
"""Kinds of row: a common accent variant kept at no cost, an own variant scored by the
channel, a near key's form scored by the channel (and dropped by the rules)."""


class _Slices:
    """Ranges of the inventory's flat form table, with the token and kind of each: a token's
    own ranges one by one, its near keys' as whole lists (ranges found in one array pass)."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.own: list[tuple[int, int, int, int, int]] = []
        self.near: list[np.ndarray] = []
        self.near_of: list[tuple[int, int, int, int]] = []

    def add(self, slot: int, lo: int, hi: int, token: int, kind: int) -> None:
        if hi > lo:
            self.own.append((slot, lo, hi, token, kind))

    def add_near(self, slots: np.ndarray, own_slot: int, per_key: int, taken: int, t: int) -> None:
        """``per_key`` forms of each near key (``Generator._near_forms``; ``slots``: the keys'
        slots, ``Generator._near_slots``), the token's own key (slot ``own_slot``) less its
        first ``taken``, those the token already holds."""
        self.near.append(slots)
        self.near_of.append((t, own_slot, per_key, taken))

    def arrays(self) -> tuple[np.ndarray, ...]:
        """(slot, lo, hi, token, kind) of every non-empty range, a token's own ones first."""
        inv = self.inventory
        own = np.asarray(self.own, dtype=np.int64).reshape(-1, 5).T
        lengths = [len(slots) for slots in self.near]
        slot = np.concatenate(self.near) if self.near else np.zeros(0, dtype=np.int64)
        t, own_slot, per_key, taken = (
            np.repeat(col, lengths) for col in np.asarray(self.near_of, np.int64).reshape(-1, 4).T
        )
        hi = np.minimum(inv.form_count[slot], per_key)
        lo = np.where(slot == own_slot, taken, 0)
        real = (slot >= 0) & (hi > lo)
        near = (slot[real], lo[real], hi[real], t[real], np.full(int(real.sum()), NEAR))
        columns = [np.concatenate([o, n]) for o, n in zip(own, near, strict=True)]
        order = np.argsort(columns[3], kind="stable")
        return tuple(c[order] for c in columns)


def build_many(gen: Generator, todo: list[tuple[str, bool, bool]]) -> list[Candidates]:
    """``gen._build`` of every (token, stripped_mode, garbled), in one pass (near keys cached)."""
    lm, inv = gen.lm, gen.inventory
    slots, counts = inv.key_slot, inv.form_count
    uni = lm.prior_logp
    slices = _Slices(inv)
    n_tokens = len(todo)
    foreign = np.zeros(n_tokens)
    doubtful = np.zeros(n_tokens, dtype=bool)
    digit = np.zeros(n_tokens, dtype=bool)
    limit = np.empty(n_tokens, dtype=np.int64)
    sources: list[tuple[int, dict[str, float]]] = []
    for t, (token, stripped_mode, garbled) in enumerate(todo):
        key = printed_key(token)
        forms = inv.forms(key)
        slot = slots.get(key, -1)
        count = int(counts[slot]) if slot >= 0 else 0
        common = bool(forms) and uni[forms[0]] >= RARE_KEY
        limit[t] = MAX_OCR_CANDIDATES if garbled else MAX_GARBLED_CANDIDATES
        digit[t] = token.isdigit()
        if stripped_mode and common and token == key:
            # its common variants as they are; near forms only by a known confusion
            floor = uni[forms[0]] - RARE_FORM
            taken = sum(1 for i in forms[:MAX_CANDIDATES] if uni[i] >= floor)
            slices.add(slot, 0, taken, t, FREE)
            if garbled:
                slices.add_near(gen._near_slots(key, NEAR_KEYS), slot, KEY_FORMS_GARBLED, taken, t)
            continue
        taken = min(count, MAX_CANDIDATES)
        slices.add(slot, 0, taken, t, OWN)
        per_key = KEY_FORMS_GARBLED if garbled else KEY_FORMS
        slices.add_near(gen._near_slots(key, _near_limit(key, garbled)), slot, per_key, taken, t)
        known = token.isalpha() and lm.word_id(token) != lm.unk
        doubtful[t] = not known or not is_syllable(token) or not common
        foreign[t] = 0.0 if garbled or is_key_shape(key) else FOREIGN_WORD
        found = gen.channel.word_sources(token)
        if found:
            sources.append((t, found))
    ids, tok, cost = _scored_rows(gen, todo, slices, foreign, doubtful)
    if sources:
        ids, tok, cost = _with_sources(gen, ids, tok, cost, sources, n_tokens)
    cost = np.where(digit[tok], cost + DIGIT_WORD, cost)
    if lm.legal_size < len(lm.words):  # OCR garble is legal text: no word only general text knows
        garbled_tokens = np.fromiter((g for _, _, g in todo), dtype=bool, count=n_tokens)
        legal = ~garbled_tokens[tok] | (ids < lm.legal_size)
        ids, tok, cost = ids[legal], tok[legal], cost[legal]
    ranked = _ranked(uni, ids, tok, cost, limit)
    return [
        gen._finish(token, garbled, ids, costs)
        for (token, _, garbled), (ids, costs) in zip(todo, ranked, strict=True)
    ]


def _scored_rows(
    gen: Generator,
    todo: list[tuple[str, bool, bool]],
    slices: _Slices,
    foreign: np.ndarray,
    doubtful: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every slice's forms as rows (id, token, cost): channel costs of own and near forms in one
    batch, a near form's foreign-word cost added, and a valid word's near forms kept only
    within ``VALID_WORD_SWAP``."""
    inv = gen.inventory
    slot, lo, hi, token, kinds = slices.arrays()
    n = hi - lo
    of_row = np.repeat(np.arange(len(n)), n)
    within = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    start = inv.form_start[slot] + lo
    ids = inv.form_ids[start[of_row] + within]
    tok = token[of_row]
    kind = kinds[of_row]
    cost = np.zeros(len(ids))
    scored = np.flatnonzero(kind != FREE)
    if len(scored):
        printed = [token for token, _, _ in todo]
        cost[scored] = gen.channel.distances_rows(printed, tok[scored], ids[scored])
    near = kind == NEAR
    cost[near] = cost[near] + foreign[tok[near]]
    keep = ~near | doubtful[tok] | (cost <= VALID_WORD_SWAP)
    return ids[keep], tok[keep], cost[keep]


def _with_sources(
    gen: Generator,
    ids: np.ndarray,
    tok: np.ndarray,
    cost: np.ndarray,
    sources: list[tuple[int, dict[str, float]]],
    n_tokens: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows with the words OCR was seen to print as a token, each once at its least cost
    (``Generator._with_sources``)."""
    lm = gen.lm
    extra = [(t, i, c) for t, found in sources for w, c in found.items()
             if (i := lm.word_id(w)) != lm.unk]  # fmt: skip
    if not extra:
        return ids, tok, cost
    has = np.zeros(n_tokens, dtype=bool)
    has[[t for t, _ in sources]] = True
    rest = ~has[tok]
    e_tok, e_ids, e_cost = (np.asarray(col) for col in zip(*extra, strict=True))
    s_ids = np.concatenate([ids[~rest], e_ids.astype(np.int64)])
    s_tok = np.concatenate([tok[~rest], e_tok.astype(np.int64)])
    s_cost = np.concatenate([cost[~rest], e_cost.astype(np.float64)])
    # one integer key per (token, word): equal keys are the same word twice, kept at the least
    pair = s_tok * len(lm.words) + s_ids
    order = np.argsort(pair, kind="stable")
    runs = np.flatnonzero(np.diff(pair[order], prepend=-1))
    kept = order[runs]
    return (
        np.concatenate([ids[rest], s_ids[kept]]),
        np.concatenate([tok[rest], s_tok[kept]]),
        np.concatenate([cost[rest], np.minimum.reduceat(s_cost[order], runs)]),
    )


def _ranked(
    uni: np.ndarray, ids: np.ndarray, tok: np.ndarray, cost: np.ndarray, limit: np.ndarray
) -> list[tuple[list[int], list[float]]]:
    """Per token, ``Generator._ranked`` of its rows: the ``limit`` best by cost less 0.3 × log10
    unigram (float32), within ``MAX_GAP`` of its best, the word id breaking ties. The rows past
    the gap go first (most of them: the sort is then of a few per token)."""
    n_tokens = len(limit)
    score = cost.astype(np.float32) - np.float32(0.3) * uni[ids]
    best = np.full(n_tokens, np.inf, dtype=np.float32)
    np.minimum.at(best, tok, score)
    near = np.flatnonzero(score <= best[tok] + np.float32(MAX_GAP))
    order = near[np.lexsort((ids[near], score[near], tok[near]))]
    tok = tok[order]
    start = np.searchsorted(tok, np.arange(n_tokens))
    kept = np.arange(len(order)) - start[tok] < limit[tok]
    order, tok = order[kept], tok[kept]
    id_list, cost_list = ids[order].tolist(), cost[order].tolist()
    bounds = np.searchsorted(tok, np.arange(n_tokens + 1)).tolist()
    return [(id_list[a:b], cost_list[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
