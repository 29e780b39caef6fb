"""Is this Vietnamese? A cheap check that also accepts text whose diacritics OCR lost.

A Vietnamese syllable has a fixed shape (onset, vowel nucleus, optional coda), so the share of
tokens with that shape separates Vietnamese, with or without diacritics, from English or French,
whose words are mostly longer clusters.
"""

from __future__ import annotations

import re
from functools import lru_cache

from diacritics.orthography import fold_ascii

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
_NUCLEUS = (
    r"(?:uye|uya|uyu|oai|oay|oeo|uay|uoi|uou|ieu|yeu"
    r"|ia|ie|ua|uo|ue|ui|uy|oa|oe|oi|ai|ao|au|ay|eo|eu|iu|oo|ou|[aeiouy])"
)
_CODA = r"(?:ng|nh|ch|[cmnpt])?"
_SYLLABLE = re.compile(rf"^{_ONSET}{_NUCLEUS}{_CODA}$")
_WORD = re.compile(r"[^\W\d_]+")

MIN_TOKENS = 20
"""Fewer words than this are too few to judge, or to be a plan: short text is never assumed
Vietnamese (a 1-byte file or a line of junk was stored as a plan when it was)."""
VIETNAMESE_THRESHOLD = 0.6


@lru_cache(maxsize=65536)  # a text repeats a few thousand syllables: each is judged once
def syllable_shaped(token: str) -> bool:
    """True when ``token``, stripped of diacritics, has the shape of a Vietnamese syllable."""
    key = fold_ascii(token)
    return bool(_SYLLABLE.match(key))


def vietnamese_share(text: str) -> tuple[float, int]:
    """Share of word tokens shaped like Vietnamese syllables, and the number of tokens seen."""
    tokens = _WORD.findall(text)
    if not tokens:
        return 0.0, 0
    shaped = sum(syllable_shaped(token) for token in tokens)
    return shaped / len(tokens), len(tokens)


def looks_vietnamese(text: str) -> bool:
    """True for Vietnamese text, including legacy OCR that lost every diacritic.

    Judged on every text, short ones too; whether a text is long enough to be a plan is
    ``too_short``'s question.
    """
    share, count = vietnamese_share(text)
    return count > 0 and share >= VIETNAMESE_THRESHOLD


def word_count(text: str) -> int:
    """Word tokens (runs of letters) in ``text``; invisible characters are not letters."""
    return len(_WORD.findall(text))


def too_short(text: str) -> bool:
    """Fewer words than any plan has: the shortest "Kế hoạch" has its header alone over 20."""
    return word_count(text) < MIN_TOKENS
