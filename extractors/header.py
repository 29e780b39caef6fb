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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from diacritics.orthography import fold_ascii, normalize_tones
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
from schemas import Block, BlockKind, DocHeader, DocumentTree, PortalAttributes, Signer

MOTTO = re.compile(
    r"cong\s*hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam"
    r"|doc\s+lap\s*[-–]?\s*tu\s+do\s*[-–]?\s*hanh\s+phuc|dang\s+cong\s+san\s+viet\s+nam"
    r"|cong\s*hoa\s+xa\s+hoi|doc\s+lap\s*[-–]\s*tu\s+do|hanh\s+phuc"
)
# "Số:", "Luật số:", "Nghị quyết số:" — the symbol follows, or stands on the next line.
NUMBER = re.compile(r"(?:^|(?<=\s))(?:[a-z ]{2,22}\s)?s[o6]\s*[:.]?\s*(?=\d|$)|^s[o6]\s*:\s*")
PLACE_DATE = re.compile(
    r"(?:^|(?<=\s))[A-ZĐÀ-Ỹ][^\s,\d]*(?:\s+[A-ZĐÀ-Ỹ][^\s,\d]*){0,4}\s*,\s*ng(?:ày|[^\s\d]{0,3})"
)
# OCR of handwritten day and month leaves junk ("ngày(2 tháng 10", "ngàw‡{ tháng 5"): each part is
# read on its own and an unreadable one becomes "??".
YEAR = re.compile(r"(?:n\S{0,2}m|/)\s*(?P<y>(?:19|20)\d{2})\b")
MONTH = re.compile(r"th\S{0,3}\s*(?P<m>\d{1,2})\b|/\s*(?P<m2>\d{1,2})\s*/")
DAY = re.compile(r"\bng\S{0,3}?\W{0,2}(?P<d>\d{1,2})\b")
SUBJECT = re.compile(r"^\(?(?:v\s*/\s*v)\b[\s.:]*")
SEPARATOR = re.compile(r"^[-_=*.\s–—]+$|[-_–—]{3,}")
AUTHORITY_HEADS = (
    "thu tuong", "chu tich", "bo truong", "giam doc", "uy ban", "hoi dong", "chinh phu",
    "quoc hoi", "thong doc", "tong kiem toan", "chanh an", "vien truong", "tong thanh tra",
    "truong ban", "cuc truong",
)  # fmt: skip


@dataclass
class _Parts:
    """What the header's lines say, as read in order."""

    issuer_lines: list[str] = field(default_factory=list)
    number: str | None = None
    symbol: str | None = None
    place: str | None = None
    issue_date: str | None = None
    doc_type: str | None = None
    subject: bool = False
    title_lines: list[str] = field(default_factory=list)
    authority: str | None = None
    awaiting_number: bool = False
    label_type: str | None = None
    title_closed: bool = False  # a line the trích yếu cannot take ended it: none after it can


@cache
def _doc_types() -> dict[str, str]:
    """Folded type names, longest first, to their spelling."""
    names = sorted(load_yaml("doc_types.yaml"), key=len, reverse=True)
    return {fold_ascii(name): name for name in names}


def _is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 0.85 * len(letters)


def doc_type_from_symbol(number: str | None) -> str | None:
    """The type a symbol's code gives ("KH-UBND" → Kế hoạch); None for a Công văn's symbol."""
    codes = symbol_codes(number)
    for name, abbr in load_yaml("doc_types.yaml").items():
        if abbr and codes and fold_ascii(abbr).upper() == codes[0]:
            return name
    return None


def _date(text: str) -> str | None:
    """ISO date of "…, ngày 05 tháng 4 năm 2025", "??" for a part OCR could not read."""
    folded = fold_ascii(text)
    year = YEAR.search(folded)
    if not year:
        return None
    month_found = MONTH.search(folded)
    month = month_found and int(month_found.group("m") or month_found.group("m2"))
    day_found = DAY.search(folded, 0, month_found.start() if month_found else year.start())
    day = day_found and int(day_found.group("d"))
    month_text = f"{month:02d}" if month and 1 <= month <= 12 else "??"
    day_text = f"{day:02d}" if day and 1 <= day <= 31 else "??"
    return f"{year.group('y')}-{month_text}-{day_text}"


