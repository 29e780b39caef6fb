"""Text accuracy metrics every benchmark shares: CER, WER and syllable accuracy.

All metrics compare NFC text. ``tokens`` follows the definition of issue 3: the maximal runs of
letters and digits of the NFC, lower-cased text; punctuation and spacing never count as syllables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from diacritics.orthography import strip_marks

_TOKEN = re.compile(r"[^\W_]+")  # letters and digits, no underscore
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFC with every run of whitespace collapsed to one space, ends stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def tokens(text: str) -> list[str]:
    """Maximal runs of letters and digits of the NFC, lower-cased text."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def _rate(distance: int, length: int) -> float:
    """Errors per reference unit; an empty reference scores 0 only against an empty prediction."""
    if length == 0:
        return 0.0 if distance == 0 else 1.0
    return distance / length


def sequence_distance(gold: Sequence[str], predicted: Sequence[str]) -> int:
    """Levenshtein distance between two sequences (of characters or of tokens)."""
    return int(Levenshtein.distance(gold, predicted))


def cer(gold: str, predicted: str) -> float:
    """Character error rate with whitespace collapsed and NFC on both sides."""
    g, p = normalize(gold), normalize(predicted)
    return _rate(sequence_distance(g, p), len(g))


def wer(gold: str, predicted: str) -> float:
    """Word error rate over whitespace-separated words (NFC, case and punctuation kept)."""
    g, p = normalize(gold).split(), normalize(predicted).split()
    return _rate(sequence_distance(g, p), len(g))


def syllable_accuracy(gold: str, predicted: str) -> float:
    """1 − Levenshtein(gold tokens, predicted tokens) / number of gold tokens (issue 3's metric)."""
    g, p = tokens(gold), tokens(predicted)
    return 1.0 - _rate(sequence_distance(g, p), len(g))


def mark_cer(gold: str, predicted: str) -> float:
    """The share of the CER that only diacritics make: CER minus the CER of both texts stripped
    of every mark (tone and quality, đ → d), so "tô" for "tổ" counts here and "to" for "do" not."""
    stripped = cer(strip_marks(normalize(gold)), strip_marks(normalize(predicted)))
    return max(0.0, cer(gold, predicted) - stripped)
