"""The document's identity: issuer and its parent, number and symbol, place and date, type, title.

The header is the two-column block of Nghị định 30/2020/NĐ-CP (issuer under its parent | national
motto; "Số: …" | place and date), then the type ("QUYẾT ĐỊNH", "NGHỊ ĐỊNH", …) and the trích yếu; a
Công văn has no type line but a "V/v …" under its number. A decision of a one-person authority
repeats it before the preamble ("THỦ TƯỚNG CHÍNH PHỦ"). Lines are read by what they are, not where
they stand: OCR and portal copies put several parts on one line ("QUỐC HỘI ---- CỘNG HÒA … Luật số:
72/2020/QH14 Hà Nội, ngày …") or the symbol on the line after "Số:". Tone marks are normalised
first ("HOÀ" → "HÒA"). Where the page lacks a part, the symbol fills it ("…/TT-BTC": a Thông tư of
the Bộ Tài chính, data/vocab/national_issuers.yaml), then a portal's attribute block. ``province``
is given only for local issuers: a ministry signs in Hà Nội without being Hà Nội's.

``header_parts`` reads the lines into their parts; this module resolves the parts into a
``DocHeader`` (type, issuer and its level, province, authority, the portal's values).
"""

from __future__ import annotations

import re

from diacritics.orthography import fold_ascii, normalize_tones
from extractors.header_parts import (
    MOTTO,
    doc_type_from_symbol,
    doc_types,
    header_texts,
    read_header,
    type_prefix,
)
from extractors.jurisdiction import (
    issuer_from_symbol,
    issuer_groups,
    issuer_level_of,
    issuer_name,
    local_province,
    national_issuer,
    province_in,
    sentence_case,
    symbol_codes,
)
from extractors.legal_basis import clean_symbol
from extractors.portal import read_portal_attributes
from extractors.sections import Placed
from extractors.signer import signer_of
from extractors.vocab import load_yaml
from schemas import BlockKind, DocHeader, DocumentTree, PortalAttributes, Signer


def extract_header(tree: DocumentTree, placed: list[Placed], use_portal: bool = True) -> DocHeader:
    """Header fields; the symbol, authority line, preamble and a portal's attributes fill gaps."""
    parts = read_header(tree)
    signer = signer_of(tree.closing)
    portal = read_portal_attributes(header_texts(tree))
    preamble = " ".join(p.block.text for p in placed if "preamble" in p.categories)
    codes = symbol_codes(parts.symbol)
    groups = issuer_groups(parts.issuer_lines)
    raw_issuer = normalize_tones(groups[-1]) if groups else None
    raw_parent = normalize_tones(" ".join(groups[:-1])) if len(groups) > 1 else None
    title = re.sub(r"\s+", " ", " ".join(parts.title_lines)).strip() or None
    page = _page_title(tree)
    if parts.symbol is None and page:
        parts.symbol = page[1]
        parts.number = page[1] if re.match(r"^\d", page[1]) else None
        codes = symbol_codes(parts.symbol)
    doc_type = (
        parts.doc_type
        or parts.label_type
        or doc_type_from_symbol(parts.symbol)
        or (page[0] if page else None)
    )
    if doc_type is None and (parts.subject or _is_letter_symbol(codes)):
        doc_type = "Công văn"
    sectioned = any(block.kind == BlockKind.SECTION for block in tree.body)
    if doc_type is None and sectioned:
        doc_type = _doc_type_in(preamble)
    if doc_type_from_symbol(parts.symbol) == "Văn bản hợp nhất":
        doc_type = "Văn bản hợp nhất"  # a consolidation prints the consolidated law's type line
    central_types = load_yaml("national_issuers.yaml")["central_types"]
    level = issuer_level_of(raw_issuer, raw_parent, codes)
    if raw_issuer is None and doc_type in central_types:
        level = "central"  # only central bodies issue these, whatever the symbol or the place
    province = None
    if level != "central":
        province = local_province(
            raw_issuer, raw_parent, title, parts.place, preamble, signer, codes
        )
    issuer = issuer_name(raw_issuer, province) if raw_issuer else None
    parent = issuer_name(raw_parent, province) if raw_parent else None
    issuer = _with_authority(issuer, parts.authority, parts.symbol, signer, province, level)
    level = level or issuer_level_of(issuer, parent, codes)
    if level in (None, "central") and doc_type in central_types:
        level, issuer = "central", issuer or central_types[doc_type]
    if level == "central":
        province = None
    header = DocHeader(
        province=province,
        issuer=issuer,
        doc_type=doc_type,
        number=parts.number,
        issue_date=parts.issue_date,
        title=title,
        signer=signer,
        place=parts.place,
        issuer_parent=parent,
        issuer_level=level,  # type: ignore[arg-type]
        authority=_sentence_authority(parts.authority),
        portal=portal,
    )
    return _fill_from_portal(header, portal) if use_portal and portal else header


