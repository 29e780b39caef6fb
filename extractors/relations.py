"""Relations to other documents: cites, implements, amends, supplements, replaces, repeals, guides.

Three sources, kept apart (``Relation.source``):
- the preamble: "Căn cứ …" (can_cu) and "Thực hiện / Triển khai …" (thuc_hien) clauses;
- the document's own provisions and title: "Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số …",
  "Bãi bỏ …", "Quyết định này thay thế Quyết định số …", "… hết hiệu lực kể từ ngày …", "hướng dẫn
  thi hành Nghị định số …"; any other citation in the body is dan_chieu;
- portal notes about this document ("[Khoản này được sửa đổi bởi … Luật Doanh nghiệp sửa đổi 2025
  …]", "bị thay thế bởi …"): the other document acts on this one (``inverse``).
A citation inside a parenthesis that tells another document's history ("(được sửa đổi, bổ sung tại
Nghị định số 48/2023/NĐ-CP)") is only a mention. Every ref carries ``ref_key`` so that it can be
resolved to a stored work later; this module only reads the text.
"""

from __future__ import annotations

import re

from diacritics.orthography import fold_ascii
from extractors.deadlines import normalize_date
from extractors.legal_basis import (
    DATE,
    REF,
    TYPE_NAMES,
    TYPES,
    clean_symbol,
    extract_legal_basis,
    preamble_entries,
    ref_key,
)
from extractors.sections import Placed
from extractors.vocab import fuzzy_opening
from schemas import DocHeader, LegalBasis, Provenance, Relation, Validity

# A cited document in folded text: "nghi dinh so 98/2023/nd-cp ngay 31/12/2023".
MENTION = re.compile(
    rf"(?P<type>{TYPES})(?!\s+nay\b)\s+(?:s\S{{0,2}}\s*:?\s*)?"
    rf"(?:(?:(?!(?:{TYPES})\s)[^\d;:()]){{0,80}}?\s+so\s+)?"
    rf"(?P<ref>{REF})"
    rf"(?:\s+ngay\s+(?P<date>{DATE}))?"
)
# A named law without a number ("luat doanh nghiep sua doi 2025") after a portal note's "bởi".
NAMED = re.compile(r"(?P<type>luat|bo luat|phap lenh)\s+(?P<name>[^\]\[;()]+?\d{4})")
TRIGGERS = (
    ("sua_doi", r"sua\s+doi(?:\s*,\s*bo\s+sung)?"),
    ("bo_sung", r"bo\s+sung"),
    ("thay_the", r"thay\s+the"),
    ("bai_bo", r"bai\s+bo|huy\s+bo|het\s+hieu\s+luc|ngung\s+hieu\s+luc"),
    (
        "huong_dan",
        r"(?<!theo )(?<!tai )huong\s+dan(?:\s+(?:thi\s+hanh|thuc\s+hien))?|quy\s+dinh\s+chi\s+tiet",
    ),
    ("hop_nhat", r"hop\s+nhat"),
    ("thuc_hien", r"thuc\s+hien|trien\s+khai"),
)
TRIGGER = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in TRIGGERS))
# Another document's history, not this document's act: "(được sửa đổi, bổ sung tại …)".
HISTORY = re.compile(r"(?:duoc|da\s+duoc|bi|da\s+bi)\s+(?:[a-z,\s]{0,30})$")
# Portal notes about this document or one of its parts.
NOTE = re.compile(
    r"\[(?P<part>[^\[\]]{0,60}?)\s*(?:nay\s+)?(?:duoc|bi)\s+(?P<verb>sua\s+doi|bo\s+sung|thay\s+the"
    r"|bai\s+bo|huong\s+dan|hop\s+nhat)[^\[\]]{0,20}?\s+(?:boi|tai|theo)\s+(?P<rest>[^\[\]]+)\]"
)
SELF = re.compile(
    r"\b(?:luat|nghi\s+dinh|thong\s+tu|quyet\s+dinh|chi\s+thi|nghi\s+quyet|van\s+ban|phap\s+lenh)"
    r"\s+nay\b"
)
SCOPE = re.compile(
    r"(?:(?:diem\s+\w\s+)?(?:khoan\s+\d+\s+)?dieu\s+\d+\w*(?:\s*,\s*(?:khoan\s+\d+\s+)?dieu\s+\d+)*"
    r"|chuong\s+[ivxl\d]+|phu\s+luc\s+[ivxl\d]+)\s*(?:cua\s+)?$"
)


