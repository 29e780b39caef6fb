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
    text = re.sub(r"[\s;,.*~•·'\"|-]+$", "", text)  # OCR dust after the final semicolon
    if LUU.match(text):
        rest = LUU.sub("", text)
        rest = re.sub(r"\s*\([^)]*\)\s*\.?$", "", rest)
        rest = re.sub(r"\.\s*[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\.?$", "", rest)
        return "Lưu: " + expand_abbreviations(rest.strip(" .;,"))
    return expand_abbreviations(text.rstrip("."))


def _is_signer(text: str) -> bool:
    """A line of the signer's block: authority mark, upper-case title, or a name."""
    if re.match(r"^(?:TM|KT|TL|TUQ|Q)\s*\.", text) or text.upper() == text:
        return True
    words = text.split()
    return 2 <= len(words) <= 6 and all(w[:1].isupper() and w.isalpha() for w in words)


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
        bullet = re.match(r"^[-+•*–]", text)
        if (
            bullet
            or LUU.match(text)
            or (text.rstrip().endswith((";", ",")) and not _is_signer(text))
        ):
            texts.append(text)
            provs.append(prov)
        elif texts and text[:1].islower():
            texts[-1] = texts[-1] + " " + text
    return tuple(normalize_recipient(text) for text in texts), tuple(provs)