PAGE_TITLE = re.compile(
    r"^(?P<type>[A-ZĐÀ-Ỹ][^\d/]{2,24}?)\s+(?:s[ốo]\s+)?(?P<symbol>\d[\w.]*\s*/[\w/.ĐđА-я-]+)"
)


def _page_title(tree: DocumentTree) -> tuple[str, str] | None:
    """(type, symbol) from a portal page's own title line ("Thông tư số 152/2025/TT-BTC Hướng dẫn
    …", "Nghị định 230/2025/NĐ-CP"), which legal portals print above the document."""
    types = doc_types()
    for text in header_texts(tree, limit=12):
        folded = fold_ascii(text)
        if (
            MOTTO.search(folded)
            or type_prefix(text)
            or re.match(r"^(?:can\s+cu|thuc\s+hien)", folded)
        ):
            return None  # the document itself began: what follows is its own text
        found = PAGE_TITLE.match(text.strip())
        if found and fold_ascii(found.group("type")) in types:
            return types[fold_ascii(found.group("type"))], clean_symbol(found.group("symbol"))
    return None


def _is_letter_symbol(codes: list[str]) -> bool:
    """A Công văn's symbol opens with its issuer's code, not a type ("2739/VPCP-ĐMDN")."""
    if not codes:
        return False
    types = {fold_ascii(a).upper() for a in load_yaml("doc_types.yaml").values() if a}
    return codes[0] not in types and not re.search(r"\d$", codes[0])


def _with_authority(
    issuer: str | None,
    authority: str | None,
    symbol: str | None,
    signer: Signer,
    province: str | None,
    level: str | None,
) -> str | None:
    """The issuer, else the one the authority line or symbol names; "Ủy ban nhân dân" completed."""
    if issuer is None and authority:
        issuer = national_issuer(authority) or national_issuer(
            re.sub(r"^(?:THỦ TƯỚNG|BỘ TRƯỞNG)\s+", "", authority)
        )
        if issuer == "Chính phủ" and fold_ascii(authority).startswith("thu tuong"):
            issuer = "Thủ tướng Chính phủ"
    if issuer is None:
        issuer = issuer_from_symbol(symbol)
    ubnd = bool(
        (symbol and "UBND" in symbol)
        or (signer.on_behalf and "ủy ban nhân dân" in signer.on_behalf.lower())
    )
    locality = ("tinh ", "thanh pho ", "xa ", "phuong ", "huyen ")
    if (
        issuer
        and ubnd
        and level != "central"
        and "ủy ban" not in issuer.lower()
        and fold_ascii(issuer).startswith(locality)
    ):
        issuer = "Ủy ban nhân dân " + issuer[:1].lower() + issuer[1:]
    if issuer is None and province and ubnd:
        cities = load_yaml("national_issuers.yaml")["centrally_run_cities"]
        issuer = f"Ủy ban nhân dân {'thành phố' if province in cities else 'tỉnh'} {province}"
    return issuer


def _sentence_authority(authority: str | None) -> str | None:
    if not authority:
        return None
    national = national_issuer(authority)
    if national:
        return national
    if fold_ascii(authority).startswith("thu tuong chinh phu"):
        return "Thủ tướng Chính phủ"
    return sentence_case(authority, province_in(sentence_case(authority, None).title()))


def _fill_from_portal(header: DocHeader, portal: PortalAttributes) -> DocHeader:
    """The portal's values where the document's own text gave none."""
    update: dict[str, object] = {}
    if header.number is None and portal.number:
        update["number"] = clean_symbol(portal.number)
    if header.doc_type is None and portal.doc_type:
        update["doc_type"] = portal.doc_type
    if header.issuer is None and portal.issuer:
        update["issuer"] = national_issuer(portal.issuer) or portal.issuer
        if header.issuer_level is None and national_issuer(portal.issuer):
            update["issuer_level"] = "central"
            update["province"] = None
    if header.issue_date is None and portal.issue_date:
        update["issue_date"] = portal.issue_date
    if header.signer.name is None and portal.signer_name:
        signer = header.signer.model_copy(
            update={"name": portal.signer_name, "title": header.signer.title or portal.signer_title}
        )
        update["signer"] = signer
    return header.model_copy(update=update) if update else header


def _doc_type_in(preamble: str) -> str | None:
    """ "... ban hành Kế hoạch ..." / "xây dựng kế hoạch ..." in the preamble names the type."""
    for name in load_yaml("doc_types.yaml"):
        if re.search(
            r"(?:ban hành|xây dựng)\s+" + re.escape(name.lower()) + r"\b", preamble.lower()
        ):
            return name
    return None