def _type_name(folded: str) -> str | None:
    return next((name for name in TYPE_NAMES if fold_ascii(name) == folded), None)


def _relation(
    kind: str,
    text: str,
    match: re.Match[str],
    source: str,
    prov: Provenance | None,
    *,
    inverse: bool = False,
    scope: str | None = None,
) -> Relation:
    ref = clean_symbol(text[match.start("ref") : match.end("ref")])
    date = match.group("date") if "date" in match.groupdict() else None
    return Relation(
        kind=kind,  # type: ignore[arg-type]
        ref=ref,
        key=ref_key(ref),
        doc_type=_type_name(match.group("type")),
        date=normalize_date("ngày " + date) if date else None,
        source=source,  # type: ignore[arg-type]
        inverse=inverse,
        scope=scope,
        text=_sentence_around(text, match.start()),
        provenance=prov,
    )


def _sentence_around(text: str, at: int, width: int = 240) -> str:
    start = max(text.rfind(". ", 0, at) + 1, text.rfind(";", 0, at) + 1, at - width, 0)
    end_candidates = [i for i in (text.find(". ", at), text.find(";", at)) if i != -1]
    end = min([*end_candidates, at + width, len(text)])
    return text[start:end].strip()


def _kind_before(folded: str, start: int, cited: int) -> tuple[str, int] | None:
    """The act the clause names before a citation (``cited``: where it begins; ``start``: its
    number): the last trigger since the clause began, if it is this document's act. A trigger
    after an earlier citation describes that one ("Nghị định số 289/2025/NĐ-CP … hướng dẫn thi
    hành Nghị quyết số 197/2025/QH15"), unless this citation continues a list ("thay thế Thông tư
    số 29/2023/TT-BGDĐT … và Thông tư số 10/2024/TT-BGDĐT"); a passive history ("… đã được sửa
    đổi, bổ sung theo Luật số …") is no act."""
    clause_start = max(folded.rfind(";", 0, start), folded.rfind(". ", 0, start), start - 220, 0)
    listed = bool(re.search(r"(?:,|\bva|\bhoac)\s*$", folded[max(0, cited - 8) : cited]))
    for found in reversed(list(TRIGGER.finditer(folded, clause_start, start))):
        before = folded[max(0, found.start() - 40) : found.start()]
        if re.search(r"\b(?:duoc|bi)\s+(?:[\w,]+\s+){0,3}$", before):
            return None
        if MENTION.search(folded, clause_start, found.start()):
            if listed:
                continue  # the trigger describes an earlier citation; the list's act is before
            return None
        kind = next(name for name, value in found.groupdict().items() if value)
        return kind, found.start()
    return None


def _in_history(folded: str, start: int) -> bool:
    """Whether the citation sits in a parenthesis or clause telling another document's history."""
    opened = folded.rfind("(", 0, start)
    if opened != -1 and folded.rfind(")", 0, start) < opened:
        return True
    if folded.count("“", 0, start) > folded.count("”", 0, start):
        return True  # inside the new wording an amendment quotes: "“a) … theo Nghị định số …”"
    return bool(HISTORY.search(folded[max(0, start - 45) : start]))


