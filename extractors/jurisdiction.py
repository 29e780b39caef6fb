"""Jurisdiction: who issued a document, under whom, at which level, and for which province.

Central bodies come from ``data/vocab/national_issuers.yaml`` (names and the codes of their
symbols); local ones are named by their locality ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "CÔNG AN
TỈNH LÂM ĐỒNG" under "BỘ CÔNG AN"). ``province`` is only ever given for local issuers.
"""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz, process

from diacritics.orthography import fold_ascii
from extractors.agencies import canonical_agency
from extractors.vocab import expand_abbreviations, fold, load_lines, load_yaml
from schemas import Signer

PROVINCE_IN_TEXT = re.compile(
    r"(?:tỉnh|thành\s+phố)\s+(?P<name>(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s*-?\s*){1,4})"
)


LOCAL = re.compile(
    r"\b(?:tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran|dac khu)\s+\w", re.IGNORECASE
)


COMMUNE = re.compile(r"\b(?:xa|phuong|thi tran|dac khu)\s+[a-z]")


DISTRICT = re.compile(r"\b(?:huyen|quan|thi xa)\s+[a-z]")


LOCAL_CODES = ("UBND", "HĐND", "TU", "HU", "ĐU", "CAT", "BCH", "SNV", "STP", "STC", "SYT")


@cache
def provinces() -> tuple[str, ...]:
    return load_lines("provinces.txt")


@cache
def national_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(folded name → name, upper-cased symbol code → name) of the central issuers."""
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    for entry in load_yaml("national_issuers.yaml")["issuers"]:
        names[fold_ascii(entry["name"])] = entry["name"]
        for code in entry["codes"]:
            codes[fold_ascii(code).upper()] = entry["name"]
    return names, codes


def national_issuer(text: str | None) -> str | None:
    """The central body ``text`` names ("BỘ TÀI CHÍNH", "Bo Tai chinh"), or None."""
    if not text:
        return None
    names = national_tables()[0]
    key = re.sub(r"\s+", " ", fold_ascii(text)).strip(" .,:;-")
    if key in names:
        return names[key]
    found = process.extractOne(key, list(names), scorer=fuzz.ratio)
    return names[found[0]] if found is not None and found[1] >= 92 else None


def match_province(text: str, threshold: float = 85.0) -> str | None:
    """The province ``text`` names, fuzzy, or None."""
    text = text.strip(" ,.-")
    if not text:
        return None
    found = process.extractOne(fold(text), [fold(p) for p in provinces()], scorer=fuzz.ratio)
    if found is None or found[1] < threshold:
        return None
    return provinces()[found[2]]


def province_in(text: str) -> str | None:
    for found in PROVINCE_IN_TEXT.finditer(text):
        words = found.group("name").split()
        for size in range(min(4, len(words)), 0, -1):
            province = match_province(" ".join(words[:size]), 90.0)
            if province:
                return province
    return None


def sentence_case(text: str, province: str | None) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH AN GIANG" → "Ủy ban nhân dân tỉnh An Giang"."""
    low = re.sub(r"\s+", " ", text.lower()).strip()
    out = low[:1].upper() + low[1:]
    if province:
        out = re.sub(re.escape(province.lower()), province, out)
    return out


def symbol_codes(number: str | None) -> list[str]:
    """The codes of a symbol, upper-cased and folded: "152/2025/TT-BTC" → ["TT", "BTC"]."""
    if not number or "/" not in number:
        return []
    head, _, tail = number.partition("/")
    codes = re.split(r"[-/]", tail)
    if "-" in head:  # party documents: "05-NQ/TU"
        codes = [head.split("-", 1)[1], *codes]
    return [fold_ascii(code).upper() for code in codes if code and not code.isdigit()]


def issuer_from_symbol(number: str | None) -> str | None:
    """The central body a symbol names ("NĐ-CP" → Chính phủ, "QH15" → Quốc hội), or None."""
    table = national_tables()[1]
    for code in symbol_codes(number):
        bare = re.sub(r"\d+$", "", code)  # "QH15", "UBTVQH14": the term number
        if code in table or bare in table:
            return table.get(code) or table[bare]
    return None


