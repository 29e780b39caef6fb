"""Tokens as the language model sees them, and the corpus split that keeps evaluation honest."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from diacritics.orthography import VOWELS, normalize_tones, strip_marks

UNK, BOS, EOS, NUM = "<unk>", "<s>", "</s>", "<num>"
ABBR = "<abbr>"
"""A rare abbreviation (a letter run without a vowel, "llvt"): its own class, not <unk>, so the
words around one ("LLVT tỉnh", "BCH tỉnh") are predicted from what follows abbreviations."""
SPECIALS = (UNK, BOS, EOS, NUM, ABBR)
HELDOUT_PERCENT = 3
"""Share of corpus documents (by a hash of their id) that training never sees."""

_ALNUM = re.compile(r"[^\W_]+", re.UNICODE)
_DIGIT = re.compile(r"\d")
_MARKED = re.compile(r"[^a-z]")


def is_heldout(doc_id: str) -> bool:
    """True for the ~3% of corpus documents kept out of training for evaluation."""
    digest = hashlib.sha1(doc_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELDOUT_PERCENT


def lm_token(word: str) -> str:
    """The language-model form of one letter/digit run: lower case, modern tones, <num>."""
    if _DIGIT.search(word):
        return NUM
    return word.lower()


_URL = re.compile(r"\S*(://|www\.|@|\.(vn|com|org|net)\b)\S*", re.IGNORECASE)


def is_abbreviation(token: str) -> bool:
    """True for an LM token of letters without a vowel ("llvt", "qđ", "ttg")."""
    return token.isalpha() and not any(c in VOWELS for c in strip_marks(token))


def lm_tokens(line: str) -> list[str]:
    """Language-model tokens of one NFC line (punctuation dropped)."""
    return [lm_token(m.group(0)) for m in _ALNUM.finditer(normalize_tones(line))]


def training_tokens(line: str) -> list[str]:
    """Tokens of a corpus line fit to learn from: no addresses, no lines without marks.

    A corpus line of several words and no diacritic at all is stripped text (a file name, a URL
    slug, an English line): learning from it would teach the model that "yeu cau" is Vietnamese.
    """
    tokens = lm_tokens(_URL.sub(" ", line))
    words = [t for t in tokens if t.isalpha()]
    if len(words) >= 3 and not any(_MARKED.search(w) for w in words):
        return []
    return tokens


def metric_tokens(text: str) -> list[str]:
    """Tokens of the restoration metric: letter/digit runs of the NFC, lower-cased text."""
    return _ALNUM.findall(unicodedata.normalize("NFC", text).lower())


def corpus_documents(shared: Path, heldout: bool) -> Iterator[tuple[str, str]]:
    """(id, text) of the legal corpus documents on one side of the split."""
    with gzip.open(shared / "corpus" / "legal_vi.jsonl.gz", "rt", encoding="utf-8") as lines:
        for raw in lines:
            doc = json.loads(raw)
            if is_heldout(doc["id"]) == heldout:
                yield doc["id"], unicodedata.normalize("NFC", doc["text"])