# "24 /CT-UBND", "109/2025/QH15", "03 /BCĐX-CAT(PC04)": a code of two letters or more.
SYMBOL = re.compile(
    r"^\s*(?P<num>[^/]{0,8}?)\s*/\s*(?P<year>(?:19|20)\d{2}\s*/\s*)?\s*"
    r"(?P<code>[A-Za-zĐđÀ-ỹ][\wĐđÀ-ỹ()]+(?:\s*-\s*[\wĐđÀ-ỹ()]+)*)"
)


def _symbol(text: str) -> str | None:
    """The number and symbol at the start of ``text`` ("24 /CT-UBND" → "24/CT-UBND").

    A handwritten number that OCR could not read keeps its place as "?" ("†4/UBND-KTTH" →
    "?4/UBND-KTTH"), as the gold writes an unreadable day "??"; the symbol's letters lose the marks
    OCR puts on them ("CẮT" → "CAT") but keep "Đ".
    """
    found = SYMBOL.match(text)
    if not found:
        return None
    raw = found.group("num").strip(" .:")
    number = re.sub(r"[^\d]+", "?", raw.translate(ZERO)) if raw else ""
    code = "".join(
        _unmark(ch) if ch.isalpha() and ch not in "Đđ" else ch for ch in found.group("code")
    )
    year = re.sub(r"\s+", "", found.group("year") or "")
    return clean_symbol(f"{number}/{year}{code}")  # "/KH-UBND": a draft's number left blank


ZERO = str.maketrans("ØøOo", "0000")


def _unmark(char: str) -> str:
    base = fold_ascii(char)
    return base.upper() if char.isupper() else base


def _pieces(line: str) -> list[str]:
    """A header line cut where a new part starts: motto, "Số:", place and date, "V/v"."""
    line = normalize_tones(line)
    folded = fold_ascii(line)
    cuts = {0, len(line)}
    spans = []
    for found in MOTTO.finditer(folded):
        spans.append((found.start(), found.end()))
        cuts.update((found.start(), found.end()))
    for pattern, text in ((NUMBER, folded), (PLACE_DATE, line)):
        for found in pattern.finditer(text):
            cuts.add(found.start())
            year = YEAR.search(folded, found.end()) if pattern is PLACE_DATE else None
            if year and year.start() - found.end() < 40:
                cuts.add(year.end())  # "… năm 2020 LUẬT BẢO VỆ MÔI TRƯỜNG" on one line
    for pattern in (r"(?:^|\s)\(?v\s*/\s*v\b", r"(?:^|\s)kinh\s+gui\b"):
        found = re.search(pattern, folded)
        if found:
            cuts.add(found.start())
    bounds = sorted(cuts)
    out = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        if any(a <= start and end <= b for a, b in spans):
            continue
        piece = SEPARATOR.sub(" ", line[start:end]).strip(" |*")
        if piece:
            out.append(piece)
    return out


def _type_prefix(piece: str) -> tuple[str, str] | None:
    """(type, rest) when an upper-case piece opens with a document type ("NGHỊ ĐỊNH QUY ĐỊNH …")."""
    if not _is_upper(piece.split("[")[0]):
        return None
    folded = fold_ascii(piece)
    for key, name in _doc_types().items():
        if folded == key or (folded.startswith(key + " ") and len(key) >= 4):
            return name, piece[len(key) :].strip(" :.")
    return None


def _is_authority(piece: str) -> bool:
    """An upper-case line naming who decides ("THỦ TƯỚNG CHÍNH PHỦ", "ỦY BAN NHÂN DÂN TỈNH …")."""
    folded = fold_ascii(piece).strip(" :.")
    return (
        _is_upper(piece)
        and len(piece.split()) <= 14
        and folded.startswith(AUTHORITY_HEADS)
        and not piece.rstrip().endswith((".", ";"))
    )


