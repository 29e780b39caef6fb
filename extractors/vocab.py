"""Vocabularies in ``data/vocab`` (headings, agencies, abbreviations, award forms), loaded once."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz.distance import Levenshtein

from diacritics.orthography import fold_ascii
from kehoach import DATA_DIR
from schemas import nfc

VOCAB_DIR = DATA_DIR / "vocab"


def fold(text: str) -> str:
    """Lower-cased, NFC, whitespace-collapsed text for comparisons."""
    return re.sub(r"\s+", " ", nfc(text).lower()).strip()


@cache
def load_yaml(name: str) -> Any:
    """One YAML vocabulary file, NFC throughout."""
    text = nfc((VOCAB_DIR / name).read_text(encoding="utf-8"))
    return yaml.safe_load(text)


@cache
def load_lines(name: str) -> tuple[str, ...]:
    """A one-entry-per-line vocabulary file without comments."""
    path: Path = VOCAB_DIR / name
    lines = nfc(path.read_text(encoding="utf-8")).splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def abbreviations() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Abbreviation patterns (whole tokens, longest first) with their expansions."""
    pairs = []
    for line in load_lines("abbreviations.tsv"):
        short, _, long = line.partition("\t")
        if short and long:
            pairs.append((short.strip(), long.strip()))
    pairs.sort(key=lambda pair: -len(pair[0]))
    compiled = []
    for short, long in pairs:
        # Whole words only, never inside a document symbol ("86/2013/TT-BTC", "12/UBND-VX").
        tail = r"(?![\wĐđ/]|-[\wĐđ])" if short[-1].isalnum() else ""
        compiled.append((re.compile(r"(?<![\wĐđ&./-])" + re.escape(short) + tail), long))
    return tuple(compiled)


# A document's number and symbol ("01/2024/TT-BNV", "574/UBND-KTTH", "05-NQ/TU"): its codes are
# not abbreviations to expand ("TT" is not "Thường trực" there).
SYMBOL_TOKEN = re.compile(r"(?<![\w/])[\d?][\w.?-]*/[\w/.()-]*[\wĐđ)]")


def expand_abbreviations(text: str) -> str:
    """Expand "UBND", "MTTQ", "HĐND", ... into full names; joins like "PCT.UBND" split first.

    Document symbols are set aside first and put back unchanged.
    """
    symbols: list[str] = []

    def hold(match: re.Match[str]) -> str:
        symbols.append(match.group(0))
        return f"\x00{len(symbols) - 1}\x00"

    text = SYMBOL_TOKEN.sub(hold, text)
    text = re.sub(r"(?<=[A-ZĐ]{2})\.\s*(?=[A-ZĐ]{2,})(?!TH\b)", " ", text)
    for pattern, long in abbreviations():
        text = pattern.sub(long, text)
    text = re.sub("\x00(\\d+)\x00", lambda m: symbols[int(m.group(1))], text)
    return re.sub(r"\s+", " ", text).strip()


@cache
def section_headings() -> tuple[tuple[str, str], ...]:
    """(folded heading, category) pairs from ``sections.yaml``."""
    data = load_yaml("sections.yaml")
    pairs: list[tuple[str, str]] = []
    for category in (
        "purposes",
        "requirements",
        "criteria",
        "awards",
        "targets",
        "schedule",
        "organisation",
        "other",
    ):
        pairs.extend((fold(heading), category) for heading in data.get(category, []))
    return tuple(pairs)


def vocab_list(name: str, key: str) -> tuple[str, ...]:
    """One list from a YAML vocabulary."""
    return tuple(load_yaml(name).get(key, []))


def fuzzy_opening(text: str, phrases: tuple[str, ...]) -> int | None:
    """Length of the opening phrase of ``text`` ("Căn cứ"), fuzzy for OCR leftovers ("Cần ctr")."""
    stripped = re.sub(r"^[\W_]+", "", text)  # OCR dust before the first word ("_ Thực hiện")
    offset = len(text) - len(stripped)
    folded = fold_ascii(stripped)
    for phrase in phrases:
        key = fold_ascii(phrase)
        if folded.startswith(key):
            return offset + len(key)
        words = folded.split()
        size = len(key.split())
        head = " ".join(words[:size])
        close = Levenshtein.distance(head, key) <= min(3, len(key) // 2)
        if (
            size > 1
            and len(words) > size
            and head[:1] == key[:1]
            and close
            and not stripped.isupper()
        ):
            return offset + folded.find(head) + len(head)
    return None
