"""Recipients ("Nơi nhận"): every line, the "Lưu: VT, ..." line included, abbreviations expanded."""

from __future__ import annotations

import re

from extractors.vocab import expand_abbreviations
from schemas import DocumentTree, Provenance

NOI_NHAN = re.compile(r"^\W*n[oơ]i\s+nh[aậ]n\s*[:;.]?\s*$", re.IGNORECASE)
LUU = re.compile(r"^l[ưu]u\s*[:.]?\s*", re.IGNORECASE)


def normalize_recipient(text: str) -> str:
    """One recipient without its bullet and final punctuation, abbreviations expanded."""
    text = re.sub(r"^[-+•*–]\s*", "", text.strip())
    text = re.sub(r"[\s;,.*~•·'\"]+$", "", text)  # OCR dust after the final semicolon
    if LUU.match(text):
        rest = LUU.sub("", text)
        rest = re.sub(r"\s*\([^)]*\)\s*\.?$", "", rest)
        rest = re.sub(r"\.\s*[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\.?$", "", rest)
        return "Lưu: " + expand_abbreviations(rest.strip(" .;,"))
    return expand_abbreviations(text.rstrip("."))


def _is_signer(text: str) -> bool:
    return not re.match(r"^[-+•*–]", text) and text[:1].isupper()


def extract_recipients(tree: DocumentTree) -> tuple[tuple[str, ...], tuple[Provenance, ...]]:
    """The lines of "Nơi nhận" from the closing block, wrapped lines joined."""
    texts: list[str] = []
    provs: list[Provenance] = []
    inside = False
    for text, prov in zip(tree.closing, tree.closing_provenance, strict=False):
        if NOI_NHAN.match(text):
            inside = True
            continue
        if not inside:
            continue
        if re.match(r"^[-+•*–]", text) or (not texts and LUU.match(text)):
            texts.append(text)
            provs.append(prov)
        elif texts and text[:1].islower():
            texts[-1] = texts[-1] + " " + text
        elif LUU.match(text):
            texts.append(text)
            provs.append(prov)
        elif _is_signer(text):
            continue
    return tuple(normalize_recipient(text) for text in texts), tuple(provs)
