"""Legal basis: the documents cited by the preamble ("Căn cứ / Thực hiện / Tiếp nhận ...").

Citations are found in text folded without diacritics (one character per character), so a
preamble that restoration left as "Can cu Nghi dinh so 98/2023/ND-CP" still yields its citation;
the values are cut from the original text.
"""

from __future__ import annotations

import re

from diacritics.orthography import fold_ascii
from extractors.agencies import canonical_agency
from extractors.deadlines import clause_spans, normalize_date
from extractors.sections import Placed
from extractors.vocab import fuzzy_opening, vocab_list
from schemas import LegalBasis, Provenance

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
)
NAMED_LAWS = ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp")
TYPES = "|".join(re.escape(fold_ascii(name)) for name in TYPE_NAMES)
REF = r"\d{1,5}(?:\s*[/-]\s*[\w.]+)*\s*/\s*[\w-]+"
DATE = r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}"
STOP = (
    r"ve|ban hanh|quy dinh|huong dan|phe duyet|trien khai|thuc hien|tiep tuc|v/v|cong bo|sua doi|so"
)
CITATION = re.compile(
    rf"(?P<type>{TYPES})\s+(?:s\S{{0,2}}\s+)?(?:(?P<ref>{REF})(?=\s|[;,(]|$)"
    rf"|(?P<name>[^;:]+?)(?=\s+ngay\s|\s+(?:so|cua)\s|\s*;|\s*$))"
    rf"(?:\s+ngay\s+(?P<date>{DATE}))?"
    rf"(?:\s+(?:cua|do)\s+(?P<issuer>[^;,(]+?)(?=\s+(?:{STOP})\b|\s*[;,(“\"]|$))?"
)


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
    if ref:
        ref = re.sub(r"\s+", "", ref)
    elif doc_type in NAMED_LAWS and original("name"):
        ref = f"{doc_type} {original('name').strip()}"  # type: ignore[union-attr]
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
    )


def extract_legal_basis(placed: list[Placed]) -> tuple[LegalBasis, ...]:
    """One entry per document cited at the head of a preamble clause, first citation kept."""
    starts = vocab_list("sections.yaml", "preamble_starts")
    out: list[LegalBasis] = []
    for entry in placed:
        if "preamble" not in entry.categories:
            continue
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
