"""Legal basis: the documents cited by the preamble ("Căn cứ / Thực hiện / Tiếp nhận ...")."""

from __future__ import annotations

import re

from extractors.agencies import canonical_agency
from extractors.deadlines import normalize_date
from extractors.sections import Placed
from extractors.vocab import vocab_list
from schemas import LegalBasis, Provenance

TYPES = (
    "Thông tư liên tịch|Nghị quyết liên tịch|Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Quyết định|"
    "Thông tư|Chỉ thị|Kế hoạch|Công văn|Văn bản|Kết luận|Hướng dẫn|Thông báo|Chương trình|Đề án|"
    "Quy định|Công điện|Hiến pháp"
)
REF = r"\d{1,5}(?:\s*[/-]\s*[\wĐđ.]+)*\s*/\s*[\wĐđ-]+"
CITATION = re.compile(
    rf"(?P<type>{TYPES})\s+(?:(?:số|so)\s+)?(?:(?P<ref>{REF})(?=\s+ngày|\s+(?:của|do)\s|\s*[;,(]|\s|$)"
    rf"|(?P<name>[^;:]+?)(?=\s+ngày\s|\s+(?:số|của)\s|\s*;|\s*$))"
    rf"(?:\s+ngày\s+(?P<date>\d{{1,2}}\s*/\s*\d{{1,2}}\s*/\s*\d{{4}}|\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}}))?"
    rf"(?:\s+(?:của|do)\s+(?P<issuer>[^;,(]+?)(?=\s+(?:về|ban hành|quy định|hướng dẫn|phê duyệt|triển khai|"
    rf"thực hiện|tiếp tục|v/v|công bố|sửa đổi|số)\b|\s*[;,(“\"]|$))?",
    re.IGNORECASE,
)


def _clauses(text: str) -> list[str]:
    return [clause.strip() for clause in re.split(r";|\.\s+(?=[A-ZĐ])", text) if clause.strip()]


def citation_of(clause: str, prov: Provenance) -> LegalBasis | None:
    """The first document a preamble clause cites."""
    found = CITATION.search(clause)
    if not found or found.start() > 40:
        return None
    doc_type = found.group("type")
    doc_type = doc_type[:1].upper() + doc_type[1:].lower()
    if found.group("ref"):
        ref = re.sub(r"\s+", "", found.group("ref"))
    elif doc_type in ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp"):
        ref = f"{doc_type} {found.group('name').strip()}"
    else:
        return None
    date = normalize_date("ngày " + found.group("date")) if found.group("date") else None
    issuer = found.group("issuer")
    return LegalBasis(
        ref=ref,
        doc_type=doc_type,
        date=date,
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
            low = clause.lower()
            start = next((s for s in starts if low.startswith(s)), None)
            if start is None and not re.match(rf"(?:{TYPES})\b", clause):
                continue
            rest = clause[len(start):].strip() if start else clause
            cited = citation_of(rest, entry.block.provenance)
            if cited and all(kept.ref != cited.ref for kept in out):
                out.append(cited)
    return tuple(out)
