"""The document's header and signer: issuer, province, type, number, date, title; name and title.

The header is the two-column block of Nghị định 30/2020/NĐ-CP (issuer | motto; "Số:" | place and
date) followed by the document type and title; the signer stands in the closing block ("TM. ỦY BAN
NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", name). Where OCR lost a part, the plan's number symbol,
title and preamble fill what they can ("KH-UBND" → a Kế hoạch of the Ủy ban nhân dân).
"""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz, process

from diacritics.orthography import fold_ascii
from extractors.agencies import canonical_agency
from extractors.sections import Placed
from extractors.vocab import fold, load_lines, load_yaml, vocab_list
from schemas import BlockKind, DocHeader, DocumentTree, Signer

MOTTO = re.compile(r"cộng\s+hòa\s+xã\s+hội|độc\s+lập\s*[-–]\s*tự\s+do|hạnh\s+phúc", re.IGNORECASE)
NUMBER = re.compile(r"^S[ốoô6]\s*[:.]?\s*(?P<num>.*)$", re.IGNORECASE)
DATE = re.compile(
    r"ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})", re.IGNORECASE
)
PLACE = re.compile(r"^(?P<place>[^,\d]{2,40}),\s*ngày", re.IGNORECASE)
PROVINCE_IN_TEXT = re.compile(
    r"(?:tỉnh|thành\s+phố)\s+(?P<name>(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s*-?\s*){1,4})"
)
CENTRAL = ("Bộ ", "Chính phủ", "Thủ tướng", "Văn phòng Chính phủ", "Ban Chỉ đạo Trung ương")
MARK = re.compile(r"^(?P<mark>TM|KT|TL|TUQ|Q)\s*\.\s*(?P<rest>.+)$")


@cache
def _provinces() -> tuple[str, ...]:
    return load_lines("provinces.txt")


def match_province(text: str, threshold: float = 85.0) -> str | None:
    """The province ``text`` names, fuzzy, or None."""
    text = text.strip(" ,.-")
    if not text:
        return None
    found = process.extractOne(fold(text), [fold(p) for p in _provinces()], scorer=fuzz.ratio)
    if found is None or found[1] < threshold:
        return None
    return _provinces()[found[2]]


def _province_in(text: str) -> str | None:
    for found in PROVINCE_IN_TEXT.finditer(text):
        words = found.group("name").split()
        for size in range(min(4, len(words)), 0, -1):
            province = match_province(" ".join(words[:size]), 90.0)
            if province:
                return province
    return None


def _sentence_case(text: str, province: str | None) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH AN GIANG" → "Ủy ban nhân dân tỉnh An Giang"."""
    low = re.sub(r"\s+", " ", text.lower()).strip()
    out = low[:1].upper() + low[1:]
    if province:
        out = re.sub(re.escape(province.lower()), province, out)
    return out


def _doc_types() -> dict[str, str]:
    return {fold_ascii(name): name for name in load_yaml("doc_types.yaml")}


def _doc_type_from_symbol(number: str | None) -> str | None:
    if not number or "/" not in number:
        return None
    code = number.split("/", 1)[1].split("-", 1)[0]
    for name, abbr in load_yaml("doc_types.yaml").items():
        if abbr and abbr.lower() == code.lower():
            return name
    return None


def _parse_date(text: str) -> str | None:
    found = DATE.search(text)
    if not found:
        return None
    day = f"{int(found.group('d')):02d}" if found.group("d") else "??"
    month = f"{int(found.group('m')):02d}" if found.group("m") else "??"
    return f"{found.group('y')}-{month}-{day}"


def _number(text: str) -> str | None:
    number = re.sub(r"\s+", "", text)
    return number if re.match(r"^\d", number) and "/" in number else None


def _without_rank(text: str) -> str:
    """A signer's name without a military or police rank before it ("Thượng tướng ...")."""
    for rank in vocab_list("signer_titles.yaml", "ranks"):
        # Compared without marks: restoration may write "Thượng tưởng" for "Thượng tướng".
        if fold_ascii(text).startswith(fold_ascii(rank) + " "):
            return text[len(rank) :].strip()
    return text