def _read(parts: _Parts, piece: str) -> None:
    """Take one piece of the header into ``parts``."""
    folded = fold_ascii(piece)
    if parts.awaiting_number:
        parts.awaiting_number = False
        symbol = _symbol(piece)
        if symbol:
            parts.symbol = symbol
            rest = piece[SYMBOL.match(piece).end() :]  # type: ignore[union-attr]
            if rest.strip():
                _read(parts, rest)
            return
    number = NUMBER.match(folded)
    labelled = ":" in folded[: number.end()] if number else False
    if (
        number
        and parts.symbol is None
        and parts.doc_type is None
        and (labelled or not parts.title_lines)
    ):
        parts.label_type = _label_type(folded[: number.end()])
        rest = piece[number.end() :].strip()
        symbol = _symbol(rest)
        parts.symbol = symbol
        parts.awaiting_number = symbol is None and not rest
        tail = rest[SYMBOL.match(rest).end() :].strip() if symbol else ""  # type: ignore[union-attr]
        if tail:
            _read(parts, tail)  # "Số: 2739/VPCP-ĐMDN V/v …" on one line
        return
    dated = re.search(r"(?:19|20)\d{2}\b", folded)
    if PLACE_DATE.match(piece) and parts.issue_date is None and dated:
        parts.place = piece.split(",")[0].strip()
        parts.issue_date = _date(piece)
        return
    if SUBJECT.match(folded) and parts.doc_type is None and not parts.title_lines:
        parts.subject = True
        parts.title_lines.append(piece[SUBJECT.match(folded).end() :].strip())  # type: ignore[union-attr]
        return
    typed = _type_prefix(piece) if parts.doc_type is None else None
    if typed:
        parts.doc_type = typed[0]
        parts.title_lines.clear()  # lines before the type line were not its trích yếu
        if len(typed[1].split()) > 2:  # "BÁO CÁO ĐỀ XUẤT": the type's own words, not a title
            parts.title_lines.append(typed[1])
        return
    if parts.doc_type is None and not parts.subject:
        if _is_upper(piece) and parts.symbol is None and parts.issue_date is None:
            parts.issuer_lines.append(piece)
        elif not _is_upper(piece) and _title_continues(parts, piece):
            parts.title_lines.append(piece)  # a trích yếu whose type line OCR lost
        return
    if parts.authority is None and parts.title_lines and _is_authority(piece):
        parts.authority = piece
        return
    if parts.authority and _is_upper(piece) and not parts.authority.endswith((".", ";")):
        parts.authority = f"{parts.authority} {piece}"  # the authority line wraps
        return
    if parts.authority is None and _title_continues(parts, piece):
        parts.title_lines.append(piece)
    elif parts.title_lines:
        parts.title_closed = True


def _label_type(label: str) -> str | None:
    """The type a number's label names: "Nghị quyết số:", "Luật số:"."""
    head = re.sub(r"\s*s[o6]\s*[:.]?\s*$", "", label.strip())
    for key, name in _doc_types().items():  # longest first: "thông tư liên tịch" before "thông tư"
        if head == key or head.endswith(" " + key):
            return name
    return None


def _title_continues(parts: _Parts, piece: str) -> bool:
    """Whether ``piece`` still belongs to the trích yếu: body text ends its lines with a stop;
    an upper-case line under a sentence-case trích yếu is a stamp, an author or a heading."""
    if parts.title_closed:
        return False
    if parts.title_lines and parts.title_lines[-1].rstrip().endswith((".", ";", ":")):
        return False
    if parts.title_lines and _is_upper(piece) and not _is_upper(" ".join(parts.title_lines)):
        return False
    folded = fold_ascii(piece).lstrip(" _~")
    if re.match(r"^(?:kinh\s+\S{2,4}\s*:|can\s+cu|thuc\s+hien|[-+•])", folded):
        return False
    return len(parts.title_lines) < 5


