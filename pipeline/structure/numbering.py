"""Numbering tokens read tolerantly: what a line opens with, as OCR may have printed it.

A scan turns "III." into "TH.", "II." into "11." or "Il,", "Điều 12." into "Điểu l2."; the reader
offers every plausible reading (``Marker.loose`` marks the ones that need the sequence's support)
and ``pipeline.structure.levels`` keeps the one the document's numbering expects next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz.distance import Levenshtein

# Vietnamese letter order of điểm (Nghị định 30/2020: a, b, c, d, đ, e, …).
LETTERS = "abcdđeghiklmnopqrstuvxy"
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
VALID_ROMAN = re.compile(r"^(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
SEP = r"[.:\-–,]"
ROMAN_LINE = re.compile(rf"^(?P<label>[IVXLlTHYi1|!]{{1,5}})\s*(?P<sep>{SEP})\s*(?P<text>\S.*)$")
# "IV KIẾN NGHỊ": the period OCR lost; only a heading in capitals, and only where expected
ROMAN_BARE = re.compile(r"^(?P<label>[IVXLlTH1]{1,4})\s+(?P<text>[A-ZĐÀ-Ỹ]{2}.*)$")
ARABIC_LINE = re.compile(
    r"^(?P<label>\d{1,2}(?:\.\d{1,2}){0,3})(?P<sep>[.)])\s*(?P<text>[^\d\s].*)$"
    r"|^(?P<label2>\d{1,2}(?:\.\d{1,2}){1,3})\s+(?P<text2>[^\d\s].*)$"
    r"|^(?P<label3>[\dlI|]{1,2})[,.]\s+(?P<text3>[^\W\d].*)$"
    r"|^(?P<label4>\d{1,2})\s+(?P<text4>[A-ZĐÀ-Ỹ].*)$"
)
LETTER_LINE = re.compile(r"^(?P<label>[a-zđ])\s?\)\s*(?P<text>\S.*)$")
BULLET_LINE = re.compile(r"^(?P<label>[-–—+*•·▪●○◦✓])\s*(?P<text>\S.*)$")
HEAD_LINE = re.compile(
    r"^(?P<word>[^\W\d_](?:[^\W_]|[@&$¢©€’'|]){1,6}(?:\s+[^\W\d_]{2,4})?)\s+(?P<token>[0-9IVXLlOoTHi|!]{1,5}|th[uứ]\s+\S+)"
    r"(?:\s*(?P<sep>[.:\-–,])\s*|\s+|$)(?P<text>.*)$",
    re.IGNORECASE,
)
ORDINALS = {
    "nhat": 1, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
    "muoi": 10,
}  # fmt: skip
HEAD_LOOKALIKES = str.maketrans({"1": "i", "l": "i", "0": "o", "€": "e", "@": "e", "|": "i"})
DIGIT_LOOKALIKES = str.maketrans(
    {"l": "1", "I": "1", "|": "1", "!": "1", "i": "1", "O": "0", "o": "0"}
)


@dataclass(frozen=True)
class Marker:
    """The numbering a line opens with: its style, label as printed, value and the rest."""

    style: str  # part, chapter, legal_section, subsection, article, roman, arabic1.., letter, dash…
    label: str
    value: int
    text: str
    loose: bool = False  # read through an OCR confusion; kept only if the sequence expects it
    sep: str = ""  # the separator printed after a Roman numeral ("." "," ":"), "" when none


def roman_value(token: str, loose: bool = False) -> int | None:
    """Value of a Roman numeral; ``loose`` reads OCR look-alikes (1, l, |, T → I; H → II)."""
    if loose:
        token = re.sub(r"[l1|!iT]", "I", token).replace("H", "II").replace("Y", "V")
    if not token or not VALID_ROMAN.match(token):
        return None
    total = 0
    for index, char in enumerate(token):
        value = ROMAN_VALUES[char]
        following = ROMAN_VALUES[token[index + 1]] if index + 1 < len(token) else 0
        total += -value if value < following else value
    return total or None


def to_roman(value: int) -> str:
    """The Roman numeral of 1–49."""
    out = ""
    for number, letters in ((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out += letters
            value -= number
    return out


def arabic_value(token: str) -> int | None:
    """Value of a one- to three-digit number, digits OCR printed as letters read back."""
    token = token.translate(DIGIT_LOOKALIKES)
    return int(token) if token.isdigit() and len(token) <= 3 else None


def letter_value(letter: str) -> int:
    """1-based position of a điểm letter in Vietnamese order; 0 when it is not one."""
    index = LETTERS.find(letter)
    return index + 1


@cache
def _heads() -> dict[str, str]:
    from diacritics.orthography import fold_ascii
    from extractors.vocab import load_yaml

    return {
        fold_ascii(word): kind for word, kind in load_yaml("structure.yaml")["legal_heads"].items()
    }


def head_style(word: str) -> str | None:
    """The legal head a word names ("Điều", OCR "Điểu", "Diều" → article), compared unaccented."""
    from diacritics.orthography import fold_ascii

    key = re.sub(r"\s+", " ", fold_ascii(word)).replace("đ", "d").replace("ð", "d")
    key = key.translate(HEAD_LOOKALIKES)
    heads = _heads()
    if key in heads:
        return heads[key]
    for head, kind in heads.items():
        if (
            len(head) >= 4
            and abs(len(key) - len(head)) <= 1
            and Levenshtein.distance(key, head) <= 1
        ):
            return kind
    return None


STYLE_OF_HEAD = {
    "part": "part",
    "chapter": "chapter",
    "section": "legal_section",
    "subsection": "subsection",
    "article": "article",
}


def _head_value(token: str, style: str) -> tuple[int, bool] | None:
    from diacritics.orthography import fold_ascii

    folded = fold_ascii(token)
    if folded.startswith("thu "):
        word = folded.split()[-1]
        return (
            (1, False)
            if word == "nhat"
            else ((ORDINALS[word], False) if word in ORDINALS else None)
        )
    if token.isdigit():
        return int(token), False
    if style != "article":
        value = roman_value(token) if token.isupper() else None
        if value is not None:
            return value, False
        value = roman_value(token, loose=True)
        if value is not None and not token.isdigit():
            return value, True
    value = arabic_value(token)
    return (value, True) if value is not None else None


def read_head(text: str) -> Marker | None:
    """A legal head: "Chương II", "Mục 1", "Điều 5. Title", "Phần thứ nhất", OCR-tolerant."""
    found = HEAD_LINE.match(text)
    if found is None or not text[:1].isupper():
        return None
    kind = head_style(found.group("word"))
    if kind is None:
        return None
    style = STYLE_OF_HEAD[kind]
    value = _head_value(found.group("token"), style)
    if value is None:
        return None
    rest = found.group("text").strip()
    if style != "article" and rest and not found.group("sep") and not _capital(rest):
        return None  # "Mục tiêu", "Phần lớn": a word, not a number
    if style == "article" and rest and not found.group("sep") and not _capital(rest):
        return None  # "Điều 5 của Luật …" wrapped to a line start
    label = found.group("token")
    if not label.isdigit() and style == "article":
        label = str(value[0])
    return Marker(style, label, value[0], rest, loose=value[1])


def _capital(text: str) -> bool:
    return text[:1].isupper() or text[:1] in '("“'


def read_markers(text: str) -> list[Marker]:
    """Every reading of a line's opening numbering, strict readings first."""
    out: list[Marker] = []
    head = read_head(text)
    if head is not None:
        out.append(head)
    found = ROMAN_LINE.match(text)
    bare = None if found else ROMAN_BARE.match(text)
    if found or bare:
        token = (found or bare).group("label")  # type: ignore[union-attr]
        strict = roman_value(token) if found and found.group("sep") != "," else None
        value = strict or roman_value(token, loose=True)
        # "111." (III) is no Arabic number a list would use; "1." and "11." are offered below
        if value is not None and (not token.isdigit() or len(token) == 3):
            body = (found or bare).group("text")  # type: ignore[union-attr]
            sep = found.group("sep") if found else ""
            out.append(Marker("roman", token, value, body, loose=strict is None, sep=sep))
    found = ARABIC_LINE.match(text)
    if found:
        label = next(
            found.group(n) for n in ("label", "label2", "label3", "label4") if found.group(n)
        )
        body = next(found.group(n) for n in ("text", "text2", "text3", "text4") if found.group(n))
        depth = label.count(".") + 1
        # a comma for the period, "l" for "1", or no period at all: OCR; the sequence must agree
        loose = found.group("label") is None and found.group("label2") is None
        value = arabic_value(label.split(".")[-1])
        if value is not None:
            label = str(value) if loose else label
            arabic = Marker(f"arabic{depth}", label, value, body, loose)
            # "1." / "11." / "111." may be a Roman I / II / III: offered first, kept only where
            # the plan's Roman sequence has its gap
            roman = roman_value(label, loose=True) if re.fullmatch(r"[1l]{1,3}", label) else None
            if depth == 1 and roman is not None:
                out.append(Marker("roman", label, roman, body, loose=True))
            if depth == 1 and not loose and re.fullmatch(r"[1-9]{2}", label):
                # "46." is "4.6." whose inner period OCR lost, where clause 4 expects its 6th
                out.append(Marker("arabic2", f"{label[0]}.{label[1]}", int(label[1]), body, True))
            out.append(arabic)
    found = LETTER_LINE.match(text)
    if found:
        letter = found.group("label")
        out.append(Marker("letter", letter, letter_value(letter), found.group("text")))
    found = BULLET_LINE.match(text)
    if found:
        label = found.group("label")
        style = {"-": "dash", "–": "dash", "—": "dash", "+": "plus"}.get(label, "star")
        out.append(Marker(style, label, 0, found.group("text")))
    return out
