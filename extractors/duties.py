"""Obligations in legal documents (decrees, circulars, regulations): who must do what.

A legal document assigns duties in its own conventions, not under a TỔ CHỨC THỰC HIỆN heading:
- an article "Điều N. Trách nhiệm của X" (or "Nhiệm vụ, quyền hạn của X"): each khoản and điểm
  under it is an obligation of X, its role from its opening verb ("Chủ trì" lead, "Phối hợp"
  coordinate); a khoản that only introduces its điểm ("4. Phối hợp với Bộ Nội vụ:") lends them
  its words and its role;
- anywhere else, a sentence "X có trách nhiệm …" / "X chịu trách nhiệm …", "Giao X …",
  "Đề nghị X …", "Yêu cầu X …" or "X chủ trì, phối hợp Y …": an obligation of X (and of Y).

The tree may hold an article as a paragraph followed by its khoản or as a heading over them, so
articles are read in reading order: an article runs until the next article, chapter or section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.agencies import (
    PREFIXES,
    canonical_agency,
    is_generic,
    partners,
    role_of,
    split_agencies,
    starts_with_head,
    strip_opening_clause,
    subject_of,
)
from extractors.sections import Placed
from schemas import Block, BlockKind, Provenance

Entry = tuple[str, str, str, Provenance]  # agency, role, task, provenance

ARTICLE = re.compile(r"^Điều\s+\d+[a-zđ]?\s*[.:]\s*(?P<title>.*)$", re.IGNORECASE)
DUTY_TITLE = re.compile(
    r"^(?:trách\s+nhiệm|nhiệm\s+vụ|nhiệm\s+vụ,\s*quyền\s+hạn|nhiệm\s+vụ\s+và\s+quyền\s+hạn|"
    r"trách\s+nhiệm\s+và\s+quyền\s+hạn|quyền\s+hạn\s+và\s+trách\s+nhiệm|"
    r"quyền\s+và\s+nghĩa\s+vụ|nghĩa\s+vụ)\s+của\s+(?P<who>.+?)\s*\.?$",
    re.IGNORECASE,
)
# Where the holder's name ends and the article's subject matter begins: "Trách nhiệm của các bộ
# trong việc thực hiện quản lý nhà nước về …", "… của Bộ Công an đối với hoạt động thanh tra".
QUALIFIER = re.compile(
    r"\s+(?:trong\s+(?=[a-zà-ỹđ])|đối\s+với|về\s+việc|khi\s|tại\s)",
    re.IGNORECASE,
)
CHAPTER = re.compile(r"^(?:Chương|Mục|Phần)\s+[IVXLC\d]+\b", re.IGNORECASE)
DUTY_VERB = re.compile(
    r"\b(?:có|chịu)\s+(?:nhiệm\s+vụ\s*(?:,|và)\s*)?trách\s+nhiệm\b", re.IGNORECASE
)
# A khoản naming its own holder over its điểm: "Trách nhiệm của Bộ Tài chính:", "Bộ phận quản lý
# rủi ro có nhiệm vụ, trách nhiệm:", "2. Bộ Tài chính có trách nhiệm" (the colon lost).
OWN_HOLDER = re.compile(r"^Trách\s+nhiệm\s+của\s+(?P<who>[^:]{2,200}):\s*$", re.IGNORECASE)
SUBORDINATE = re.compile(
    r"^(?:sau\s+khi|khi|trước\s+khi|trong\s+(?:thời\s+hạn|trường\s+hợp|quá\s+trình)|trường\s+hợp|"
    r"căn\s+cứ|trên\s+cơ\s+sở|theo|để|nếu|đối\s+với|ngoài)\b",
    re.IGNORECASE,
)
LEAD_WITH_PARTNERS = re.compile(r"\bchủ\s+trì\s*,?\s*phối\s+hợp\b", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    """An article naming whose duties it lists."""

    holders: tuple[str, ...]
    title: str


def article_title(block: Block) -> str | None:
    """The title of an article ("Trách nhiệm của Bộ Nội vụ"), whatever block the tree made of it."""
    text = block.text.strip()
    if block.label.lower().startswith("điều"):
        text = f"{block.label}. {text}"
    found = ARTICLE.match(text)
    return found.group("title").strip() if found else None


def duty_holders(title: str) -> tuple[str, ...]:
    """Who an article's duties fall on: "Trách nhiệm của Bộ Công an, Bộ Quốc phòng" → both."""
    found = DUTY_TITLE.match(title)
    if not found:
        return ()
    who = QUALIFIER.split(found.group("who"), maxsplit=1)[0].strip(" ,;:.")
    if not who:
        return ()
    if starts_with_head(who[:1].upper() + who[1:]):
        names = tuple(name for name in split_agencies(who[:1].upper() + who[1:]) if name)
        if names:
            return names
    return (canonical_agency(who[:1].upper() + who[1:]),)


