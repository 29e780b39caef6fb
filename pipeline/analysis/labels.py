"""Display labels of fields, sections, roles and recurrences (data/report/labels.json), and
documents' titles as the report shows them."""

from __future__ import annotations

import json
import re
from functools import cache

from kehoach import DATA_DIR
from schemas import nfc


@cache
def display_labels() -> dict[str, str]:
    """Name → label ("purposes" → "Mục đích", "lead" → "chủ trì")."""
    raw = json.loads((DATA_DIR / "report" / "labels.json").read_text(encoding="utf-8"))
    return {name: nfc(label) for name, label in raw.items()}


# OCR debris a trích yếu picks up at its ends from a stamp, a signature or the "Kính gửi" line
# beside it (":3.3.=10¬.202%.."): symbols no title is written with.
_DEBRIS = re.compile(r"[¬=_|~^`<>{}\[\]\\*#@$§°™®©]|\.\.|^[^\w(“\"]+$")
_NUMBER = re.compile(r"^\(?\d+(?:[/.,-]\d+)*%?[.,;:)]?$")
_EDGE_PUNCTUATION = " \t.,;:-–—"
_ABOUT = re.compile(r"^v\s*/\s*v\s+", re.IGNORECASE)  # "V/v" says only "about": the subject follows


def _debris(token: str) -> bool:
    return not _NUMBER.match(token) and bool(_DEBRIS.search(token))


def display_title(title: str | None) -> str:
    """A stored trích yếu as the report shows it: OCR debris cut from its ends, the "(V/v …)" a
    scan keeps in brackets unwrapped, a capital first.

    Only the ends are touched: the words inside are the document's, as extracted. A closing
    bracket among the first three words with no opening one before it ends debris of a lost
    "V/v" ("Đà như) ban hành …"), dropped with the words before it.
    """
    text = nfc(" ".join((title or "").split()))
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()
    tokens = text.split(" ") if text else []
    for index, token in enumerate(tokens[:3]):
        if token.endswith(")") and "(" not in " ".join(tokens[: index + 1]):
            tokens = tokens[index + 1 :]
            break
    while tokens and _debris(tokens[-1]):
        tokens.pop()
    while tokens and _debris(tokens[0]):
        tokens.pop(0)
    text = " ".join(tokens).strip(_EDGE_PUNCTUATION)
    text = _ABOUT.sub("", text)
    return text[:1].upper() + text[1:]