def body_relations(text: str, prov: Provenance | None, source: str = "body") -> list[Relation]:
    """Relations a provision or title states: every citation, typed by the act before it."""
    folded = fold_ascii(text)
    out: list[Relation] = []
    for match in MENTION.finditer(folded):
        history = _in_history(folded, match.start())
        # Up to the number: "Luật sửa đổi, bổ sung … của Luật Doanh nghiệp số 59/2020/QH14".
        trigger = None if history else _kind_before(folded, match.start("ref"), match.start())
        kind = "dan_chieu"
        scope = None
        if trigger:
            kind = trigger[0]
            between = folded[trigger[1] : match.start()] if trigger[1] < match.start() else ""
            found = SCOPE.search(between)
            if found:
                scope = text[trigger[1] : match.start()][found.start() : found.end()].strip()
                scope = re.sub(r"\s+(?:của|cua)$", "", scope)
            if kind == "thuc_hien" and source == "body":
                kind = "dan_chieu"  # "thực hiện theo Nghị định …" in a provision is a reference
        out.append(_relation(kind, text, match, source, prov, scope=scope or None))
    for ended in re.finditer(r"(?<!vb )het\s+hieu\s+luc\s+(?:ke\s+tu|tu|thi\s+hanh)", folded):
        # "Luật … số 04/2007/QH12 đã được sửa đổi … theo Luật số … hết hiệu lực kể từ …": the
        # clause's first citation is what ends; the later ones told its history.
        clause_start = max(
            folded.rfind(";", 0, ended.start()), folded.rfind(". ", 0, ended.start())
        )
        first = MENTION.search(folded, clause_start + 1, ended.start())
        if first is None or SELF.search(folded, clause_start + 1, first.start()):
            continue
        key = ref_key(text[first.start("ref") : first.end("ref")])
        for index, kept in enumerate(out):
            if kept.key == key:
                out[index] = kept.model_copy(update={"kind": "bai_bo"})
            elif (
                kept.kind == "bai_bo"
                and first.start() < folded.find(kept.ref.lower()[:5], first.end()) < ended.start()
            ):
                out[index] = kept.model_copy(update={"kind": "dan_chieu"})
    return out


def note_relations(text: str, prov: Provenance | None) -> list[Relation]:
    """Portal notes saying another document amends, replaces, repeals or guides this one."""
    out: list[Relation] = []
    folded = fold_ascii(text)
    kinds = {"sua doi": "sua_doi", "bo sung": "bo_sung", "thay the": "thay_the",
             "bai bo": "bai_bo", "huong dan": "huong_dan", "hop nhat": "hop_nhat"}  # fmt: skip
    for note in NOTE.finditer(folded):
        part = note.group("part")
        if re.search(r"noi\s+dung\s+huong\s+dan|tai\s+(?:nghi|thong|quyet)", part):
            continue  # a note about the guiding document, not about this one
        kind = kinds[re.sub(r"\s+", " ", note.group("verb"))]
        rest_start = note.start("rest")
        rest = folded[rest_start : note.end("rest")]
        part = text[note.start("part") : note.end("part")].strip()
        scope = f"{part} này" if part and len(part.split()) <= 2 else None
        found = MENTION.search(rest)
        if found and found.start() < 60:
            shifted = MENTION.search(folded, rest_start + found.start())
            if shifted:
                out.append(
                    _relation(kind, text, shifted, "portal", prov, inverse=True, scope=scope)
                )
                continue
        named = NAMED.search(rest)
        if named and named.start() < 60:
            name = text[rest_start + named.start() : rest_start + named.end()]
            out.append(
                Relation(
                    kind=kind,
                    ref=name,
                    key=ref_key(name),
                    doc_type="Luật",  # type: ignore[arg-type]
                    source="portal",
                    inverse=True,
                    scope=scope,
                    text=note.group(0)[:240],
                    provenance=prov,
                )
            )
    return out


def _basis_relation(basis: LegalBasis, kind: str) -> Relation:
    return Relation(
        kind=kind,  # type: ignore[arg-type]
        ref=basis.ref,
        key=basis.key or ref_key(basis.ref),
        doc_type=basis.doc_type,
        date=basis.date,
        issuer=basis.issuer,
        source="preamble",
        provenance=basis.provenance,
    )


def preamble_relations(placed: list[Placed]) -> list[Relation]:
    """ "Căn cứ …" as can_cu, "Thực hiện / Triển khai …" as thuc_hien, one per cited document."""
    out: list[Relation] = []
    implements = ("Thực hiện", "Triển khai", "Tiếp nhận")
    for basis in extract_legal_basis(placed):
        kind = "can_cu"
        for entry in preamble_entries(placed):
            if basis.provenance == entry.block.provenance:
                for clause in re.split(r";", entry.block.text):
                    if basis.ref[:6] in clause and fuzzy_opening(clause.strip(), implements):
                        kind = "thuc_hien"
        out.append(_basis_relation(basis, kind))
    return out


