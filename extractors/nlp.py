"""spaCy phrase matching for vocabularies whose phrases OCR and restoration may leave damaged.

A plan's award forms ("Bằng khen", "Huân chương Lao động") must be found even where restoration
left the words bare ("Bang khen") or OCR changed a letter ("Béng khen", "Giéy khen"). Tokens are
normalised to their unmarked lower case and, where a long word is one letter away from exactly one
vocabulary word, to that word; a spaCy ``PhraseMatcher`` on that norm then finds the phrases,
longest first.

The pipeline is ``spacy.blank("vi")`` without pyvi: word segmentation adds nothing to matching
syllable sequences and pyvi costs seconds to load; tokens come from a small word/punctuation split
that keeps every token's offset into the text. spaCy loads lazily, once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from diacritics.orthography import fold_ascii

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

TOKEN = re.compile(r"\w+|[^\w\s]")
# Shorter words stay exact: one letter changes too many short Vietnamese syllables into others.
FUZZY_MIN_LENGTH = 4


@dataclass(frozen=True)
class PhraseSpan:
    """A vocabulary phrase found in a text: its character span and the vocabulary's spelling."""

    start: int
    end: int
    phrase: str


@cache
def blank_vi() -> Language:
    """A blank Vietnamese spaCy pipeline without pyvi (its segmentation is not needed here)."""
    import spacy  # here, so that commands that never match phrases never import spaCy

    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


def make_doc(text: str) -> Doc:
    """A spaCy Doc of words and punctuation marks, each token at its offset in ``text``."""
    from spacy.tokens import Doc

    found = list(TOKEN.finditer(text))
    words = [match.group(0) for match in found]
    spaces = [
        index + 1 < len(found) and found[index + 1].start() > match.end()
        for index, match in enumerate(found)
    ]
    doc = Doc(blank_vi().vocab, words=words, spaces=spaces)
    # Doc rebuilds the text from words and spaces; runs of spaces and newlines collapse, so the
    # original offsets are kept beside it.
    doc.user_data["offsets"] = [(match.start(), match.end()) for match in found]
    return doc


def _normaliser(vocabulary: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """A function from a token to its norm: unmarked lower case, one-letter slips mended."""
    words = {fold_ascii(word) for phrase in vocabulary for word in TOKEN.findall(phrase)}
    long_words = [word for word in words if len(word) >= FUZZY_MIN_LENGTH]

    @lru_cache(maxsize=65536)  # bounded: a long batch meets many distinct tokens
    def norm(token: str) -> str:
        folded = fold_ascii(token)
        if folded in words or len(folded) < FUZZY_MIN_LENGTH or not folded.isalpha():
            return folded
        near = [
            word
            for word in long_words
            if len(word) == len(folded)
            and word[0] == folded[0]
            and Levenshtein.distance(word, folded, score_cutoff=1) <= 1
        ]
        return near[0] if len(near) == 1 else folded

    return norm


class VocabularyMatcher:
    """Finds the phrases of one vocabulary in texts, tolerant of missing marks and OCR slips."""

    def __init__(self, phrases: tuple[str, ...]) -> None:
        from spacy.matcher import PhraseMatcher

        self._norm = _normaliser(phrases)
        self._matcher: PhraseMatcher = PhraseMatcher(blank_vi().vocab, attr="NORM")
        self._phrases: dict[str, str] = {}
        for index, phrase in enumerate(phrases):
            key = f"phrase{index}"
            self._phrases[key] = phrase
            self._matcher.add(key, [self._normed(make_doc(phrase))])

    def _normed(self, doc: Doc) -> Doc:
        for token in doc:
            token.norm_ = self._norm(token.text)
        return doc

    def find(self, text: str) -> list[PhraseSpan]:
        """Non-overlapping phrases in ``text``, the longest where two overlap, in text order."""
        from spacy.util import filter_spans

        doc = self._normed(make_doc(text))
        offsets = doc.user_data["offsets"]
        spans = filter_spans(self._matcher(doc, as_spans=True))
        return [
            PhraseSpan(offsets[span.start][0], offsets[span.end - 1][1], self._phrases[span.label_])
            for span in sorted(spans, key=lambda span: span.start)
        ]
