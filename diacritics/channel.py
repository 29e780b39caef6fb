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


def _base(ch: str) -> str:
    return strip_marks(ch).lower()


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

    def __init__(self, costs: Mapping[str, Mapping[str, float]] | None = None) -> None:
        self.costs = {k: dict(v) for k, v in (costs or {}).items()}
        self.insert = dict(self.costs.pop("", {}))

    @classmethod
    def load(cls, path: Path) -> Channel:
        """Read a channel table written by ``diacritics.learn_channel``; empty when absent."""
        if not path.is_file():
            return cls()
        return cls(json.loads(path.read_text(encoding="utf-8"))["costs"])

    def piece_cost(self, intended: str, printed: str) -> float:
        """-log10 P(printed | intended char), learned when seen, generic otherwise."""
        table = self.costs.get(intended)
        if table is not None and printed in table:
            return table[printed]
        cost = default_cost(intended, printed)
        return cost if table is None or cost == 0.0 else cost + 0.5

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