ENACTING = re.compile(
    r"\bban\s+hanh\s+(?:bo\s+luat|luat|phap\s+lenh|nghi\s+dinh|nghi\s+quyet"
    r"|thong\s+tu|quyet\s+dinh)\s+(?:sua\s+doi|bai\s+bo|thay\s+the|huong\s+dan)"
)
ACTING_TYPES = frozenset(
    ("Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Lệnh", "Nghị quyết", "Nghị quyết liên tịch",
     "Nghị định", "Thông tư", "Thông tư liên tịch", "Quyết định", "Chỉ thị", "Quy chế", "Quy định",
     "Văn bản hợp nhất")
)  # fmt: skip
"""Types whose provisions act on other documents; a Tờ trình or Công văn only proposes or reports
("đề nghị sửa đổi Quyết định …"), so its citations stay mentions."""


def extract_relations(
    placed: list[Placed], header: DocHeader, header_lines: tuple[str, ...] = ()
) -> tuple[Relation, ...]:
    """Every relation: preamble, title and provisions, portal notes; deduplicated."""
    found = _acts(preamble_relations(placed), header)
    for entry in preamble_entries(placed):
        # The enacting formula states the document's own act: "Quốc hội ban hành Luật sửa đổi,
        # bổ sung một số điều của Luật Doanh nghiệp số 59/2020/QH14 …".
        if ENACTING.search(fold_ascii(entry.block.text)):
            acts = body_relations(entry.block.text, entry.block.provenance)
            found += _acts([r for r in acts if r.kind != "dan_chieu"], header)
    if header.title:
        titled = [r for r in body_relations(header.title, None) if r.kind != "dan_chieu"]
        found += _acts(titled, header)
    preamble = {id(entry.block) for entry in preamble_entries(placed)}
    for entry in placed:
        if id(entry.block) in preamble or "annex" in entry.categories:
            continue
        text = entry.block.text
        found += note_relations(text, entry.block.provenance)
        own_text = re.sub(r"\[[^\[\]]*(?:\]|$)", " ", text)  # portal notes, closed or cut
        body = body_relations(own_text, entry.block.provenance)
        found += _acts(body, header)
    if header.doc_type == "Văn bản hợp nhất":
        lines = [(line, None) for line in header_lines]
        found += consolidated([*lines, *tree_texts(placed)], header)
    own = ref_key(header.number) if header.number else None
    return tuple(_dedupe([r for r in found if r.key != own]))


def tree_texts(placed: list[Placed]) -> list[tuple[str, Provenance | None]]:
    """The body's opening blocks, up to the preamble or the first article."""
    out: list[tuple[str, Provenance | None]] = []
    for entry in placed[:40]:
        folded = fold_ascii(entry.block.text)
        if re.match(r"^(?:can\s+cu|dieu\s+\d|chuong\s)", folded) or "preamble" in entry.categories:
            break
        out.append((entry.block.text, entry.block.provenance))
    return out


def consolidated(texts: list[tuple[str, Provenance | None]], header: DocHeader) -> list[Relation]:
    """What a văn bản hợp nhất consolidates: its note names the base document, then "được sửa
    đổi, bổ sung bởi: 1. Luật số …; 2. …" — the first document of each item."""
    sources = [*texts] or [(header.title or "", None)]
    out = []
    for text, prov in sources:
        for item in re.split(r"(?:^|\s)\d{1,2}\.\s(?=[A-ZĐÀ-Ỹ])|;\s*", text):
            found = MENTION.search(fold_ascii(item))
            if found:
                out.append(_relation("hop_nhat", item, found, "body", prov))
    return out


