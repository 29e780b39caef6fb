"""A line cut into the words the restorer decodes ("pieces"), and lines joined into sentences.

OCR loses and invents spaces: a quote may stand where a space was ("va'kiém"), a letter and a
digit may be printed apart ("T 6 quéc"), and a sentence wraps over several lines. These rules need
no model; cutting words run together without any mark ("VANPHONG") needs the syllable inventory
and lives with the restorer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from diacritics.candidates import printed_key
from diacritics.orthography import is_key_shape, strip_marks

_PART = re.compile(r"[^.,;:!?\"“”()\[\]«»…–—\-*/<>|=]+")
"""A word between punctuation; a quote inside a word is OCR garble ("phu’o‘ng") or a lost space."""
_SNAKE = re.compile(r"[^\W_]*[aeiouy][^\W_]*(?:_[^\W_]*[aeiouy][^\W_]*)+")
"""Words with a vowel each joined by "_": a program's placeholder ("biểu_thức", "tập_tin"),
restored word by word. OCR prints "_" for specks ("ti_nh", "Trung_", "ch(r_c"): those stay one
word, as their "_" has no vowel on one side (own OCR 97.34 -> 97.41% with this rather than any
"_" cutting)."""
_BASE_VOWEL = re.compile(r"[aeiouy]")
_JOINED = re.compile(r"([^\W\d_]{2,})['’`]([^\W\d_]{2,})")
"""Two words joined by a quote where OCR may have lost the space."""
_SHORT_LETTERS = re.compile(r"^[^\W\d_]{1,2}$")
_LONE_CHARACTER = re.compile(r" \S(?: |\Z)")
"""A character alone after a space (a digit ``merge_split`` may join is one)."""
_SENTENCE_END = ".:;!?"
WRAPPED_SHARE = 0.7
"""A line this share of the document's long lines' length fills the page width: it wraps."""
_ITEM_START = re.compile(r"^\s*(?:\d+[.)]|[a-zđ][.)]\s|[IVX]+\.|[-+•*–])")


PLACEHOLDER = re.compile(r"%(\d+\$)?[-+ #0']*\d*(\.\d+)?[hlLqjzt]*[a-zA-Z%]|\$\{?\w+\}?|\{\w*\}")
"""printf and template placeholders ("%s", "%lu", "%1$s", "${name}", "{0}"): program text."""
OPTION = re.compile(r"^--[A-Za-z][\w-]*|^-[A-Za-z]{1,2}(?=[,=]?$)")
"""A command-line option ("--no-ignore-case", "-a", "-nt"): kept as printed, what follows "="
is restored."""
CODE = re.compile(r"^(?=(?:.*[A-Z]){2})(?=.*\d)[A-Z0-9]+$")
"""Two capitals or more and a digit ("QH15", "QHI5", "C04B"): a code, never a word ("T6" has
one capital: a garbled "Tổ")."""
WORD_DIGITS = re.compile(r"^([^\W\d_]{2,})(\d+)$")
"""Letters then digits ("so1", "tin2"): outside OCR garble, a word with a number appended."""
_NO_VOWEL = re.compile(
    r"^[^aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]+$"
)


class Piece(NamedTuple):
    """A word to restore inside a line: where it is and what it says (a tuple: built per word)."""

    start: int
    end: int
    text: str
    fixed: str | None = None  # the LM token of a word that must not change (number, symbol)
    chunk: int = 0  # index of the whitespace-separated chunk the word came from
    abbreviation: bool = False  # an upper-case abbreviation: only its own spelling variants
    spaced: bool = False  # OCR lost the space before this word: the output puts it back


def words(core: str, left: int) -> Iterator[tuple[str, int, bool]]:
    """The words of a chunk's core, where they start and whether a space was lost before them:
    cut at punctuation and at a quote that stands for a space ("va'kiém" → "va", "kiém")."""
    for part in _PART.finditer(core):
        word, start = part.group(0), left + part.start()
        if "_" in word and _SNAKE.fullmatch(strip_marks(word.lower())):
            for snake in re.finditer(r"[^_]+", word):
                yield snake.group(0), start + snake.start(), False
            continue
        joined = _JOINED.fullmatch(word)
        if joined is None or not lost_space(joined[1], joined[2]):
            yield word, start, False
            continue
        yield joined[1], start, False
        yield joined[2], start + len(joined[1]) + 1, True


def lost_space(left: str, right: str) -> bool:
    """True when a quote between two words stands for a space: each side has a vowel and the
    whole is no syllable; after u/o the quote is a horn ("thu’dng" is "thường")."""
    left, right = strip_marks(left.lower()), strip_marks(right.lower())
    return (
        left[-1] not in "uo"
        and _BASE_VOWEL.search(left) is not None
        and _BASE_VOWEL.search(right) is not None
        and not is_key_shape(left + right)
    )


def merge_split(line: str, pieces: list[Piece]) -> list[Piece]:
    """Join a short word and a lone digit OCR split apart ("T 6 quéc" → one piece "T6")."""
    if _LONE_CHARACTER.search(line) is None:
        return pieces  # no lone character between spaces: nothing to join (most lines)
    out: list[Piece] = []
    for piece in pieces:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.fixed is None
            and piece.text.isdigit()
            and len(piece.text) == 1
            and _SHORT_LETTERS.match(prev.text)
            and not is_key_shape(printed_key(prev.text))  # "T 6" is "Tổ"; "số 3" is a number
            and line[prev.end : piece.start] == " "
            and line[piece.end : piece.end + 1] in ("", " ")  # "Ví dụ 1:" is a number
        ):
            out[-1] = Piece(prev.start, piece.end, prev.text + piece.text, None, prev.chunk)
            continue
        out.append(piece)
    return out


def full_width(lines: list[str]) -> int:
    """Length from which a line counts as filling the page width (a wrapped line, not a heading):
    most of the length of the document's longest lines."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return 0
    return int(WRAPPED_SHARE * lengths[int(0.9 * (len(lengths) - 1))])


def continues(previous: str, line: str) -> bool:
    """True when ``line`` goes on with the sentence ``previous`` wrapped: no sentence end before
    the break, no list item, heading number or dash after it."""
    before, after = previous.rstrip(), line.lstrip()
    if not before or not after or before[-1] in _SENTENCE_END:
        return False
    return _ITEM_START.match(after) is None


def lower_abbreviation(text: str) -> bool:
    """A lower-case word without a vowel ("hdnd", "qd", a letter "t" of "t.tin1")."""
    return text.isalpha() and text.islower() and _NO_VOWEL.match(text) is not None


def split_word_digits(piece: Piece) -> list[Piece]:
    """A word with digits appended ("so1", "nguyen2": program text, numbered names) as the word
    and a number; any other piece as it is."""
    found = WORD_DIGITS.match(piece.text) if piece.fixed is None else None
    if found is None or not is_key_shape(printed_key(found[1])):
        return [piece]
    cut = piece.start + len(found[1])
    return [
        piece._replace(end=cut, text=found[1]),
        Piece(cut, piece.end, found[2], "<num>", piece.chunk),
    ]