def signer_of(closing: tuple[str, ...]) -> Signer:
    """The signer from the closing block: authority mark, title, name."""
    titles = {fold(title): title for title in vocab_list("signer_titles.yaml", "titles")}
    on_behalf = title = name = None
    for text in closing:
        text = text.strip()
        mark = MARK.match(text)
        if mark:
            on_behalf = f"{mark.group('mark')}. {_sentence_case(mark.group('rest'), None)}"
            continue
        key = fold(text).strip(" .:")
        found = process.extractOne(
            fold_ascii(key), [fold_ascii(t) for t in titles], scorer=fuzz.ratio
        )
        letters = [ch for ch in text if ch.isalpha()]
        upper = bool(letters) and sum(ch.isupper() for ch in letters) >= 0.7 * len(letters)
        if found is not None and found[1] >= 85 and len(key) < 30 and upper:
            title = list(titles.values())[found[2]]
            continue
        if key in titles:
            title = titles[key]
            continue
        words = _without_rank(text).split()
        looks_like_name = 2 <= len(words) <= 6 and all(
            w[:1].isupper() and w.isalpha() for w in words
        )
        not_label = not any(fold(w) in ("nơi", "nhận") for w in words)
        if looks_like_name and not_label and name is None:
            name = " ".join(w[:1] + w[1:].lower() for w in words)
    return Signer(name=name, title=title, on_behalf=on_behalf)


def extract_header(tree: DocumentTree, placed: list[Placed]) -> DocHeader:
    """Header fields; the number symbol, title and preamble fill what the page lacks."""
    types = _doc_types()
    issuer_lines: list[str] = []
    title_lines: list[str] = []
    number = issue_date = place = doc_type = None
    seen_type = False
    for text in tree.header:
        if MOTTO.search(text):
            continue
        found = NUMBER.match(text)
        if found and not seen_type:
            number = _number(found.group("num"))
            continue
        if PLACE.match(text) and re.search(r"ngày.*tháng", text) and not seen_type:
            issue_date = _parse_date(text)
            place = PLACE.match(text).group("place").strip()  # type: ignore[union-attr]
            continue
        key = fold_ascii(text).strip(" :.")
        if key in types and text.upper() == text:
            doc_type, seen_type = types[key], True
            continue
        if seen_type or (text.upper() != text):
            title_lines.append(text)
        else:
            issuer_lines.append(text)
    preamble = " ".join(p.block.text for p in placed if "preamble" in p.categories)
    title = re.sub(r"\s+", " ", " ".join(title_lines)).strip() or None
    issuer_text = " ".join(issuer_lines)
    province = (
        _province_in(_sentence_case(issuer_text, None).title() if issuer_text else "")
        or _province_in(title or "")
        or (match_province(place) if place else None)
        or _province_in(preamble)
    )
    if province is None and issuer_text:
        province = match_province(re.sub(r"^(?:TỈNH|THÀNH PHỐ)\s+", "", issuer_lines[-1]))
    # Only a preamble that opens numbered sections announces the document's own type.
    sectioned = any(block.kind == BlockKind.SECTION for block in tree.body)
    doc_type = (
        doc_type or _doc_type_from_symbol(number) or (sectioned and _doc_type_in(preamble)) or None
    )
    signer = signer_of(tree.closing)
    ubnd = bool(
        (number and "UBND" in number)
        or re.search(r"(?:ủy|uỷ) ban nhân dân (?:tỉnh|thành phố)", preamble.lower())
        or (signer.on_behalf and "ủy ban nhân dân" in signer.on_behalf.lower())
    )
    issuer = canonical_agency(_sentence_case(issuer_text, province)) if issuer_text else None
    if issuer and "ủy ban" not in issuer.lower() and ubnd:
        issuer = "Ủy ban nhân dân " + issuer[:1].lower() + issuer[1:]
    if issuer and issuer.startswith(CENTRAL):
        province = None  # a ministry's plan is national whatever city it was signed in
    if issuer is None and province and ubnd:
        issuer = f"Ủy ban nhân dân tỉnh {province}"
    return DocHeader(
        province=province,
        issuer=issuer,
        doc_type=doc_type,
        number=number,
        issue_date=issue_date,
        title=title,
        signer=signer,
        place=place,
    )


def _doc_type_in(preamble: str) -> str | None:
    """ "... ban hành Kế hoạch ..." / "xây dựng kế hoạch ..." in the preamble names the type."""
    for name in load_yaml("doc_types.yaml"):
        if re.search(
            r"(?:ban hành|xây dựng)\s+" + re.escape(name.lower()) + r"\b", preamble.lower()
        ):
            return name
    return None
