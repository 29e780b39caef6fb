"""One printed line read more than once: the reading kept is chosen by evidence, not by engine.

A line may be read by Tesseract on the whole page, by Tesseract on a crop of its column
(``closing_geometry``) and by a second recogniser (``second_reader``). None of them is always
right: the whole page reads a clean synthetic list better than its crop ("Tỉnh ủy;" where the crop
gave "Tỉnh Ủy; 3"), the crop reads a real closing block under a seal better ("BỘ TRƯỞNG" where the
page gave "BỌ TRƯƠNG"). Each reading is scored by what can be measured on it:

- the recogniser's confidence in its words (mean over the words that hold a letter or digit);
- the restoration language model's log10 probability per token of the reading (a misread tone
  mark makes a syllable pair the corpus never wrote);
- agreement: a reading another reader gave too is worth more than one only it gave.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from diacritics.text import lm_tokens
from pipeline.scan import Row, Token

LM_WEIGHT = 0.25  # one unlikely syllable pair (about −2 log10 over a 6-token line) ≈ 0.08 conf
AGREE_BONUS = 0.05  # per other reading with the same text
CAPITALS = 0.8  # share of capital letters from which a line is an all-capital line


@dataclass(frozen=True)
class Reading:
    """One reading of a printed line: its words with boxes and confidences."""

    tokens: tuple[Token, ...]

    @property
    def text(self) -> str:
        return " ".join(t.text for t in sorted(self.tokens, key=lambda t: t.x0))


@lru_cache(maxsize=1)
def language_model():  # type: ignore[no-untyped-def]
    """The restorer's trigram model, loaded once per process and shared with restoration;
    the restorer's candidate tables are not built for it."""
    from diacritics.restorer import default_lm

    return default_lm()


@lru_cache(maxsize=4096)
def lm_per_token(text: str) -> float:
    """log10 probability per token of a line under the restoration language model."""
    tokens = lm_tokens(text)
    if not tokens:
        return -10.0  # no letter or digit: no line
    return language_model().score_tokens(tokens) / (len(tokens) + 1)


def mean_confidence(tokens: Sequence[Token]) -> float:
    """Mean confidence of the words that hold a letter or digit (all words when none does)."""
    lettered = [t.conf for t in tokens if any(c.isalnum() for c in t.text)]
    confs = lettered or [t.conf for t in tokens]
    return sum(confs) / len(confs) if confs else 0.0


def _key(text: str) -> str:
    return " ".join(text.split())


def evidence(reading: Reading, others: Sequence[Reading]) -> float:
    """The score a reading is chosen by: confidence, language model, agreement."""
    agree = sum(_key(o.text) == _key(reading.text) for o in others)
    return (
        mean_confidence(reading.tokens)
        + LM_WEIGHT * lm_per_token(reading.text)
        + AGREE_BONUS * agree
    )


def choose(readings: Sequence[Reading]) -> Reading:
    """The reading with the most evidence; the first given wins a tie (deterministic). Two
    readings that split into the same words also compete with their word-by-word merge."""
    if len({_key(r.text) for r in readings}) == 1:
        return readings[0]
    if len(readings) == 2 and (merged := merge_words(*readings)) is not None:
        readings = [*readings, merged]
    scored = [
        (evidence(r, [o for j, o in enumerate(readings) if j != i]), -i)
        for i, r in enumerate(readings)
    ]
    return readings[-max(scored)[1]]


def merge_words(first: Reading, second: Reading) -> Reading | None:
    """Two readings split into the same words, merged word by word: each word where they differ
    taken from the reading that makes the line likelier under the language model (greedy, left
    to right; the surer word on a tie). None when the words do not pair up.

    A line often holds one syllable each reader got wrong ("thấm quyền … triển" and "thẩm
    quyền … triền"): neither whole reading is right, the merge is.
    """
    a = sorted(first.tokens, key=lambda t: t.x0)
    b = sorted(second.tokens, key=lambda t: t.x0)
    if len(a) != len(b) or not a:
        return None
    words = list(a)
    for i, (mine, other) in enumerate(zip(a, b, strict=True)):
        if mine.text == other.text:
            continue
        swapped = [*words[:i], mine._replace(text=other.text, conf=other.conf), *words[i + 1 :]]
        now, then = (lm_per_token(" ".join(t.text for t in w)) for w in (words, swapped))
        if then > now or (then == now and other.conf > mine.conf):
            words = swapped
    return Reading(tuple(words))


def is_all_capitals(text: str) -> bool:
    """A heading or title typed in capitals ("TỔ CHỨC THỰC HIỆN"), a few misread letters aside.

    Only words of letters count: a reference code ("/KH-BCA-C04") is capitals in any line.
    """
    words = [w for w in text.split() if w.strip(".,:;()").isalpha() and len(w) >= 2]
    letters = [c for w in words for c in w if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= CAPITALS * len(letters)


def keep_capitals(row: Row, like: str) -> Row:
    """The row's words in capitals when the line they replace was an all-capital line."""
    if not is_all_capitals(like):
        return row
    return [t._replace(text=t.text.upper()) for t in row]
