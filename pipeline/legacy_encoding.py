"""Text files in whatever encoding Vietnamese offices used: UTF-8, UTF-16, CP1258, TCVN3, VNI.

TCVN3 (".VnTime" fonts) and VNI ("VNI-Times") are font encodings: their bytes read as Windows-1252
give the familiar mojibake ("ViÖt Nam", "Vieät Nam"). We decode every plausible way and keep the
reading whose letters are most Vietnamese.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from kehoach import DATA_DIR
from schemas import ErrorCode, KehoachError

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_WORD = re.compile(r"[^\W\d_]+")
MIN_ALPHABET_SHARE = 0.97
"""Share of letters that must be Vietnamese for a reading to be accepted."""
LEGACY_MARGIN = 0.01
"""How much more Vietnamese a legacy reading must be than the plain one to be chosen."""


@cache
def _alphabet() -> frozenset[str]:
    letters = set("abcdefghijklmnopqrstuvwxyzđ")
    for vowel in "aăâeêioôơuưy":
        letters.update(unicodedata.normalize("NFC", vowel + tone) for tone in _TONES)
    return frozenset(letters | {letter.upper() for letter in letters})


@cache
def _tables() -> dict[str, dict[str, str]]:
    with open(DATA_DIR / "encodings" / "legacy_vietnamese.json", encoding="utf-8") as handle:
        return json.load(handle)


@cache
def _drop_alphabet() -> dict[int, None]:
    """A ``str.translate`` table deleting the Vietnamese letters: what is left is foreign."""
    return dict.fromkeys(map(ord, _alphabet()))


def alphabet_share(text: str) -> float:
    """Share of the letters in ``text`` that belong to the Vietnamese alphabet.

    The alphabet's letters are deleted first (one ``str.translate``), so the regular expression
    only looks for the other letters in what is left: the digits, spaces and punctuation.
    """
    rest = text.translate(_drop_alphabet())
    vietnamese = len(text) - len(rest)
    foreign = sum(map(len, _WORD.findall(rest)))
    if not vietnamese + foreign:
        return 0.0
    return vietnamese / (vietnamese + foreign)


@cache
def _pattern(name: str) -> re.Pattern[str]:
    # Longest keys first: VNI's "oâ" (ô) must win over its "o".
    table = _tables()[name]
    return re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))


def _translate(text: str, name: str) -> str:
    table = _tables()[name]
    return _pattern(name).sub(lambda match: table[match.group(0)], text)


def _readings(data: bytes) -> dict[str, str]:
    """Every plausible decoding of ``data``, by name."""
    readings: dict[str, str] = {}
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return {"utf-16": data.decode("utf-16", errors="replace")}
    try:
        readings["utf-8"] = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        readings["cp1258"] = data.decode("cp1258", errors="replace")
    as_cp1252 = readings.get("utf-8") or data.decode("cp1252", errors="replace")
    for name in _tables():
        readings[name] = _translate(as_cp1252, name)
    return readings


def _utf8_nfc(data: bytes) -> str | None:
    """``data`` as UTF-8 (a BOM dropped) in NFC, or None when it is not UTF-8 or is UTF-16."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None


def detect_encoding(data: bytes) -> tuple[str, str, float]:
    """The most Vietnamese reading of ``data``: (encoding name, NFC text, alphabet share)."""
    plain_text = _utf8_nfc(data)
    if plain_text is not None:
        share = alphabet_share(plain_text)
        if share >= 1.0 - LEGACY_MARGIN:  # no legacy reading can beat it: skip decoding them
            return "utf-8", plain_text, share
    readings = {name: unicodedata.normalize("NFC", text) for name, text in _readings(data).items()}
    plain = next(iter(readings))
    scores = {name: alphabet_share(text) for name, text in readings.items()}
    # A legacy reading must beat the plain one clearly: genuine text has no mojibake to fix.
    best = max(scores, key=lambda name: scores[name] - (0.0 if name == plain else LEGACY_MARGIN))
    return best, readings[best], scores[best]


def _reading(data: bytes, name: str) -> str:
    """``data`` decoded the way ``detect_encoding`` named, NFC."""
    if name == "cp1258":
        text = data.decode("cp1258", errors="replace")
    elif name in _tables():
        text = _translate(data.decode("cp1252", errors="replace"), name)
    else:
        text = data.decode("utf-8", errors="replace")
    return unicodedata.normalize("NFC", text)


def _utf8_line(line: bytes) -> str | None:
    """A line that is UTF-8 beyond ASCII, decoded; None for ASCII or other encodings."""
    if line.isascii():
        return None
    try:
        return line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _per_line(data: bytes) -> tuple[str, str, float] | None:
    """A legacy file holding some UTF-8 lines (one pasted in from elsewhere): each line decoded
    its own way, the legacy encoding chosen on the other lines. None when no line is UTF-8."""
    lines = data.split(b"\n")
    utf8 = [_utf8_line(line) for line in lines]
    if not any(utf8):
        return None
    legacy = b"\n".join(line for line, decoded in zip(lines, utf8, strict=True) if decoded is None)
    name, _, share = detect_encoding(legacy)
    text = "\n".join(
        unicodedata.normalize("NFC", decoded) if decoded is not None else _reading(line, name)
        for line, decoded in zip(lines, utf8, strict=True)
    )
    return name, text, share


def decode_text_bytes(data: bytes, path: Path | str) -> str:
    """Decode a text file to NFC with Unix line ends, converting legacy Vietnamese encodings.

    A file mixing a legacy encoding with some UTF-8 lines is decoded line by line.

    Raises:
        KehoachError: ENCODING when the bytes are not UTF-8 and no legacy reading is Vietnamese.
    """
    name, text, share = detect_encoding(data)
    mixed = _per_line(data) if name != "utf-8" and not data.startswith(b"\xff\xfe") else None
    if mixed is not None and mixed[2] >= MIN_ALPHABET_SHARE:
        name, text, share = mixed
    if name != "utf-8" and share < MIN_ALPHABET_SHARE:
        raise KehoachError(
            ErrorCode.ENCODING,
            path,
            "text is neither UTF-8 nor a Vietnamese legacy encoding (CP1258, TCVN3, VNI); "
            "save it as UTF-8 and try again",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")
