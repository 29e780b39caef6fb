"""Candidate syllables for one printed token: its accent variants, and near keys for garbled tokens.

The inventory is every vocabulary word that is a well-formed Vietnamese syllable (tone rules
included), indexed by stripped key ("cua" → của, cua, cùa, cưa, cửa, ...). Garbled tokens ("ctia",
"T6", "Qu}{ét") also look up keys within a small edit distance through a deletion index, and every
candidate is ranked by the channel cost plus its unigram log-probability.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from diacritics.channel import Channel
from diacritics.lm import TrigramLM
from diacritics.orthography import is_syllable, strip_marks

MAX_CANDIDATES = 8
MAX_GARBLED_CANDIDATES = 10
UNK_PENALTY = 3.0
"""log10 cost of keeping a token the model does not know: <unk> stands for every rare word at once."""
KEY_FORMS = 6
"""Accent variants kept per key for a garbled token, the most frequent first."""


@dataclass(frozen=True)
class Candidates:
    """Candidate LM ids, their NFC lower-case forms and channel costs (log10), best first."""

    ids: np.ndarray
    forms: tuple[str, ...]
    costs: np.ndarray


def _deletes(key: str, depth: int) -> set[str]:
    """Every string made by deleting up to ``depth`` characters of ``key``."""
    out = {key}
    for d in range(1, min(depth, len(key) - 1) + 1):
        for drop in combinations(range(len(key)), d):
            out.add("".join(ch for i, ch in enumerate(key) if i not in drop))
    return out


def max_edits(key: str) -> int:
    """How far a garbled key may be from the syllable it stands for: 1 when short, else 2."""
    return 1 if len(key) <= 3 else 2


class Inventory:
    """Syllables of the model's vocabulary, by stripped key and by deletion neighbourhood."""

    def __init__(self, lm: TrigramLM) -> None:
        self.lm = lm
        by_key: dict[str, list[int]] = defaultdict(list)
        for i, word in enumerate(lm.words):
            if word.isalpha() and (is_syllable(word) or word == strip_marks(word)):
                by_key[strip_marks(word)].append(i)
        self.by_key = {
            key: sorted(ids, key=lambda i: -lm.uni_logp[i]) for key, ids in by_key.items()
        }
        self.syllable_keys = [k for k, ids in self.by_key.items() if any(is_syllable(lm.words[i]) for i in ids)]
        self.deletes: dict[str, list[str]] = defaultdict(list)
        for key in self.syllable_keys:
            for d in _deletes(key, max_edits(key)):
                self.deletes[d].append(key)

    def forms(self, key: str) -> list[int]:
        """Vocabulary ids whose stripped key is ``key``, most frequent first."""
        return self.by_key.get(key, [])

    def near_keys(self, key: str) -> set[str]:
        """Syllable keys within the deletion neighbourhood of a (garbled) key."""
        found: set[str] = set()
        for d in _deletes(key, max_edits(key)):
            found.update(self.deletes.get(d, ()))
        return found


def printed_key(token: str) -> str:
    """Lower-case key of a printed token: compatibility forms unfolded ("ﬁ"), marks stripped."""
    return strip_marks(unicodedata.normalize("NFKC", token).lower())


class Generator:
    """Candidate lists per printed token, cached (documents repeat their words)."""

    def __init__(self, inventory: Inventory, channel: Channel) -> None:
        self.inventory = inventory
        self.channel = channel
        self.lm = inventory.lm
        self._cache: dict[tuple[str, bool], Candidates] = {}

    def candidates(self, token: str, stripped_mode: bool) -> Candidates:
        """Candidates for a lower-case printed token; ``stripped_mode`` when its line has no marks."""
        cache_key = (token, stripped_mode)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._build(token, stripped_mode)
            self._cache[cache_key] = found
        return found

    def _build(self, token: str, stripped_mode: bool) -> Candidates:
        lm, inv = self.lm, self.inventory
        key = printed_key(token)
        forms = inv.forms(key)
        scored: dict[int, float] = {}
        if stripped_mode and forms and token == key:
            for i in forms[:MAX_CANDIDATES]:
                scored[i] = 0.0
        else:
            known = token.isalpha() and lm.word_id(token) != lm.unk
            for i in forms[:MAX_CANDIDATES]:
                scored[i] = self.channel.distance(token, lm.words[i])
            if not known or not is_syllable(token):
                for near in inv.near_keys(key):
                    for i in inv.forms(near)[:KEY_FORMS]:
                        if i not in scored:
                            scored[i] = self.channel.distance(token, lm.words[i])
        own = lm.word_id(token) if token.isalpha() else lm.unk
        ranked = sorted(scored.items(), key=lambda item: item[1] - 0.3 * lm.uni_logp[item[0]])
        ranked = ranked[:MAX_GARBLED_CANDIDATES]
        if own == lm.unk:
            ranked.append((own, UNK_PENALTY))
        elif own not in dict(ranked):
            ranked.append((own, 0.0))
        forms_out = tuple(token if i in (lm.unk, own) else lm.words[i] for i, _ in ranked)
        return Candidates(
            ids=np.asarray([i for i, _ in ranked], dtype=np.uint64),
            forms=forms_out,
            costs=np.asarray([c for _, c in ranked], dtype=np.float32),
        )
