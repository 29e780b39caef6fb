"""A line ready to decode (``Plan``, ``Lattice``) and the decoded line put back together:
chosen candidates in place of the printed words, cased as printed, one token per word."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diacritics.pieces import Piece
from diacritics.tokens import restored_token
from schemas.restore import RestoredToken


@dataclass(frozen=True)
class Lattice:
    """A line ready to decode: its pieces, candidate ids, channel costs and candidate forms."""

    pieces: list[Piece]
    lattice: list[np.ndarray]
    costs: list[np.ndarray]
    forms: list[tuple[str, ...]]


@dataclass(frozen=True)
class Plan:
    """A line's pieces as cut (rendered from), as decoded (codes fixed) and, per piece, the
    candidate request (token, stripped_mode, garbled) or None (fixed, or an abbreviation)."""

    pieces: list[Piece]
    decoded: list[Piece]
    requests: list[tuple[str, bool, bool] | None]


def render_line(
    line: str,
    index: int,
    prepared: Lattice,
    best: list[int],
    confidence: list[float],
) -> tuple[str, list[RestoredToken]]:
    """The line with the chosen candidates put in, cased as printed, and its tokens."""
    out, tokens, cursor, shift = [], [], 0, 0
    make = restored_token  # one token per word: names bound once, pieces unpacked at once
    for (p_start, p_end, text, fixed, _, _, spaced), choice, conf, options in zip(
        prepared.pieces, best, confidence, prepared.forms, strict=True
    ):
        source = line[p_start:p_end]
        chosen = options[choice]
        if fixed is not None:
            new = source
        elif text.islower():  # most words: no casing to carry over
            new = source if chosen == text else chosen
        else:
            new = source if chosen == text.lower() else match_case(text, chosen)
        gap = line[cursor:p_start]
        if spaced:
            shift += 1 - len(gap)
            gap = " "
        out.append(gap)
        start = p_start + shift
        out.append(new)
        cursor = p_end
        shift += len(new) - len(source)
        tokens.append(
            make(  # values are built valid here: skip re-validation
                {
                    "line": index,
                    "start": start,
                    "end": start + len(new),
                    "source": source,
                    "text": new,
                    "confidence": conf,
                }
            )
        )
    out.append(line[cursor:])
    return "".join(out), tokens


def match_case(source: str, restored: str) -> str:
    """Give the restored word the casing of the printed one ("T6" → "Tổ", "MUC" → "MỤC")."""
    if source.islower():
        return restored  # no capital anywhere: the common case, decided without counting
    # a word of letters only (most) is its own list of letters; capitals counted in C
    letters = source if source.isalpha() else [c for c in source if c.isalpha()]
    if len(letters) >= 2 and sum(map(str.isupper, letters)) >= 0.6 * len(letters):
        return restored.upper()  # "TiNH" in a heading is upper case with one letter misread
    if source[:1].isupper() or (not source[:1].isalpha() and letters and letters[0].isupper()):
        return restored[:1].upper() + restored[1:]
    return restored
