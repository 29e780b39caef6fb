"""The attribute block of legal-portal pages, read where a saved page carries one.

vbpl.vn pages end their "Thuộc tính" tab with label/value pairs, often glued together by the text
extraction ("Số hiệu152/2025/TT-BTC", "Loại văn bảnThông tư", "Ngày có hiệu lực01/01/2026",
"Còn hiệu lực"); thuvienphapluat.vn writes "Số hiệu: …", "Tình trạng: Hết hiệu lực". The values are
the portal's own, kept apart from what the document itself says (``DocHeader.portal``).
"""

from __future__ import annotations

import re

from diacritics.orthography import fold_ascii
from schemas import PortalAttributes

LABELS = {
    "so hieu": "number",
    "loai van ban": "doc_type",
    "co quan ban hanh": "issuer",
    "noi ban hanh": "issuer",
    "ngay ban hanh": "issue_date",
    "ngay ky xac thuc": "issue_date",
    "ngay co hieu luc": "effective_date",
    "ngay hieu luc": "effective_date",
    "ngay het hieu luc": "expiry_date",
    "nguoi ky": "signer_name",
    "chuc danh": "signer_title",
    "tinh trang": "status",
    "tinh trang hieu luc": "status",
}
"""Labels of the attribute block, folded without diacritics, and the field each fills."""

IGNORED = (
    "nganh",
    "linh vuc",
    "ngay cap nhat",
    "nguon thu thap",
    "ngay dang cong bao",
    "ngay cong bao",
    "so cong bao",
)
"""Other labels of the block: they only end the value before them."""

LABEL = re.compile(
    r"(?<![\w/])(?P<label>" + "|".join(sorted((*LABELS, *IGNORED), key=len, reverse=True)) + r")"
)
STATUS = re.compile(r"(?:con|het|chua co|ngung)\s+hieu\s+luc(?:\s+(?:toan bo|mot phan))?")
DATE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")


def _iso(value: str) -> str | None:
    found = DATE.search(value)
    if not found:
        return None
    day, month, year = found.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _value(field: str, value: str) -> str | None:
    value = value.strip(" :.-–|")  # "|": a pipe table's cell edge ("| Số hiệu | 45/… |")
    if not value:
        return None  # the portal's "--": not filled
    if field.endswith("_date"):
        return _iso(value)
    if field == "number":
        return value.split()[0]
    if field == "status":
        found = STATUS.match(fold_ascii(value))
        return value[: found.end()] if found else None
    status = STATUS.search(fold_ascii(value))
    return value[: status.start()].strip() if status and status.start() > 0 else value


def read_portal_attributes(texts: list[str]) -> PortalAttributes | None:
    """The portal's attributes in ``texts`` (lines or joined paragraphs), or None."""
    found: dict[str, str] = {}
    labels = 0
    for text in texts:
        folded = fold_ascii(text)
        marks = list(LABEL.finditer(folded))
        if not marks:
            if STATUS.fullmatch(folded.strip()) and "status" not in found:
                found["status"] = text.strip()
            continue
        for index, mark in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
            field = LABELS.get(mark.group("label"))
            if field is None:
                continue
            labels += 1
            raw = text[mark.end() : end]
            value = _value(field, raw)
            if value and field not in found:
                found[field] = value
            status = STATUS.search(fold_ascii(raw))
            if status and field.endswith("_date") and "status" not in found:
                found["status"] = raw[status.start() : status.end()]
    # One stray "Người ký" in a body is not a block: a portal page has at least three labels.
    if labels < 3:
        return None
    return PortalAttributes(**found)