def is_legal_text(placed: list[Placed]) -> bool:
    """Whether the document is written in articles ("Điều 1. …"), the legal documents' form."""
    return sum(1 for entry in placed if article_title(entry.block) is not None) >= 2


def _is_lead_in(block: Block) -> bool:
    """A khoản that only introduces its điểm ("4. Phối hợp với Bộ Nội vụ:")."""
    return block.text.rstrip().endswith(":")


def _article_entries(holders: tuple[str, ...], task: str, prov: Provenance) -> list[Entry]:
    """The obligations of one khoản or điểm of a duties article."""
    role = role_of(task)
    out = [(holder, role, task, prov) for holder in holders]
    if role == "lead":
        out.extend((p, "coordinate", task, prov) for p in partners(task))
    return out


def _sentence_entries(block: Block) -> list[Entry]:
    """"X có trách nhiệm …", "Giao X …", "Đề nghị X …", "X chủ trì, phối hợp Y …"."""
    text = block.text.strip()
    if not text or _is_lead_in(block):
        return []
    duty = DUTY_VERB.search(text[:300])
    if duty is not None and not PREFIXES.match(text):
        return _holder_sentence(text[: duty.start()].strip(" ,"), text, block.provenance)
    lead = LEAD_WITH_PARTNERS.search(text[:250])
    if lead is not None and lead.start() > 0 and not PREFIXES.match(text):
        # "Cơ quan giám sát chủ trì, phối hợp …": the subject is all that comes before.
        names = holder_names(text[: lead.start()].strip(" ,"))
        out = [(name, "lead", text, block.provenance) for name in names if not is_generic(name)]
        if out:
            out.extend((p, "coordinate", text, block.provenance) for p in partners(text))
        return out
    subject = subject_of(text)
    if subject is None or not subject.task or not PREFIXES.match(text):
        return []
    agencies = [agency for agency in subject.agencies if agency and not is_generic(agency)]
    out = [(agency, subject.role, subject.task, block.provenance) for agency in agencies]
    if subject.role == "lead":
        out.extend((p, "coordinate", subject.task, block.provenance) for p in partners(text))
    return out


def _holder_sentence(span: str, text: str, prov: Provenance) -> list[Entry]:
    """"X có trách nhiệm …": X is the whole subject before the verb, a list of agencies split."""
    names = holder_names(span)
    return [(name, "responsible", text, prov) for name in names if not is_generic(name)]


def holder_names(span: str) -> list[str]:
    """The agencies a subject span names, or none when the span is not plainly a subject."""
    span = re.split(r"[:;]\s+|\.\s+(?=[A-ZĐÀ-Ỹ])", span)[-1].strip(" ,")
    span = strip_opening_clause(span)
    if not span or len(span) > 160 or span[:1].islower() or SUBORDINATE.match(span):
        return []  # a subject behind a clause we cannot cut off is not guessed
    if any(mark in span for mark in "[]…"):
        return []  # a form's placeholder, not a body
    names = split_agencies(span) if starts_with_head(span) else [canonical_agency(span)]
    return [name for name in names if name]


def own_holder(text: str) -> tuple[str, ...]:
    """The holder a khoản names for the điểm under it, if it only names one."""
    found = OWN_HOLDER.match(text)
    if found:
        return duty_holders(f"Trách nhiệm của {found.group('who')}")
    duty = DUTY_VERB.search(text)
    rest = text[duty.end() :].strip() if duty else "x"
    if duty is not None and rest in ("", ":"):
        return tuple(holder_names(text[: duty.start()].strip(" ,")))
    return ()


def extract_duties(placed: list[Placed]) -> list[Entry]:
    """Obligations of a legal document: duties articles first-hand, duty sentences elsewhere."""
    if not is_legal_text(placed):
        return []
    out: list[Entry] = []
    holders: tuple[str, ...] = ()
    lead_in = ""  # the khoản whose điểm follow, read flat whether or not the tree nested them
    for entry in placed:
        if "annex" in entry.categories:
            continue
        block = entry.block
        text = block.text.strip()
        title = article_title(block)
        if title is not None or block.kind == BlockKind.SECTION or CHAPTER.match(text):
            holders, lead_in = (duty_holders(title) if title else ()), ""
            continue
        if not text:
            continue
        named = own_holder(text)
        if named:
            holders, lead_in = named, ""  # until the next article: its điểm are this holder's
            continue
        if not holders:
            out.extend(_sentence_entries(block))
        elif _is_lead_in(block):
            lead_in = text
        elif block.kind in (BlockKind.LETTER, BlockKind.BULLET) and lead_in:
            out.extend(_article_entries(holders, f"{lead_in} {text}", block.provenance))
        else:
            lead_in = ""
            out.extend(_article_entries(holders, text, block.provenance))
    return out


__all__ = ["article_title", "duty_holders", "extract_duties", "is_legal_text"]