def _acts(relations: list[Relation], header: DocHeader) -> list[Relation]:
    """Relations as acts of this document only where its type is known and can act."""
    if header.doc_type in ACTING_TYPES:
        return relations
    keep = ("can_cu", "thuc_hien", "dan_chieu")
    return [r if r.kind in keep else r.model_copy(update={"kind": "dan_chieu"}) for r in relations]


def _dedupe(relations: list[Relation]) -> list[Relation]:
    """One relation per (kind, key, direction, source); a typed one wins over a mere mention."""
    typed = {(r.key, r.source) for r in relations if r.kind != "dan_chieu"}
    seen: set[tuple[str, str, bool, str]] = set()
    out = []
    for relation in relations:
        if relation.kind == "dan_chieu" and (relation.key, relation.source) in typed:
            continue
        key = (relation.kind, relation.key, relation.inverse, relation.source)
        if key not in seen:
            seen.add(key)
            out.append(relation)
    return out


EFFECTIVE = re.compile(
    r"(?:co\s+hieu\s+luc(?:\s+thi\s+hanh)?)\s+(?:ke\s+)?tu\s+(?P<when>ngay\s+ky|ngay\s+ban\s+hanh"
    r"|ngay\s+\d{1,2}\s*(?:/\s*\d{1,2}\s*/\s*\d{4}|thang\s+\d{1,2}\s+nam\s+\d{4}))"
)
STATUS_WORDS = (
    ("het hieu luc mot phan", "partly_expired"),
    ("het hieu luc", "expired"),
    ("ngung hieu luc", "expired"),
    ("chua co hieu luc", "not_yet_in_force"),
    ("con hieu luc", "in_force"),
)


def effective_date(placed: list[Placed], issue_date: str | None) -> str | None:
    """The date a "… này có hiệu lực (thi hành) kể từ ngày …" provision gives.

    A stand-in until the temporal extractor's ``DocHeader.effective_date`` is merged: it owns the
    reading of "có hiệu lực" sentences, this module only the status derived from them.
    """
    for entry in placed:
        folded = fold_ascii(entry.block.text)
        if not SELF.search(folded):
            continue
        found = EFFECTIVE.search(folded)
        if found:
            when = found.group("when")
            if when.startswith(("ngay ky", "ngay ban hanh")):
                return issue_date if issue_date and "?" not in issue_date else None
            return normalize_date(entry.block.text[found.start("when") : found.end("when")])
    return None


def derive_validity(
    header: DocHeader, relations: tuple[Relation, ...], placed: list[Placed]
) -> Validity:
    """Effective date, expiry and status: the portal's, else the document's and relations'."""
    portal = header.portal
    # The temporal extractor's fields (DocHeader.effective_date / expiry_date) where it ran; the
    # portal's; the fallback below only where neither exists.
    effective = (
        getattr(header, "effective_date", None)
        or (portal and portal.effective_date)
        or (
            None if hasattr(header, "effective_date") else effective_date(placed, header.issue_date)
        )
    )
    expiry = getattr(header, "expiry_date", None) or (portal.expiry_date if portal else None)
    status, basis = _status_and_basis(portal.status if portal else None, relations)
    if status == "unknown" and effective:
        basis = "effective date as written; no repeal found"
    return Validity(effective_date=effective, expiry_date=expiry, status=status, basis=basis)


def _status_and_basis(
    portal_status: str | None, relations: tuple[Relation, ...]
) -> tuple[str, str | None]:
    """The portal's status where it gives one; else a replacement or repeal by another document."""
    if portal_status:
        return _status(portal_status), f"portal: {portal_status}"
    ended = [r for r in relations if r.inverse and r.kind in ("thay_the", "bai_bo")]
    whole = [r for r in ended if r.scope is None]
    if whole:
        return "expired", f"{whole[0].kind} by {whole[0].ref}"
    if ended:
        return "partly_expired", f"{ended[0].kind} of {ended[0].scope} by {ended[0].ref}"
    return "unknown", None


def _status(text: str) -> str:
    folded = fold_ascii(text)
    return next((status for words, status in STATUS_WORDS if words in folded), "unknown")


__all__ = ["body_relations", "derive_validity", "extract_relations", "note_relations"]
