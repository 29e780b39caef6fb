"""The OCR channel: how likely a printed string is, given the syllable that was meant.

Costs are -log10 P(printed piece | intended character), learned by aligning Tesseract output of
rendered corpus pages with their truth (``diacritics.learn_channel``); a weighted edit distance with
pieces of 0–2 printed characters per intended character scores a (printed, intended) pair. Without
learned data the costs fall back to a generic shape: marks lost cheaply, letters changed dearly.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from diacritics.orthography import strip_marks

MAX_PIECE = 2
DEFAULT_SUB = 2.5
DEFAULT_INDEL = 2.5
MARK_LOSS = 0.6
MARK_CHANGE = 1.2


@lru_cache(maxsize=4096)
def _base(ch: str) -> str:
    return strip_marks(ch).lower()


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
                if printed != "*":
                    self.printed_words.setdefault(printed, {})[intended] = cost

        self.letters_for = self._inverse_letters()

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
        return {p: sorted(b, key=b.get)[:3] for p, b in seen.items()}  # type: ignore[arg-type]

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
        """Read a channel table written by ``diacritics.learn_channel``; empty when absent."""
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
        return max(unseen, default_cost(intended, printed))

    def insert_cost(self, printed: str) -> float:
        """Cost of a printed character with nothing intended (dust, stray marks)."""
        return self.insert.get(printed, DEFAULT_INDEL)

    @lru_cache(maxsize=1_000_000)  # noqa: B019 - one channel per process, cached by design
    def distance(self, printed: str, intended: str) -> float:
        """Weighted edit distance: cheapest way the intended syllable became the printed token."""
        p = unicodedata.normalize("NFC", printed)
        n, m = len(intended), len(p)
        inf = float("inf")
        row = [0.0] + [inf] * m
        for j in range(1, m + 1):
            row[j] = row[j - 1] + self.insert_cost(p[j - 1])
        for i in range(1, n + 1):
            x = intended[i - 1]
            new = [row[0] + self.piece_cost(x, "")] + [inf] * m
            for j in range(1, m + 1):
                best = new[j - 1] + self.insert_cost(p[j - 1])
                for k in range(1, min(MAX_PIECE, j) + 1):
                    cand = row[j - k] + self.piece_cost(x, p[j - k : j])
                    if cand < best:
                        best = cand
                cand = row[j] + self.piece_cost(x, "")
                new[j] = min(best, cand)
            row = new
        return row[m]
