"""The OCR channel: how likely a printed string is, given the syllable that was meant.

Costs are -log10 P(printed piece | intended character), learned by aligning Tesseract output of
rendered corpus pages with their truth (``diacritics.training.learn_channel``);
a weighted edit distance with
pieces of 0–2 printed characters per intended character scores a (printed, intended) pair. Without
learned data the costs fall back to a generic shape: marks lost cheaply, letters changed dearly.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

from diacritics import kernels
from diacritics.orthography import VIETNAMESE_LETTERS, strip_marks, strip_tone

MAX_PIECE = 2
DEFAULT_SUB = 2.5
DEFAULT_INDEL = 2.5
MARK_LOSS = 0.6
MARK_CHANGE = 1.2
UNSEEN_MARK_SWAP = 1.5
FAMILY_PENALTY = 0.3
WORD_CONFUSION_SHARE = 0.5
ALPHABET = "".join(sorted(VIETNAMESE_LETTERS | set("abcdefghijklmnopqrstuvwxyz")))
"""Intended letters the vectorised distance knows; a word with another goes the Python way."""
MAX_WORD = 8
"""Longest intended word the vectorised distance takes ("nghiêng" has 7 letters)."""
MAX_PRINTED = 24


@lru_cache(maxsize=4096)
def _base(ch: str) -> str:
    return strip_marks(ch).lower()


@lru_cache(maxsize=4096)
def _family(ch: str) -> str:
    """The vowel without its tone ("ộ" → "ô"): its tones look alike to OCR."""
    return strip_tone(ch)[0].lower()


@lru_cache(maxsize=65536)
def default_cost(intended: str, printed: str) -> float:
    """Generic cost of printing ``printed`` (0–2 chars) for the intended character."""
    if printed == intended:
        return 0.0
    if printed == "":
        return DEFAULT_INDEL
    if len(printed) == 1:
        if printed == _base(intended):
            return MARK_LOSS
        if _base(printed) == _base(intended):
            return MARK_CHANGE
        return DEFAULT_SUB
    return DEFAULT_SUB + DEFAULT_INDEL


def _alike(intended: str, printed: str) -> bool:
    """True when a whole-word confusion shares most of its letters: "quyét" for "nghị" came from
    a misaligned line, not from OCR."""
    a, b = strip_marks(intended).lower(), strip_marks(printed).lower()
    return Levenshtein.distance(a, b) <= WORD_CONFUSION_SHARE * max(len(a), len(b))


class Channel:
    """Learned piece costs with the generic shape as a fallback."""

    def __init__(
        self,
        costs: Mapping[str, Mapping[str, float]] | None = None,
        words: Mapping[str, Mapping[str, float]] | None = None,
    ) -> None:
        self.costs = {k: dict(v) for k, v in (costs or {}).items()}
        self.insert = dict(self.costs.pop("", {}))
        self.printed_words: dict[str, dict[str, float]] = {}
        for intended, table in (words or {}).items():
            for printed, cost in table.items():
                if printed != "*" and _alike(intended, printed):
                    self.printed_words.setdefault(printed, {})[intended] = cost

        self.letters_for = self._inverse_letters()
        self.family: dict[str, dict[str, float]] = {}
        for x, table in self.costs.items():
            fam = self.family.setdefault(_family(x), {})
            for printed, cost in table.items():
                if printed != "*" and cost < fam.get(printed, 99.0):
                    fam[printed] = cost
        self._piece_cache: dict[tuple[str, str], tuple[float, list[float], list[float]]] = {}
        self._distance_cache: dict[tuple[str, str], float] = {}
        self._letter = {ch: n for n, ch in enumerate(ALPHABET)}
        self._column_at: dict[str, int] = {}
        """Each printed piece's row of ``_column_table``: its costs over the alphabet."""
        self._column_table = np.zeros((64, len(ALPHABET)))
        self._no_pair = np.zeros((1, len(ALPHABET)))
        self.word_chars = np.zeros((0, MAX_WORD), dtype=np.int16)
        self.word_lengths = np.zeros(0, dtype=np.int64)
        self.words: list[str] = []
        self._vanish = np.asarray([self.piece_cost(x, "") for x in ALPHABET])
        self._prepare_columns()

    def _inverse_letters(self) -> dict[str, list[str]]:
        """For each printed non-letter (digit, symbol), the base letters it most often stood for."""
        seen: dict[str, dict[str, float]] = {}
        for intended, table in self.costs.items():
            base = strip_marks(intended).lower()
            if not base.isalpha():
                continue
            for printed, cost in table.items():
                if len(printed) == 1 and printed != "*" and not printed.isalpha() and cost < 3.0:
                    best = seen.setdefault(printed, {})
                    best[base] = min(best.get(base, 9.0), cost)
        return {p: sorted(b, key=lambda x: (b[x], x))[:3] for p, b in seen.items()}

    def key_variants(self, key: str, limit: int = 9) -> list[str]:
        """The key with each printed non-letter replaced by the letters it usually stood for."""
        variants = [""]
        for ch in key:
            options = self.letters_for.get(ch) if not ch.isalpha() else None
            if options:
                variants = [v + o for v in variants for o in (*options, ch)][:limit]
            else:
                variants = [v + ch for v in variants]
        return variants

    @classmethod
    def load(cls, path: Path) -> Channel:
        """A channel table written by ``diacritics.training.learn_channel``; empty when absent."""
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["costs"], data.get("words"))

    def word_sources(self, printed: str) -> dict[str, float]:
        """Intended words OCR was seen to print as ``printed``, with -log10 P(printed | word)."""
        return self.printed_words.get(printed, {})

    def piece_cost(self, intended: str, printed: str) -> float:
        """-log10 P(printed | intended char), learned when seen, generic otherwise."""
        table = self.costs.get(intended)
        if table is None:
            return default_cost(intended, printed)
        if printed in table:
            return table[printed]
        unseen = table["*"] + (0.0 if len(printed) == 1 else 0.5)
        family = self.family.get(_family(intended), {}).get(printed)
        if family is not None:
            # same vowel, other tone: OCR treats the tone marks of one vowel alike
            unseen = min(unseen, family + FAMILY_PENALTY)
        if len(printed) == 1 and _base(printed) == _base(intended):
            # same letter, other marks: OCR swaps marks too freely for the sample to list them all
            return min(unseen, UNSEEN_MARK_SWAP)
        return max(unseen, default_cost(intended, printed))

    def insert_cost(self, printed: str) -> float:
        """Cost of a printed character with nothing intended (dust, stray marks)."""
        return self.insert.get(printed, DEFAULT_INDEL)

    def _costs_for(self, intended: str, printed: str) -> tuple[float, list[float], list[float]]:
        """Per intended character: cost of vanishing, of each printed char, of each printed pair."""
        cache = self._piece_cache
        key = (intended, printed)
        found = cache.get(key)
        if found is None:
            found = (
                self.piece_cost(intended, ""),
                [self.piece_cost(intended, ch) for ch in printed],
                [self.piece_cost(intended, printed[j - 1 : j + 1]) for j in range(1, len(printed))],
            )
            cache[key] = found
        return found

    def distance(self, printed: str, intended: str) -> float:
        """Weighted edit distance: cheapest way the intended syllable became the printed token."""
        key = (printed, intended)
        found = self._distance_cache.get(key)
        if found is not None:
            return found
        p = unicodedata.normalize("NFC", printed)
        m = len(p)
        inserts = [self.insert_cost(ch) for ch in p]
        row = [0.0] * (m + 1)
        for j in range(1, m + 1):
            row[j] = row[j - 1] + inserts[j - 1]
        for x in intended:
            vanish, single, pair = self._costs_for(x, p)
            new = [row[0] + vanish] + [0.0] * m
            for j in range(1, m + 1):
                best = new[j - 1] + inserts[j - 1]
                cand = row[j - 1] + single[j - 1]
                if cand < best:
                    best = cand
                if j >= 2:
                    cand = row[j - 2] + pair[j - 2]
                    if cand < best:
                        best = cand
                cand = row[j] + vanish
                new[j] = cand if cand < best else best
            row = new
        if len(self._distance_cache) < 2_000_000:
            self._distance_cache[key] = row[m]
        return row[m]

    def _column(self, piece: str) -> np.ndarray:
        """Cost of each alphabet letter printed as ``piece`` (``piece_cost`` for all of them at
        once); cached, pieces recur across tokens."""
        return self._column_table[self._column_row(piece)]

    def _column_row(self, piece: str) -> int:
        """The row of ``_column_table`` holding ``_column_of(piece)``, added on first use: a
        batch's columns are then gathered by one indexing, not stacked one array at a time."""
        found = self._column_at.get(piece)
        if found is None:
            found = len(self._column_at)
            if found == len(self._column_table):
                self._column_table = np.concatenate([self._column_table, self._column_table])
            self._column_table[found] = self._column_of(piece)
            self._column_at[piece] = found
        return found

    def _prepare_columns(self) -> None:
        """Per alphabet letter, what ``piece_cost`` looks at, as arrays; per printed piece, the
        letters that learned it and their costs."""
        letters = list(ALPHABET)
        self._has_table = np.asarray([x in self.costs for x in letters])
        self._star = np.asarray([self.costs[x]["*"] if x in self.costs else 0.0 for x in letters])
        self._bases = np.asarray([_base(x) for x in letters])
        families = sorted({_family(x) for x in letters})
        self._family_of = np.asarray([families.index(_family(x)) for x in letters])
        self._family_names = families
        self._learned: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        learned: dict[str, list[tuple[int, float]]] = {}
        for n, x in enumerate(letters):
            for printed, cost in self.costs.get(x, {}).items():
                if printed != "*":
                    learned.setdefault(printed, []).append((n, cost))
        for printed, items in learned.items():
            self._learned[printed] = (
                np.asarray([n for n, _ in items], dtype=np.intp),
                np.asarray([c for _, c in items]),
            )

    def _column_of(self, piece: str) -> np.ndarray:
        """``[piece_cost(x, piece) for x in ALPHABET]``, vectorised: the same branches, the same
        floats."""
        single = len(piece) == 1
        # default_cost(x, piece)
        if not single:
            default = np.full(len(ALPHABET), DEFAULT_SUB + DEFAULT_INDEL)
        else:
            base = _base(piece)
            default = np.where(
                self._bases == piece,
                MARK_LOSS,
                np.where(self._bases == base, MARK_CHANGE, DEFAULT_SUB),
            )
            if piece in self._letter:
                default[self._letter[piece]] = 0.0
        unseen = self._star + (0.0 if single else 0.5)
        family_costs = np.asarray(
            [self.family.get(f, {}).get(piece, np.inf) for f in self._family_names]
        )
        unseen = np.minimum(unseen, family_costs[self._family_of] + FAMILY_PENALTY)
        if single:
            same_base = self._bases == _base(piece)
            value = np.where(
                same_base, np.minimum(unseen, UNSEEN_MARK_SWAP), np.maximum(unseen, default)
            )
        else:
            value = np.maximum(unseen, default)
        column = np.where(self._has_table, value, default)
        learned = self._learned.get(piece)
        if learned is not None:
            column[learned[0]] = learned[1]
        return column

    def index_words(self, words: list[str]) -> None:
        """Encode a vocabulary once for ``distances``: each word's letters as alphabet indices
        (one vectorised pass over UTF-32 code points); words with another letter, or longer
        than ``MAX_WORD``, get length -1 and go the Python way."""
        width = MAX_WORD
        lengths = np.asarray([len(w) for w in words], dtype=np.int64)
        padded = "".join(w[:width].ljust(width, "\0") for w in words)
        points = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).reshape(-1, width)
        table = np.full(0x10000, -1, dtype=np.int16)
        for n, ch in enumerate(ALPHABET):
            table[ord(ch)] = n
        codes = table[np.minimum(points, 0xFFFF)]
        codes[points == 0] = 0
        known = (codes[:, :] >= 0).all(axis=1) & (lengths <= width) & (lengths > 0)
        self.word_chars = np.ascontiguousarray(np.maximum(codes, 0))
        self.word_lengths = np.where(known, lengths, -1)
        self.words = words

    def distances(self, printed: str, ids: np.ndarray) -> np.ndarray:
        """``distance(printed, words[i])`` for each word id (``index_words``) in one pass."""
        return self.distances_many([(printed, ids)])[0]

    def distances_many(self, items: list[tuple[str, np.ndarray]]) -> list[np.ndarray]:
        """``distances`` of many printed tokens, each with its word ids: one vectorised pass per
        printed length (a document's new tokens at once), the same floats."""
        if not items:
            return []
        sizes = [len(ids) for _, ids in items]
        owner = np.repeat(np.arange(len(items)), sizes)
        ids = np.concatenate([np.asarray(ids, dtype=np.int64) for _, ids in items])
        flat = self.distances_rows([printed for printed, _ in items], owner, ids)
        return np.split(flat, np.cumsum(sizes)[:-1])

    def distances_rows(self, printed: list[str], owner: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """``distance(printed[owner[r]], words[ids[r]])`` for every row r, laid out flat: one
        vectorised pass per printed length, the rows of a length in their order (a row's
        distance depends on its pair alone: the same floats however the rows are grouped)."""
        normalized = [unicodedata.normalize("NFC", p) for p in printed]
        token_length = np.fromiter(map(len, normalized), dtype=np.int64, count=len(normalized))
        owner = np.asarray(owner, dtype=np.int64)
        ids = np.asarray(ids, dtype=np.int64)
        out = np.empty(len(ids))
        row_length = token_length[owner]
        odd = (row_length == 0) | (row_length > MAX_PRINTED)
        for r in np.flatnonzero(odd).tolist():
            out[r] = self.distance(printed[owner[r]], self.words[int(ids[r])])
        length_key = np.where(odd, 0, row_length)  # the odd rows are done: out of every group
        order = np.argsort(length_key, kind="stable")
        bounds = np.searchsorted(length_key[order], np.arange(MAX_PRINTED + 2)).tolist()
        row, known = self._column_row, self._column_at  # most pieces are known: looked up here
        insert, indel = self.insert.get, DEFAULT_INDEL
        for m in range(1, MAX_PRINTED + 1):
            rows = order[bounds[m] : bounds[m + 1]]
            if not len(rows):
                continue
            owners = owner[rows]
            present = np.zeros(len(printed), dtype=bool)
            present[owners] = True  # the group's tokens, in order (not np.unique's sort)
            tokens = np.flatnonzero(present)
            local = (np.cumsum(present) - 1)[owners]
            texts = [normalized[k] for k in tokens.tolist()]
            at = [known[ch] if ch in known else row(ch) for p in texts for ch in p]
            single = self._column_table[at].reshape(len(texts), m, -1)
            if m >= 2:
                at = [
                    known[two] if (two := p[j : j + 2]) in known else row(two)
                    for p in texts
                    for j in range(m - 1)
                ]
                pair = self._column_table[at].reshape(len(texts), m - 1, -1)
            else:
                pair = self._no_pair[None]
            inserts = np.asarray([[insert(ch, indel) for ch in p] for p in texts])
            row_ids = ids[rows]
            lengths = self.word_lengths[row_ids]
            flat = kernels.batch_distance(
                self.word_chars, self.word_lengths, local, single, pair, self._vanish, inserts,
                rows=row_ids,
            )  # fmt: skip
            for k in np.flatnonzero(lengths < 0).tolist():  # a letter outside the alphabet
                token = printed[int(tokens[local[k]])]
                flat[k] = self.distance(token, self.words[int(row_ids[k])])
            out[rows] = flat
        return out
