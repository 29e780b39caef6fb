"""Legal basis: the documents cited by the preamble ("Căn cứ / Thực hiện / Tiếp nhận ...").

Citations are found in text folded without diacritics (one character per character), so a
preamble that restoration left as "Can cu Nghi dinh so 98/2023/ND-CP" still yields its citation;
the values are cut from the original text. A named law keeps its number ("Luật Tổ chức Chính phủ
số 63/2025/QH15": ref "63/2025/QH15", name "Luật Tổ chức Chính phủ"). ``ref_key`` is the one
canonical key of a cited document (case, spacing, Đ/đ, dashes, look-alike letters), so that
citations, relations and headers resolve to the same stored work.
"""

from __future__ import annotations

import re

from diacritics.orthography import fold_ascii
from extractors.agencies import canonical_agency
from extractors.deadlines import clause_spans, normalize_date
from extractors.sections import Placed
from extractors.vocab import fuzzy_opening, vocab_list
from schemas import BlockKind, LegalBasis, Provenance

TYPE_NAMES = (
    "Thông tư liên tịch",
    "Nghị quyết liên tịch",
    "Bộ luật",
    "Luật",
    "Pháp lệnh",
    "Nghị định",
    "Nghị quyết",
    "Quyết định",
    "Thông tư",
    "Chỉ thị",
    "Kế hoạch",
    "Công văn",
    "Văn bản",
    "Kết luận",
    "Hướng dẫn",
    "Thông báo",
    "Chương trình",
    "Đề án",
    "Quy định",
    "Công điện",
    "Hiến pháp",
    "Văn bản hợp nhất",
    "Quy chế",
)
NAMED_LAWS = ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp")
TYPES = "|".join(re.escape(fold_ascii(name)) for name in TYPE_NAMES)
REF = r"\d{1,5}(?:\s*[/-]\s*[\w.]+)*\s*/\s*[\w-]+"
DATE = r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}"
STOP = (
    r"ve|ban hanh|quy dinh|huong dan|phe duyet|trien khai|thuc hien|tiep tuc|v/v|cong bo|sua doi|so"
)
CITATION = re.compile(
    rf"(?P<type>{TYPES})\s+(?:s\S{{0,2}}\s*:?\s*)?(?:(?P<ref>{REF})(?=\s|[;,(.]|$)"
    rf"|(?P<name>[^;:]+?)(?:\s+so\s+(?P<lawref>{REF}))?"
    rf"(?=\s+ngay\s|\s+(?:so|cua)\s|\s*;|\s*,\s+(?:duoc|da)\s|\s+(?:da\s+)?(?:duoc\s+)?sua\s+doi|\s*$))"
    rf"(?:\s+ngay\s+(?P<date>{DATE}))?"
    rf"(?:\s+(?:cua|do)\s+(?P<issuer>[^;,(]+?)(?=\s+(?:{STOP})\b|\s*[;,(“\"]|$))?"
)


# Look-alike letters that text extraction leaves in symbols ("TT-BTС" with a Cyrillic "С").
HOMOGLYPHS = str.maketrans("АВСЕНКМОРТХІаеорсхуіÐð", "ABCEHKMOPTXIaeopcxyiĐđ")
DASHES = re.compile(r"[‐‑‒–—―−]")


def clean_symbol(text: str) -> str:
    """A number and symbol as written, without spaces, look-alike letters or odd dashes."""
    text = DASHES.sub("-", text.translate(HOMOGLYPHS))
    return re.sub(r"\s+", "", text).strip(".,;:")


