"""OCR-degraded copies of clean text at the text level, through the project's OCR channel model.

Three things a scan does to a document, each seeded and deterministic:

- lines: a paragraph printed on A4 comes back as physical lines of about 85–95 characters, so an
  Điều's first line is followed by continuation lines that may open with "2." or "Điều 5";
- characters: each character is replaced by a piece sampled from the channel learned from
  Tesseract output of rendered corpus pages (``data/models/ocr_channel.json``: -log10 P(printed |
  intended)); lost marks, dropped periods, "1" for "l" come from there at the rate Tesseract showed;
- numbering tokens: the confusions the channel saw too rarely to sample but scans show, at
  ``token_rate``: Roman numerals in look-alikes ("I" → "1", "l", "|"; "III" → "TH", "111"; "II" →
  "11", "Il"), a comma for the period after a number, "đ)" without its bar, a mark wrong
  in "Điều".
"""

from __future__ import annotations

import json
import random
import re
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHANNEL = REPO / "data" / "models" / "ocr_channel.json"
ROMAN_LOOKALIKES = {
    "I": ("1", "l", "|"),
    "II": ("11", "Il", "lI", "H"),
    "III": ("TH", "111", "IIl", "Ill"),
    "IV": ("1V", "lV", "IY"),
    "VI": ("V1", "Vl"),
    "VII": ("VIl", "V11"),
    "IX": ("1X", "lX"),
}
ARTICLE_WORDS = ("Điểu", "Diều", "Điêu", "Ðiều", "Điếu", "Đỉều")
NUMBERED = re.compile(
    r"^(?P<head>(?:Điều|Chương|Mục|Phần)\s+)?(?P<token>[IVXL]{1,5}|\d{1,2}|[a-zđ])(?P<sep>[.)])(?=\s)"
)


@cache
def channel() -> dict[str, tuple[list[str], list[float]]]:
    """For each intended character: printed pieces and their probabilities."""
    costs = json.loads(CHANNEL.read_text(encoding="utf-8"))["costs"]
    out: dict[str, tuple[list[str], list[float]]] = {}
    for intended, table in costs.items():
        pieces = [(printed, 10**-cost) for printed, cost in table.items() if printed != "*"]
        total = sum(p for _, p in pieces)
        if intended and total > 0:
            out[intended] = ([p for p, _ in pieces], [p / total for _, p in pieces])
    return out


def noisy_chars(text: str, rng: random.Random, scale: float) -> str:
    """Each character through the channel; ``scale`` < 1 keeps more characters as they were."""
    table = channel()
    out = []
    for char in text:
        entry = table.get(char)
        if entry is None or rng.random() >= scale:
            out.append(char)
        else:
            out.append(rng.choices(entry[0], entry[1])[0])
    return "".join(out)


def wrap(line: str, rng: random.Random) -> list[str]:
    """A paragraph broken into physical lines of a printed page."""
    width = rng.randint(85, 95)
    out: list[str] = []
    current = ""
    for word in line.split():
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        out.append(current)
    return out


def spoil_token(line: str, rng: random.Random, rate: float) -> str:
    """The numbering token of a line read as a scan may show it."""
    found = NUMBERED.match(line)
    if found is None or rng.random() >= rate:
        return line
    head, token, sep = found.group("head") or "", found.group("token"), found.group("sep")
    if head.startswith("Điều") and rng.random() < 0.5:
        head = rng.choice(ARTICLE_WORDS) + " "
    elif token in ROMAN_LOOKALIKES:
        token = rng.choice(ROMAN_LOOKALIKES[token])
    elif token == "đ":
        token = "d"
    elif token.isdigit() and token.startswith("1") and rng.random() < 0.5:
        token = "l" + token[1:]
    if sep == "." and rng.random() < 0.4:
        sep = ","
    return head + token + sep + line[found.end() :]


def degrade_text(text: str, seed: int, scale: float = 1.0, token_rate: float = 0.15) -> str:
    """An OCR-like copy of ``text``: wrapped lines, channel noise, spoilt numbering tokens."""
    rng = random.Random(seed)
    out: list[str] = []
    for line in text.splitlines():
        line = spoil_token(line.strip(), rng, token_rate)
        for piece in wrap(line, rng) or [""]:
            out.append(noisy_chars(piece, rng, scale))
    return "\n".join(out)
