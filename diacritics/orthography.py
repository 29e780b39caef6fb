"""Vietnamese spelling: tone marks, their modern placement, stripped keys and syllable shape.

Everything here is pure string work on NFC text; the model files and the decoder build on it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONE_MARKS = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
"""Combining tone marks (huyền, sắc, hỏi, ngã, nặng) and their tone numbers."""
TONE_CHARS = {tone: mark for mark, tone in TONE_MARKS.items()}
QUALITY_MARKS = frozenset("\u0302\u0306\u031b")  # circumflex, breve, horn
VOWELS = frozenset("aăâeêioôơuưy")
MARKED_VOWELS = frozenset("ăâêôơư")
ONSETS = (
    "ngh",
    "ng",
    "nh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ph",
    "qu",
    "th",
    "tr",
    "b",
    "c",
    "d",
    "đ",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "x",
    "",
)
CODAS = frozenset(["", "c", "ch", "m", "n", "ng", "nh", "p", "t"])
STOP_CODAS = frozenset(["c", "ch", "p", "t"])
VIETNAMESE_LETTERS = frozenset(
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?([aăâeêioôơuưy]{1,3})(ch|ng|nh|[cmnpt])?$"
)
VALID_NUCLEI = frozenset(
    [
        "a",
        "ă",
        "â",
        "e",
        "ê",
        "i",
        "o",
        "ô",
        "ơ",
        "u",
        "ư",
        "y",
        "ai",
        "ao",
        "au",
        "ay",
        "âu",
        "ây",
        "eo",
        "êu",
        "ia",
        "iu",
        "iê",
        "oa",
        "oă",
        "oe",
        "oi",
        "oo",
        "ôi",
        "ơi",
        "ua",
        "uâ",
        "ue",
        "uê",
        "ui",
        "uô",
        "uơ",
        "uy",
        "ưa",
        "ưi",
        "ưu",
        "ươ",
        "yê",
        "oai",
        "oao",
        "oay",
        "oeo",
        "uây",
        "uôi",
        "uya",
        "uyê",
        "uyu",
        "ươi",
        "ươu",
        "iêu",
        "yêu",
    ]
)


_TABLE_END = 0x3000
"""Characters below this strip through one table; above it (Hangul, ...) decomposition differs."""


def _strip_slow(text: str) -> str:
    """``strip_marks`` by decomposition, for any text."""
    decomposed = unicodedata.normalize("NFD", text)
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return base.replace("đ", "d").replace("Đ", "D")


_STRIP_TABLE = {
    cp: _strip_slow(chr(cp)) for cp in range(_TABLE_END) if _strip_slow(chr(cp)) != chr(cp)
}


def strip_marks(text: str) -> str:
    """Remove every diacritic (tone and quality) and map đ to d: the stripped key."""
    if text and ord(max(text)) >= _TABLE_END:
        return _strip_slow(text)
    # per-character mapping equals decomposing the whole text: the dropped marks never compose
    return text.translate(_STRIP_TABLE)


def _folded_char(char: str) -> str:
    stripped = strip_marks(char)
    return stripped if len(stripped) == 1 else char


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that folds each character the first time it is met."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _folded_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


@lru_cache(maxsize=4096)  # extractors fold the same sentence again for each thing they look for
def fold_ascii(text: str) -> str:
    """Lower case without diacritics (đ → d), one output character per input character.

    Comparing folded text lets headings and keywords that OCR or restoration left without their
    marks ("MUC PICH, YEU CAU", "Can cu") still match, and spans found in the folded text index
    the original. One ``str.translate`` (300 corpus texts: extraction 4.4 → 3.8 CPU s).
    """
    return unicodedata.normalize("NFC", text).lower().translate(_FOLD_TABLE)


def strip_tone(text: str) -> tuple[str, int]:
    """Split a syllable into its toneless NFC form and its tone number (0 for level tone)."""
    decomposed = unicodedata.normalize("NFD", text)
    tone = 0
    kept = []
    for ch in decomposed:
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _nucleus_span(lower: str) -> tuple[int, int] | None:
    """Start and end of the vowel cluster of a toneless syllable, onset glide excluded."""
    start = 0
    if (
        lower.startswith("qu")
        and len(lower) > 2
        and lower[2] in VOWELS
        or lower.startswith("gi")
        and len(lower) > 2
        and lower[2] in VOWELS
    ):
        start = 2
    while start < len(lower) and lower[start] not in VOWELS:
        start += 1
    if start == len(lower):
        return None
    end = start
    while end < len(lower) and lower[end] in VOWELS:
        end += 1
    return start, end


def tone_position(toneless: str) -> int | None:
    """Index of the letter carrying the tone, as current documents place it ("hòa", "Ủy")."""
    lower = toneless.lower()
    span = _nucleus_span(lower)
    if span is None:
        return None
    start, end = span
    nucleus = lower[start:end]
    marked = [i for i, ch in enumerate(nucleus) if ch in MARKED_VOWELS]
    if marked:
        return start + marked[-1]
    if len(nucleus) == 1:
        return start
    if end < len(lower):  # a closed syllable takes the tone on its last vowel ("hoàn", "khuỳnh")
        return end - 1
    if len(nucleus) >= 3:
        return start + 1
    return start  # open "oa", "oe", "uy" too: the placement current documents use


def place_tone(toneless: str, tone: int) -> str:
    """Put ``tone`` on a toneless syllable in the modern position; NFC out."""
    if tone == 0:
        return toneless
    position = tone_position(toneless)
    if position is None:
        return toneless
    head = toneless[: position + 1]
    tail = toneless[position + 1 :]
    marked = unicodedata.normalize("NFD", head) + TONE_CHARS[tone]
    return unicodedata.normalize("NFC", marked + tail)


@lru_cache(maxsize=200_000)
def modern_tone(word: str) -> str:
    """Re-place the tone mark of one Vietnamese word as current documents do ("hoà" → "hòa")."""
    toneless, tone = strip_tone(word)
    if tone == 0:
        return word
    if not is_syllable_shape(toneless.lower()):
        return word
    return place_tone(toneless, tone)


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def normalize_tones(text: str) -> str:
    """Apply the modern tone placement to every word of an NFC text."""
    return _WORD.sub(lambda m: modern_tone(m.group(0)), unicodedata.normalize("NFC", text))


@lru_cache(maxsize=200_000)
def is_syllable_shape(toneless_lower: str) -> bool:
    """True when a toneless lower-case string is onset + valid nucleus + coda."""
    match = _SYLLABLE.match(toneless_lower)
    if not match:
        return False
    onset, nucleus = match.group(1) or "", match.group(2)
    if onset == "qu" and nucleus.startswith("u"):
        return False
    if onset == "gi" and nucleus.startswith("i") and len(nucleus) > 1:
        return False
    return nucleus in VALID_NUCLEI or (onset in ("qu", "gi") and nucleus[0] in VOWELS)


KEY_NUCLEI = frozenset(strip_marks(n) for n in VALID_NUCLEI)
_KEY = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?([aeiouy]{1,3})(ch|ng|nh|[cmnpt])?$"
)


@lru_cache(maxsize=200_000)
def is_key_shape(key: str) -> bool:
    """True when a stripped lower-case key ("viet") could be a syllable once marks are added."""
    match = _KEY.match(key)
    return match is not None and match.group(2) in KEY_NUCLEI


@lru_cache(maxsize=200_000)
def is_syllable(word: str) -> bool:
    """True when ``word`` (any case) is a well-formed Vietnamese syllable, tone rules included."""
    lower = word.lower()
    toneless, tone = strip_tone(lower)
    if not is_syllable_shape(toneless):
        return False
    coda = re.search(r"(ch|c|p|t)$", toneless)
    if coda and tone not in (2, 5):
        return False
    return modern_tone(lower) == lower


def has_marks(text: str) -> bool:
    """True when ``text`` carries any Vietnamese diacritic (or đ)."""
    return strip_marks(text) != text