def ref_key(ref: str) -> str:
    """The canonical key of a cited document: "98/2023/ND-CP", or a name's folded words.

    "98/2023/NĐ-CP", "98/2023/nđ-cp", "98 / 2023 / ND–CP" and "Số: 098/2023/NĐ-CP" give one key;
    a law cited by name gives its words folded ("luat thi dua khen thuong").
    """
    numbered = re.match(r"^\s*(?:s\S{0,2}\s*:?\s*)?[\d?]", fold_ascii(ref))
    text = clean_symbol(ref) if numbered else ref
    if numbered and text[:1].lower() == "s":
        text = re.sub(r"^s\S{0,2}:?", "", text, flags=re.IGNORECASE)  # "Số:98/2023/NĐ-CP"
    digits = re.match(r"^(\d+)(.*)$", text)
    if digits:
        return fold_ascii(str(int(digits.group(1))) + digits.group(2)).upper()
    if text.startswith("?"):  # a number OCR could not read: the symbol still identifies the kind
        return fold_ascii(text).upper()
    return " ".join(re.findall(r"\w+", fold_ascii(DASHES.sub("-", ref.translate(HOMOGLYPHS)))))


def _clauses(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in clause_spans(text) if text[a:b].strip()]


def citation_of(clause: str, prov: Provenance) -> LegalBasis | None:
    """The first document a preamble clause cites."""
    folded = fold_ascii(clause)
    found = CITATION.search(folded)
    if not found or found.start() > 40:
        return None
    doc_type = next(name for name in TYPE_NAMES if fold_ascii(name) == found.group("type"))

    def original(group: str) -> str | None:
        return clause[found.start(group) : found.end(group)] if found.group(group) else None

    ref = original("ref")
    name = None
    if ref:
        ref = clean_symbol(ref)
    elif doc_type in NAMED_LAWS and original("name"):
        name = f"{doc_type} {original('name').strip()}"  # type: ignore[union-attr]
        law_number = original("lawref")
        ref = clean_symbol(law_number) if law_number else name
    else:
        return None
    date_text = original("date")
    issuer = original("issuer")
    return LegalBasis(
        ref=ref,
        doc_type=doc_type,
        date=normalize_date("ngày " + date_text) if date_text else None,
        issuer=canonical_agency(issuer.strip()) if issuer else None,
        provenance=prov,
        name=name,
        key=ref_key(ref),
    )


ARTICLE = re.compile(r"^(?:dieu\s+\d+\s*[.:]|chuong\s+(?:1|i)\b|phan\s+thu\s+nhat)")


def preamble_entries(placed: list[Placed]) -> list[Placed]:
    """The preamble's blocks: those placed there, and "Căn cứ …" clauses before the first real
    section or article, even when an authority line ("THỦ TƯỚNG CHÍNH PHỦ", "CHỦ TỊCH ỦY BAN
    NHÂN DÂN TỈNH …") before them was read as a heading and took them as its children."""
    starts = vocab_list("sections.yaml", "preamble_starts")
    out: list[Placed] = []
    for entry in placed:
        text = entry.block.text
        if ARTICLE.match(fold_ascii(text)):
            break  # "Điều 1." begins the body even where the layout left it a paragraph
        if "preamble" in entry.categories:
            out.append(entry)
            continue
        label = entry.block.label
        if entry.heading or (label and label[:1] in "IVX"):
            break
        if entry.block.kind == BlockKind.PARAGRAPH and fuzzy_opening(text, starts) is not None:
            out.append(entry)
    return out


def extract_legal_basis(placed: list[Placed]) -> tuple[LegalBasis, ...]:
    """One entry per document cited at the head of a preamble clause, first citation kept."""
    starts = vocab_list("sections.yaml", "preamble_starts")
    out: list[LegalBasis] = []
    for entry in preamble_entries(placed):
        for clause in _clauses(entry.block.text):
            cut = fuzzy_opening(clause, starts)
            if cut is None:
                # OCR dust may precede the opening words ("số Căn cứ ..."): look a little further.
                late = re.search(
                    "|".join(re.escape(fold_ascii(s)) for s in starts), fold_ascii(clause[:16])
                )
                cut = late.end() if late else None
            if cut is None and not CITATION.match(fold_ascii(clause)):
                continue
            cited = citation_of(clause[cut or 0 :].strip(), entry.block.provenance)
            if cited and all(kept.ref != cited.ref for kept in out):
                out.append(cited)
    return tuple(out)