def issuer_groups(lines: list[str]) -> list[str]:
    """Issuer lines joined where a name wraps ("ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG NGÃI")."""
    groups: list[str] = []
    for line in lines:
        line = line.strip(" -–*\"'“”|_~.,")
        if not line:
            continue
        folded = fold_ascii(line)
        wraps = (
            bool(groups)
            and (
                re.match(
                    r"^(?:tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran|dac khu)\b", folded
                )
                or national_issuer(f"{groups[-1]} {line}")
                is not None  # "NGÂN HÀNG NHÀ NƯỚC / VIỆT NAM"
                or groups[-1].endswith((",", "-", "–"))
                or re.search(r"\b(?:va|ve)$", fold_ascii(groups[-1]))
                or line[:1].islower()
            )
        )
        if wraps:
            groups[-1] = f"{groups[-1]} {line}"
        else:
            groups.extend(split_parent(line))
    return groups


def split_parent(line: str) -> list[str]:
    """ "BỘ TÀI CHÍNH TỔNG CỤC HẢI QUAN" (both lines on one): the parent, then the issuer."""
    words = line.split()
    for size in range(min(len(words) - 2, 8), 1, -1):
        head = " ".join(words[:size])
        if fold_ascii(head) in national_tables()[0] and not re.match(r"^[-–]", words[size]):
            return [head, " ".join(words[size:])]
    return [line]


LOCAL_HEADS = ("Ủy ban nhân dân", "Hội đồng nhân dân", "Công an", "Ban Chỉ đạo")
"""Local issuers' head nouns, respelled where OCR damaged them ("ỦY BAN NHÂN DẪN")."""


def issuer_name(text: str, province: str | None) -> str:
    national = national_issuer(text)
    if national:
        return national
    parts = re.split(r"\s+[-–]\s+", text)
    if len(parts) > 1 and all(national_issuer(part) for part in parts):
        return " - ".join(national_issuer(part) or part for part in parts)  # joint circulars
    name = sentence_case(expand_abbreviations(text), province)
    words = name.split()
    for head in LOCAL_HEADS:
        size = len(head.split())
        if (
            len(words) >= size
            and fuzz.ratio(fold_ascii(" ".join(words[:size])), fold_ascii(head)) >= 85
        ):
            words = [*head.split(), *words[size:]]
            break
    if province:
        tail = re.search(r"\s(?:t\S{2,4}|thành phố)\s+(\S+(?:\s+\S+){0,2})$", " ".join(words))
        if tail and same_province(tail.group(1), province):
            local = "tỉnh" if tail.group(0).split()[0] != "thành" else "thành phố"
            words = " ".join(words)[: tail.start()].split() + [local, province]
    return canonical_agency(" ".join(words))


def same_province(text: str, province: str) -> bool:
    return (
        match_province(text) == province or fuzz.ratio(fold_ascii(text), fold_ascii(province)) >= 85
    )


def issuer_level_of(issuer: str | None, parent: str | None, codes: list[str]) -> str | None:
    """central, province, district or commune: from the issuer's name, else its symbol."""
    own = fold_ascii(issuer or "")
    if COMMUNE.search(own):
        return "commune"
    if DISTRICT.search(own):
        return "district"
    if issuer and LOCAL.search(own):
        return "province"
    if issuer and national_issuer(re.split(r"\s+[-–]\s+", issuer)[0]):
        return "central"  # joint circulars: "BỘ TÀI CHÍNH - BỘ Y TẾ"
    if issuer and parent:
        return issuer_level_of(parent, None, codes)
    if issuer is None and any(re.sub(r"\d+$", "", c) in national_tables()[1] for c in codes):
        return "central"
    if any(code in LOCAL_CODES for code in codes) or re.search(r"uy ban nhan dan|hoi dong", own):
        return "province"
    return None


def local_province(
    issuer: str | None,
    parent: str | None,
    title: str | None,
    place: str | None,
    preamble: str,
    signer: Signer,
    codes: list[str] | None = None,
) -> str | None:
    """A local issuer's province: its name, its parent's, the title, the place, the preamble.

    The place of signing counts only for an issuer known to be local (by its name, its signer's
    "TM. ỦY BAN NHÂN DÂN" or its symbol's codes): a ministry signs in Hà Nội."""
    for text in (issuer, parent):
        if text:
            found = province_in(sentence_case(text, None).title())
            if found:
                return found
            tail = re.sub(r"^.*?(?:TỈNH|THÀNH PHỐ)\s+", "", text.upper())
            found = match_province(tail) if tail != text.upper() else None
            if found:
                return found
    ubnd = bool(
        re.search(r"(?:ủy|uỷ) ban nhân dân", f"{issuer} {parent} {signer.on_behalf}".lower())
    ) or any(code in LOCAL_CODES for code in codes or [])
    return (
        province_in(title or "")
        or (match_province(place) if place and ubnd else None)
        or province_in(preamble)
    )