def _body_authority(tree: DocumentTree) -> str | None:
    """An authority line the layout read as the first body heading, before the preamble."""
    for block in tree.body[:2]:
        if block.kind == BlockKind.SECTION and not block.label and _is_authority(block.text):
            return block.text
    return None


def _texts(tree: DocumentTree, limit: int = 80, tail: int = 40) -> list[str]:
    """The first lines and blocks of the document and the last lines of its closing, where a
    portal's attribute block stands (a saved page: after the text, ``pipeline.html_text``)."""
    texts = list(tree.header)

    def walk(block: Block) -> None:
        if len(texts) < limit:
            texts.append(block.text)
            for child in block.children:
                walk(child)

    for block in tree.body:
        walk(block)
    return texts + list(tree.closing[-tail:])


def _read_spilled(parts: _Parts, tree: DocumentTree) -> None:
    """Place, date or number that the layout left at the top of the body (a Công văn's right
    column after its "V/v" lines), and the rest of the "V/v" lines: read until the body begins."""
    motto_seen = False
    blocks = [block for top in tree.body[:6] for block in top.walk()][:8]
    for block in blocks:
        if block.kind not in (BlockKind.PARAGRAPH, BlockKind.SECTION) or block.label:
            return  # numbered sections: the body proper
        motto_seen = motto_seen or bool(MOTTO.search(fold_ascii(block.text)))
        for piece in _pieces(block.text):
            folded = fold_ascii(piece)
            if re.match(r"^(?:kinh\s+gui|can\s+cu|thuc\s+hien|dieu\s+1)", folded):
                return
            if parts.issue_date is None and PLACE_DATE.match(piece):
                if re.search(r"(?:19|20)\d{2}\b", folded):
                    parts.place = piece.split(",")[0].strip()
                    parts.issue_date = _date(piece)
            elif parts.symbol is None and _labelled_number(folded):
                end = NUMBER.match(folded).end()  # type: ignore[union-attr]
                parts.symbol = _symbol(piece[end:])
                parts.label_type = parts.label_type or _label_type(folded[:end])
            elif parts.subject and not motto_seen and _title_continues(parts, piece):
                parts.title_lines.append(piece)
            elif _unread_issuer(parts, piece):
                parts.issuer_lines.append(piece)  # a header the layout did not recognise


def _labelled_number(folded: str) -> bool:
    """ "Số: …" or "Thông tư số 152/2025/TT-BTC" (a portal's page title), not any "số" in a body."""
    number = NUMBER.match(folded)
    return bool(number) and (":" in folded[: number.end()] or _label_type(folded[: number.end()]))


def _unread_issuer(parts: _Parts, piece: str) -> bool:
    """An upper-case line before any number or date, when the header gave no issuer."""
    if parts.issuer_lines or parts.symbol is not None or parts.issue_date is not None:
        return False
    return _is_upper(piece) and not _type_prefix(piece) and len(piece.split()) <= 12


def read_header(tree: DocumentTree) -> _Parts:
    """The header's parts as the document writes them."""
    parts = _Parts()
    for line in tree.header:
        for piece in _pieces(line):
            _read(parts, piece)
    if parts.issue_date is None or parts.symbol is None or not parts.issuer_lines:
        _read_spilled(parts, tree)
    parts.authority = parts.authority or _body_authority(tree)
    parts.number = parts.symbol if parts.symbol and re.match(r"^[\d?]", parts.symbol) else None
    return parts


def extract_header(tree: DocumentTree, placed: list[Placed], use_portal: bool = True) -> DocHeader:
    """Header fields; the symbol, authority line, preamble and a portal's attributes fill gaps."""
    parts = read_header(tree)
    signer = signer_of(tree.closing)
    portal = read_portal_attributes(_texts(tree))
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
    types = _doc_types()
    for text in _texts(tree, limit=12):
        folded = fold_ascii(text)
        if (
            MOTTO.search(folded)
            or _type_prefix(text)
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
