"""Candidate syllables for one printed token: its accent variants, and near keys for garbled tokens.

The inventory is every vocabulary word that is a well-formed Vietnamese syllable (tone rules
included), indexed by stripped key ("cua" → của, cua, cùa, cưa, cửa, ...). Garbled tokens ("ctia",
"T6", "Qu}{ét") also look up keys within a small edit distance through a deletion index, and every
candidate is ranked by the channel cost plus its unigram log-probability.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat

import numpy as np

from diacritics.channel import Channel
from diacritics.lm import TrigramLM
from diacritics.near import deletion_set, has_near, near_key_lists
from diacritics.orthography import is_key_shape, is_syllable, strip_marks

_VOWELS = re.compile(r"[aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
_ONE_VOWEL_GROUP = re.compile(r"^[^aeiouy]*[aeiouy]+[^aeiouy]*$")
"""A name spelt as one syllable ("krong"), not two words run together ("xahoi")."""
MAX_CANDIDATES = 12
"""Accent variants of a common bare word: 8 left out "dõi" of "theo dõi" and "đỡ" of "giúp đỡ"
(12: 586 -> 572 errors in 66,445 syllables of stripped legal text outside training; the same on
OCR pages; with a general model mixed in 563 -> 534, and 16 no better than 12)."""
MAX_GARBLED_CANDIDATES = 18
MAX_OCR_CANDIDATES = 24
"""Candidates kept for an odd token: 18 rather than 10 gains ~0.3% on stripped text, 24 rather than
18 another ~0.2% on OCR garble, each for about twice the decoding time (the lattice grows with the
cube of the candidates); OCR costs seconds a page anyway."""
UNK_PENALTY = 5.0
ODD_WORD = 1.5
"""log10 cost of keeping a known word that is no syllable, as printed, in OCR garble."""
"""log10 cost of keeping a token the model does not know: <unk> is every rare word at once."""
RARE_FORM = 3.0
"""Accent variants this much rarer (log10, unigram) than the commonest one are not considered."""
MAX_GAP = 4.0
"""Candidates scoring this much worse (log10) than the best one are dropped."""
DIGIT_WORD = 1.0
"""Extra log10 cost of reading a printed number as a word ("16" → "tổ" only in a word's place)."""
RARE_KEY = -5.0
"""A key whose commonest form is rarer than this (log10) may be a garbled other key ("pich")."""
NEAR_KEYS = 40
NEAR_KEYS_CLEAN = 12
FOREIGN_WORD = 3.0
"""Extra log10 cost of changing the letters of a non-syllable outside OCR garble."""
VALID_WORD_SWAP = 3.2
"""Most channel cost (log10) at which a valid printed syllable may stand for another key."""
ABBREVIATION_UNK = 1.0
"""log10 cost of keeping an abbreviation the corpus has never seen (names of new bodies)."""
"""Nearest syllable keys (edit distance, then frequency) scored for a garbled token."""
KEY_FORMS = 6
KEY_FORMS_GARBLED = 12
CACHE_LIMIT = 200_000
"""Candidate lists (and near-key lists) kept across documents; past it the cache starts over:
memory stays bounded in a long batch, and a document's words are rebuilt in one batch."""
NAME_FLOOR = -5.5
"""Unigram log10 from which a marked non-syllable (a minority place name) is a near key."""
"""Accent variants kept per near key, the most frequent first; OCR garble needs more ("dy" is
"dụ", the seventh form of "du")."""


@dataclass(frozen=True)
class Candidates:
    """Candidate LM ids, their NFC lower-case forms and channel costs (log10), best first."""

    ids: np.ndarray
    forms: tuple[str, ...]
    costs: np.ndarray


def _without_misspellings(ids: list[int], words: list[str]) -> list[int]:
    """A key's forms less the marked non-syllables ("viêt") when real syllables share the key:
    those are the corpus's typos; a key of names only ("Đắk", "Krông") keeps them."""
    syllables = [i for i in ids if is_syllable(words[i])]
    if not syllables:
        return ids
    return [i for i in ids if is_syllable(words[i]) or words[i] == strip_marks(words[i])]


class Inventory:
    """Syllables of the model's vocabulary, by stripped key and by deletion neighbourhood."""

    def __init__(self, lm: TrigramLM) -> None:
        self.lm = lm
        by_key: dict[str, list[int]] = defaultdict(list)
        for i, word in enumerate(lm.words):
            # syllables, bare words, and marked words of minority place names ("Đắk", "Krông")
            if word.isalpha() and (
                is_syllable(word) or word == strip_marks(word) or _VOWELS.search(word)
            ):
                by_key[strip_marks(word)].append(i)
        self.by_key = {
            key: sorted(_without_misspellings(ids, lm.words), key=lambda i: -lm.prior_logp[i])
            for key, ids in by_key.items()
        }
        self.abbreviations: dict[str, list[int]] = defaultdict(list)
        for i, word in enumerate(lm.words):
            if word.isalpha() and not _VOWELS.search(word):
                self.abbreviations[strip_marks(word)].append(i)
        # keys OCR garble may stand for: syllables, and marked names outside the syllable rules
        # ("Đắk", "Krông") that the corpus uses often enough to be more than a typo; words only
        # general text knows are not among them (garble is legal text: "cit" is "cứ", not "vịt")
        self.syllable_keys = [
            k
            for k, ids in self.by_key.items()
            if any(
                i < lm.legal_size
                and (
                    is_syllable(lm.words[i])
                    or (
                        lm.prior_logp[i] >= NAME_FLOOR
                        and lm.words[i] != strip_marks(lm.words[i])
                        and _ONE_VOWEL_GROUP.match(strip_marks(lm.words[i])) is not None
                    )
                )
                for i in ids
            )
        ]
        self.key_weight = {
            key: float(lm.prior_logp[ids[0]]) for key, ids in self.by_key.items() if ids
        }
        """log10 unigram of each key's commonest form: near keys are ranked by it."""
        # syllable keys numbered commonest first (then by spelling): near keys are sorted by
        # these numbers, and the deletion index holds them rather than the strings
        self.key_at = sorted(self.syllable_keys, key=lambda k: (-self.key_weight.get(k, -99.0), k))
        self.key_array = np.asarray(self.key_at, dtype=object)
        self.rank_of = {key: rank for rank, key in enumerate(self.key_at)}
        self.key_lengths = np.asarray([len(k) for k in self.key_at], dtype=np.int32)
        # every key's forms laid end to end, for gathering many keys' forms in one array pass
        self.key_slot = {key: n for n, key in enumerate(self.by_key)}
        self.form_count = np.asarray([len(ids) for ids in self.by_key.values()], dtype=np.int64)
        self.form_start = np.concatenate([[0], np.cumsum(self.form_count)[:-1]]).astype(np.int64)
        self.form_ids = np.fromiter(
            (i for ids in self.by_key.values() for i in ids), dtype=np.int64,
            count=int(self.form_count.sum()),
        )  # fmt: skip

    def forms(self, key: str) -> list[int]:
        """Vocabulary ids whose stripped key is ``key``, most frequent first."""
        return self.by_key.get(key, [])

    def has_near(self, key: str) -> bool:
        """Whether any syllable key is within the deletion neighbourhood of a key."""
        return has_near(self, key)

    @cached_property
    def deletions(self) -> frozenset[str]:
        """The strings up to two deletions from a syllable key (3,400; built on first use, ~5
        ms, once per model: only long odd words ask, ``Restorer._unjoin``)."""
        return deletion_set(tuple(self.key_at))

    def near_keys(self, key: str) -> list[str]:
        """Syllable keys within the deletion neighbourhood of a (garbled) key, the nearest
        first (``diacritics.near``); the key itself when it is one."""
        every = len(self.key_at) + 1
        found = near_key_lists(self, [(key, every)], {key: [key]})[(key, every)]
        return found if key in self.rank_of else found[1:]


def _near_limit(key: str, garbled: bool) -> int:
    """Near keys scored for an odd token: clean text's odd words (names, loans) need few
    neighbours; OCR garble, and keys with digits or symbols, many."""
    return NEAR_KEYS if garbled or not key.isalpha() else NEAR_KEYS_CLEAN


def printed_key(token: str) -> str:
    """Lower-case key of a printed token: compatibility forms unfolded ("ﬁ"), marks stripped."""
    return strip_marks(unicodedata.normalize("NFKC", token).lower())


class Generator:
    """Candidate lists per printed token, cached (documents repeat their words)."""

    def __init__(self, inventory: Inventory, channel: Channel) -> None:
        self.inventory = inventory
        self.channel = channel
        self.lm = inventory.lm
        self._cache: dict[tuple[str, bool, bool], Candidates] = {}
        self._near_cache: dict[tuple[str, int], list[str]] = {}
        self._near_slot_cache: dict[tuple[str, int], np.ndarray] = {}
        channel.index_words(self.lm.words)

    def candidates(self, token: str, stripped_mode: bool, garbled: bool = False) -> Candidates:
        """Candidates for a lower-case printed token.

        ``stripped_mode``: its line has no marks; ``garbled``: its text is OCR output with garbled
        words, where even a valid bare word may stand for another ("cha tich" → "chủ tịch").
        """
        cache_key = (token, stripped_mode, garbled)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._build(token, stripped_mode, garbled)
            self._make_room(1)
            self._cache[cache_key] = found
        return found

    def _make_room(self, n: int) -> None:
        """Start the caches over when ``n`` more candidate lists would pass ``CACHE_LIMIT``."""
        if len(self._cache) + n > CACHE_LIMIT:
            self._cache.clear()
        if len(self._near_cache) + n > CACHE_LIMIT:
            self._near_cache.clear()
            self._near_slot_cache.clear()

    def abbreviation(self, token: str) -> Candidates:
        """Spelling variants of an upper-case abbreviation the corpus knows ("qd" → "qđ")."""
        key = printed_key(token)
        own = self.lm.abbreviation_id(token)
        scored = {own: 0.0 if token in self.lm.index else ABBREVIATION_UNK}
        for i in self.inventory.abbreviations.get(key, []):
            if i != own:
                scored[i] = self.channel.distance(token, self.lm.words[i])
        ids = list(scored)
        as_printed = (own, self.lm.unk, self.lm.abbr)
        forms = tuple(token if i in as_printed else self.lm.words[i] for i in ids)
        costs = np.asarray([scored[i] for i in ids], dtype=np.float32)
        return Candidates(ids=np.asarray(ids, dtype=np.uint64), forms=forms, costs=costs)

    def _near(self, key: str, limit: int = 0) -> list[str]:
        """Syllable keys near a garbled key (and its digit/symbol readings), nearest first, then
        the commonest, then by spelling; cached per key (tokens differing in case share it)."""
        limit = limit or NEAR_KEYS
        found = self._near_cache.get((key, limit))
        if found is None:
            self._near_many([(key, limit)])
            found = self._near_cache[(key, limit)]
        return found

    def _near_many(self, requests: list[tuple[str, int]]) -> None:
        """``_near`` of every (key, limit) not yet cached, all in one pass (``diacritics.near``)."""
        todo = [r for r in dict.fromkeys(requests) if r not in self._near_cache]
        if not todo:
            return
        if len(self._near_cache) + len(todo) > CACHE_LIMIT:
            self._near_cache.clear()
            self._near_slot_cache.clear()
        readings = {key: self.channel.key_variants(key) for key, _ in todo}
        self._near_cache.update(near_key_lists(self.inventory, todo, readings))

    def _near_slots(self, key: str, limit: int) -> np.ndarray:
        """``_near(key, limit)`` as the inventory's key slots (-1: a key without forms), cached:
        a document's candidates gather the near keys' forms by slot (``candidate_batch``)."""
        found = self._near_slot_cache.get((key, limit))
        if found is None:
            get = self.inventory.key_slot.get
            near = self._near(key, limit)
            found = np.fromiter(map(get, near, repeat(-1)), dtype=np.int64, count=len(near))
            self._near_slot_cache[(key, limit)] = found
        return found

    def _near_request(
        self, token: str, stripped_mode: bool, garbled: bool
    ) -> tuple[str, int] | None:
        """The (key, limit) of near keys a token's candidates need, None when it needs none."""
        key = printed_key(token)
        forms = self.inventory.forms(key)
        common = bool(forms) and self.lm.prior_logp[forms[0]] >= RARE_KEY
        if stripped_mode and common and token == key:
            return (key, NEAR_KEYS) if garbled else None
        return key, _near_limit(key, garbled)

    def _costs(self, token: str, ids: list[int]) -> list[float]:
        """Channel cost of ``token`` for each candidate id, in one vectorised batch."""
        if not ids:
            return []
        return self.channel.distances(token, np.asarray(ids, dtype=np.int64)).tolist()

    def _near_forms(self, key: str, limit: int, per_key: int, taken: dict[int, float]) -> list[int]:
        """Forms of the keys near ``key`` not already in ``taken``, nearest keys first.

        ``taken`` holds forms of ``key`` itself (its own or common accent variants), and a word
        has one key: only ``key``'s own list is filtered, the others are taken whole (lists
        sliced and joined in C, not a membership test per form)."""
        forms = self.inventory.forms
        out: list[int] = []
        for near in self._near(key, limit):
            if near == key:
                out += [i for i in forms(near)[:per_key] if i not in taken]
            else:
                out += forms(near)[:per_key]
        return out

    def _ranked(
        self, ids: np.ndarray, costs: np.ndarray, limit: int
    ) -> tuple[list[int], list[float]]:
        """The ids and costs of the ``limit`` best by cost less 0.3 × log10 unigram (in float32,
        as the scalar arithmetic did), within ``MAX_GAP`` of the best; the word id breaks ties,
        so the order never depends on how the candidates were gathered."""
        if not len(ids):
            return [], []
        score = costs.astype(np.float32) - np.float32(0.3) * self.lm.prior_logp[ids]
        order = np.lexsort((ids, score))
        order = order[score[order] <= score[order[0]] + np.float32(MAX_GAP)][:limit]
        return ids[order].tolist(), costs[order].tolist()

    def prefetch(self, requests: list[tuple[str, bool, bool]]) -> None:
        """Build the candidates of every (token, stripped_mode, garbled) not yet cached in one
        array pass (``diacritics.candidate_batch``), their channel costs in one vectorised batch
        per printed length (``Channel.distances_many``): a document's new words at once."""
        todo = list(dict.fromkeys(r for r in requests if r not in self._cache))
        if not todo:
            return
        self._make_room(len(todo))
        self._near_many([n for n in (self._near_request(*r) for r in todo) if n is not None])
        from diacritics.candidate_batch import build_many  # it builds on this module

        self._cache.update(zip(todo, build_many(self, todo), strict=True))

    def _common_forms(self, forms: list[int]) -> list[int]:
        """A common bare key's accent variants: the commonest few, none far rarer than the first."""
        floor = self.lm.prior_logp[forms[0]] - RARE_FORM
        return [i for i in forms[:MAX_CANDIDATES] if self.lm.prior_logp[i] >= floor]

    def _channel_ids(
        self, token: str, stripped_mode: bool, garbled: bool
    ) -> tuple[list[int], list[int]]:
        """The ids ``_build`` scores with the channel: the token's own accent variants (when
        doubted) and the forms of near keys."""
        lm, inv = self.lm, self.inventory
        key = printed_key(token)
        forms = inv.forms(key)
        common = bool(forms) and lm.prior_logp[forms[0]] >= RARE_KEY
        if stripped_mode and common and token == key:
            if not garbled:
                return [], []
            taken = dict.fromkeys(self._common_forms(forms), 0.0)
            return [], self._near_forms(key, NEAR_KEYS, KEY_FORMS_GARBLED, taken)
        own_forms = forms[:MAX_CANDIDATES]
        limit = _near_limit(key, garbled)
        per_key = KEY_FORMS_GARBLED if garbled else KEY_FORMS
        return own_forms, self._near_forms(key, limit, per_key, dict.fromkeys(own_forms, 0.0))

    def _with_sources(
        self, ids: np.ndarray, cost: np.ndarray, sources: dict[str, float]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The candidates with the words OCR was seen to print as the token, each at the
        lesser of its two costs."""
        scored = dict(zip(ids.tolist(), cost.tolist(), strict=True))
        for word, c in sources.items():
            i = self.lm.word_id(word)
            if i != self.lm.unk:
                scored[i] = min(scored.get(i, c), c)
        return (
            np.fromiter(scored, dtype=np.int64, count=len(scored)),
            np.fromiter(scored.values(), dtype=np.float64, count=len(scored)),
        )

    def _build(self, token: str, stripped_mode: bool, garbled: bool) -> Candidates:
        """Candidates of one token (``diacritics.candidate_batch`` builds many, the same)."""
        lm, inv = self.lm, self.inventory
        key = printed_key(token)
        forms = inv.forms(key)
        common = bool(forms) and lm.prior_logp[forms[0]] >= RARE_KEY
        own_forms, near = self._channel_ids(token, stripped_mode, garbled)
        costs = np.asarray(self._costs(token, own_forms + near), dtype=np.float64)
        near_ids = np.asarray(near, dtype=np.int64)
        if stripped_mode and common and token == key:
            kept = costs <= VALID_WORD_SWAP
            common_forms = self._common_forms(forms)
            ids = np.concatenate([np.asarray(common_forms, dtype=np.int64), near_ids[kept]])
            cost = np.concatenate([np.zeros(len(common_forms)), costs[kept]])
        else:
            known = token.isalpha() and lm.word_id(token) != lm.unk
            doubtful = not known or not is_syllable(token) or not common
            # outside OCR garble a token no syllable could be ("mh", "byte", "PHOI" is one) is
            # a name, a foreign word or an abbreviation more often than a misprint
            foreign = 0.0 if garbled or is_key_shape(key) else FOREIGN_WORD
            near_costs = costs[len(own_forms) :] + foreign
            # a real word ("cha", "vai") turns into another only by a known confusion
            kept = slice(None) if doubtful else near_costs <= VALID_WORD_SWAP
            ids = np.concatenate([np.asarray(own_forms, dtype=np.int64), near_ids[kept]])
            cost = np.concatenate([costs[: len(own_forms)], near_costs[kept]])
            sources = self.channel.word_sources(token)
            if sources:
                ids, cost = self._with_sources(ids, cost, sources)
        if token.isdigit():  # a number stays a number unless its neighbours say it is a word
            cost = cost + DIGIT_WORD
        if garbled and lm.legal_size < len(lm.words):
            # OCR garble is legal text: no word only general text knows ("cit" is not "cật")
            legal = ids < lm.legal_size
            ids, cost = ids[legal], cost[legal]
        limit = MAX_OCR_CANDIDATES if garbled else MAX_GARBLED_CANDIDATES
        return self._finish(token, garbled, *self._ranked(ids, cost, limit))

    def _finish(self, token: str, garbled: bool, ids: list[int], costs: list[float]) -> Candidates:
        """A token's candidates from its ranked ids and costs: the token as printed added (or
        moved last, at a cost, for a known non-syllable in OCR garble)."""
        lm = self.lm
        own = lm.word_id(token) if token.isalpha() else lm.unk
        if token.isdigit():
            own = lm.num
        if own == lm.unk:
            ids.append(own)
            costs.append(UNK_PENALTY)
        elif garbled and own != lm.num and not is_syllable(token):
            # a known non-syllable in OCR garble ("gy", "thyre") is likelier garble than a word
            if own in ids:
                costs = [c for i, c in zip(ids, costs, strict=True) if i != own]
                ids = [i for i in ids if i != own]
            ids.append(own)
            costs.append(ODD_WORD)
        elif own == lm.num or own not in ids:
            ids.append(own)
            costs.append(0.0)
        as_printed = (lm.unk, lm.num, own)
        words = lm.words
        return Candidates(
            ids=np.asarray(ids, dtype=np.uint64),
            forms=tuple(token if i in as_printed else words[i] for i in ids),
            costs=np.asarray(costs, dtype=np.float32),
        )
