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
    first_verb,
    is_bare_head,
    is_generic,
    partners,
    role_of,
    split_agencies,
    starts_with_head,
    subject_of,
)
from extractors.duty_holders import given_holder, holder_names, own_subject
from extractors.duty_rules import (
    article_kind,
    is_execution_clause,
    opens_rights,
    opens_with_party,
    states_definition,
    states_right,
    states_sanction,
)
from extractors.sections import Placed
from extractors.vocab import fold, vocab_list
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
    r"\s+(?:trong\s+(?-i:(?=[a-zà-ỹđ]))|quy\s+định\s+tại|đối\s+với|về\s+việc|khi\s|tại\s)",
    re.IGNORECASE,
)
CHAPTER = re.compile(r"^(?:Chương|Mục|Phần)\s+[IVXLC\d]+\b", re.IGNORECASE)
DUTY_VERB = re.compile(
    r"\b(?:có|chịu)\s+(?:nhiệm\s+vụ\s*(?:,|và)\s*)?trách\s+nhiệm\b", re.IGNORECASE
)
# What may follow "có trách nhiệm" in a khoản that only opens its điểm: ":", "tối thiểu sau:".
LIST_OPENER = re.compile(
    r"^(?:(?:tối\s+thiểu|như|sau\s+đây|sau|bao\s+gồm|gồm|cụ\s+thể)\s*)*:?$", re.IGNORECASE
)
# A khoản naming its own holder over its điểm: "Trách nhiệm của Bộ Tài chính:", "Bộ phận quản lý
# rủi ro có nhiệm vụ, trách nhiệm:", "2. Bộ Tài chính có trách nhiệm" (the colon lost).
OWN_HOLDER = re.compile(
    r"^Trách\s+nhiệm(?:\s+[^:.;]{0,60}?)?\s+của\s+(?P<who>[^:.;]{2,200}?):?\s*$", re.IGNORECASE
)
ITEM_LEAD = re.compile(r"\s(?:chủ\s+trì|phối\s+hợp)\b", re.IGNORECASE)
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
    who = re.split(r";\s*(?:quyền|nghĩa\s+vụ|trách\s+nhiệm|nhiệm\s+vụ)\b", found.group("who"))[0]
    who = QUALIFIER.split(who, maxsplit=1)[0].strip(" ,;:.")
    who = re.split(r"\s+[a-zđ]\)(?:\s|$)", who)[0]  # "… truyền hình a) Đối với …": a điểm joined on
    if not who:
        return ()
    # "Trách nhiệm của Bộ trưởng Bộ Công an, của Thủ trưởng công an …": each "của" one holder.
    # "… tài khoản của chương trình, dự án" is one holder: only ", của" / "và của" start another.
    parts = [part for part in re.split(r"(?:,|\s+và)\s+của\s+", who) if part.strip()]
    if len(parts) > 1:
        return tuple(name for part in parts for name in duty_holders(f"Trách nhiệm của {part}"))
    if starts_with_head(who[:1].upper() + who[1:]):
        names = tuple(name for name in split_agencies(who[:1].upper() + who[1:]) if name)
        if names:
            return names
    return (canonical_agency(who[:1].upper() + who[1:]),)


def is_legal_text(placed: list[Placed]) -> bool:
    """Whether the document is written in articles ("Điều 1. …"), the legal documents' form."""
    # One article is enough: the tree may have read the others as numbered points.
    return any(article_title(entry.block) is not None for entry in placed)


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
    """ "X có trách nhiệm …", "Giao X …", "Đề nghị X …", "X chủ trì, phối hợp Y …"."""
    text = block.text.strip()
    if not text or _is_lead_in(block):
        return []
    duty = DUTY_VERB.search(text[:300])
    if duty is not None and re.search(r"\b(?:dám|không)\s*$", text[: duty.start()]):
        duty = None  # "dám chịu trách nhiệm" is a quality, not a duty
    if duty is not None and not PREFIXES.match(text):
        held = _holder_sentence(text[: duty.start()].strip(" ,"), text, block.provenance)
        if held:
            return held  # else "X chủ trì, phối hợp Y … và phải chịu trách nhiệm …" below
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
    """ "X có trách nhiệm …": X is the whole subject before the verb, a list of agencies split."""
    names = holder_names(span)
    # The duty is the holder's sentence: "… Văn phòng Bộ là đầu mối …. Các cơ quan, đơn vị thuộc
    # Bộ có trách nhiệm …" gives the latter only its own sentence.
    starts = [m.end() for m in re.finditer(r"\.\s+(?=[A-ZĐÀ-Ỹ])", span)]
    task = text[starts[-1] :] if starts else text
    return [(name, "responsible", task, prov) for name in names if not is_generic(name)]


HOLDER_TAIL = re.compile(
    r"\s+có\s+(?:tối\s+thiểu\s+)?(?:các\s+)?(?:nhiệm\s+vụ|trách\s+nhiệm|nghĩa\s+vụ)\b.*$",
    re.IGNORECASE,
)
INLINE_HOLDER = re.compile(r"^Trách\s+nhiệm\s+của\s+(?P<who>[^:]{2,200}):\s*(?P<task>\S.*)$", re.I)


def labelled_holder(text: str) -> tuple[tuple[str, ...], str]:
    """An item that names its own holder: "Trách nhiệm của Vụ Pháp chế: chủ trì …", "Cảng vụ
    hàng hải: kiểm tra …"; else no holder and the text as the task."""
    found = INLINE_HOLDER.match(text)
    if found:
        return duty_holders(f"Trách nhiệm của {found.group('who')}"), found.group("task")
    subject = subject_of(text)
    if subject is not None and subject.explicit and subject.task:
        # "Bộ phận tuân thủ của ngân hàng có tối thiểu các nhiệm vụ sau đây:" names the body only.
        return tuple(HOLDER_TAIL.sub("", name) for name in subject.agencies), subject.task
    verb = DUTY_VERB.search(text[:250]) or ITEM_LEAD.search(text[:250])
    span = text[: verb.start()].strip(" ,") if verb else ""
    if span and starts_with_head(span) and not PREFIXES.match(span):
        return tuple(holder_names(span)), text  # "Bộ Ngoại giao có trách nhiệm phối hợp …"
    if subject is not None and subject.task and len(text.split(" ", 12)) > 12:
        opening = text[: text.find(" ", 80)] if len(text) > 80 else text
        # A head alone is no name: "Ban quản lý dự án có thể …" read as "Ban" + "quản lý".
        named = not any(is_bare_head(agency) for agency in subject.agencies)
        if named and all(agency.split()[0] in opening for agency in subject.agencies):
            return subject.agencies, text  # "Bộ trưởng Bộ Khoa học và Công nghệ quy định …"
    return (), text


def own_holder(text: str) -> tuple[str, ...]:
    """The holder a khoản names for the điểm under it, if it only names one."""
    found = OWN_HOLDER.match(text)
    if found:
        return duty_holders(f"Trách nhiệm của {found.group('who')}")
    duty = DUTY_VERB.search(text)
    rest = text[duty.end() :].strip() if duty else "x"
    if duty is not None and LIST_OPENER.match(rest):
        return tuple(holder_names(text[: duty.start()].strip(" ,")))
    return ()


AMENDMENT = re.compile(
    r"^(?:Sửa\s+đổi|Bổ\s+sung|Thay\s+thế)[^:“\"]{0,200}?(?:như\s+sau|sau\s+đây)\s*:\s*[“\"]?\s*",
    re.IGNORECASE,
)
# Items that state no duty: amendments of another text's provisions, rights ("Được quyết định …").
NOT_DUTY = re.compile(
    r"^(?:Bãi\s+bỏ|Thay\s+thế|Sửa\s+đổi|Bổ\s+sung|Đính\s+chính|Được\s|Mẫu\s+số|Kính\s+gửi)"
    r"|^.{0,120}\b(?:được\s+viện\s+dẫn|được\s+dẫn\s+chiếu)\b"  # the referenced-texts clause
    r"|…\s*\["  # a form's placeholder
    r"|[\s\S]*(?:…\s*){2}|[\s\S]*\.{4}",  # a form's blank ("Tên cơ quan: ……", "Số: ....")
    re.IGNORECASE,
)
# A khoản listing contents, not duties: "Kế hoạch … bao gồm các nội dung sau:".
CONTENTS_LEAD = re.compile(
    r"(?:\b(?:bao\s+gồm|gồm)\b[^:]{0,80}|\b(?:nội\s+dung|trường\s+hợp)\s+sau(?:\s+đây)?)\s*:$"
)


def _unquoted(text: str) -> str:
    """The text an amending khoản quotes ("Sửa đổi khoản 3 như sau: “3. …”"), else ``text``."""
    found = AMENDMENT.match(text)
    if not found:
        return text
    inner = re.sub(r"^\d+[a-zđ]?\.\s+", "", text[found.end() :])
    return inner.rstrip('”"./ ').strip() or text


def _is_closing_formula(text: str) -> bool:
    """The closing formula ("Trong quá trình thực hiện, nếu có vướng mắc …"): no one's duty."""
    folded = fold(text)
    formulas = vocab_list("sections.yaml", "closing_formulas")
    # "Yêu cầu/Đề nghị các cơ quan …" closes a plan but still obliges; the others never do.
    return any(
        folded.startswith(fold(f)) for f in formulas if not f.startswith(("yêu cầu", "đề nghị"))
    )


def _title_like(text: str) -> bool:
    """A short verbless line: a sub-heading or a listed name, not a duty."""
    low = text[:1].lower() + text[1:]
    return len(text.split()) <= 10 and first_verb(low) is None


def _names_only(text: str) -> bool:
    """A verbless item that only names bodies ("- Hội đồng Dân tộc và các Ủy ban của Quốc hội;",
    a recipients list read into an article): no duty of the article's holder."""
    body = text.rstrip(" ;.,")
    if len(body.split()) > 15:
        return False  # a sentence whose verb the vocabulary lacks, not a name
    return starts_with_head(body) and first_verb(body[:1].lower() + body[1:]) is None


def _names_holder(text: str) -> tuple[str, ...]:
    """Agencies a line only names ("Thanh tra Ngân hàng Nhà nước"): the holder of what follows.

    A short unpunctuated khoản opening with an agency's head is such a label even when a verb
    sits inside the name ("4. Doanh nghiệp quản lý tài sản đường sắt quốc gia").
    """
    subject = subject_of(text)
    if subject is not None and subject.explicit and not subject.task:
        return subject.agencies
    if text[-1:] not in ".;:," and len(text.split()) <= 15 and starts_with_head(text):
        verb = DUTY_VERB.search(text) or ITEM_LEAD.search(text)
        return tuple(holder_names(text[: verb.start()] if verb else text))
    return ()


def _states_no_duty(text: str) -> bool:
    """Amendments, forms, closing formulas, sanctions, definitions and rights: no one's duty."""
    letters = [char for char in text if char.isalpha()]
    return bool(
        not text
        or all(char.isupper() for char in letters)  # a heading ("DỰ ÁN ĐẦU TƯ XÂY DỰNG …")
        or NOT_DUTY.match(text)
        or _is_closing_formula(text)
        or states_sanction(text)
        or states_definition(text)
        or states_right(text)
    )


def _opens_list(index: int, placed: list[Placed]) -> bool:
    """Whether the block at ``index`` is an unpunctuated khoản with điểm after it: a heading."""
    block = placed[index].block
    following = placed[index + 1].block if index + 1 < len(placed) else None
    return (
        block.kind not in (BlockKind.LETTER, BlockKind.BULLET)
        and block.text.rstrip()[-1:] not in ".;:,"
        and following is not None
        and following.kind == BlockKind.LETTER
    )


def extract_duties(placed: list[Placed]) -> list[Entry]:
    """Obligations of a legal document: duties articles first-hand, duty sentences elsewhere."""
    if not is_legal_text(placed):
        return []
    out: list[Entry] = []
    holders: tuple[str, ...] = ()
    article_holders: tuple[str, ...] = ()  # the article's own, back at its next khoản
    owner = ""  # the label of the khoản that named ``holders`` for its điểm
    kind = "any"  # what the current article may oblige (duty_rules.article_kind)
    lead_in, contents, rights = "", False, False  # the khoản whose điểm follow, read flat
    for index, entry in enumerate(placed):
        if "annex" in entry.categories:
            continue
        block = entry.block
        text = block.text.strip()
        quoted = _unquoted(text)
        # An amendment is no duty of its own, but an amended duties article names a holder.
        title = article_title(block) or article_title(block.model_copy(update={"text": quoted}))
        if title is not None or block.kind == BlockKind.SECTION or CHAPTER.match(text):
            holders = article_holders = duty_holders(title) if title else ()
            owner, kind = "", article_kind(title) if title else "any"
            lead_in, contents, rights = "", False, False
            continue
        sub = block.kind in (BlockKind.LETTER, BlockKind.BULLET)
        if owner and block.kind == BlockKind.POINT and not block.label.startswith(owner + "."):
            holders, owner = article_holders, ""  # a khoản's own holder ends at the next khoản
        if kind == "none" or (sub and rights):
            continue  # the opening articles, and the điểm of a "có quyền:" khoản
        if kind == "closing":
            if is_execution_clause(text) or DUTY_VERB.search(text):
                out.extend(_sentence_entries(block))  # the execution clause, a duty sentence
            continue
        if _is_lead_in(block):
            rights = opens_rights(text)
        elif not sub:
            rights = False
        if rights or _states_no_duty(text):
            continue
        named = own_holder(text) or (_names_holder(text) if holders else ())
        if named:
            holders, lead_in, contents = named, "", False  # its điểm are this holder's
            owner = block.label if block.kind == BlockKind.POINT else owner
            continue
        if not holders:
            out.extend(_sentence_entries(block))
            continue
        heading = _opens_list(index, placed)
        if heading and (starts_with_head(text) or opens_with_party(text)) and holder_names(text):
            # "8. Chủ đầu tư dự án xây dựng, nâng cấp, cải tạo đường ngang" over its điểm.
            holders, lead_in, contents = tuple(holder_names(text)), "", False
            owner = block.label if block.kind == BlockKind.POINT else owner
            continue
        if heading and not _is_lead_in(block):
            # A sub-heading ("1. Quyền hạn", "Nhiệm vụ tại hiện trường"): its điểm stand alone.
            lead_in, contents, rights = "", False, opens_rights(text)
            continue
        if _is_lead_in(block):
            lead_in, contents = text, bool(CONTENTS_LEAD.search(text))
            own = given_holder(text) or labelled_holder(text)[0] or own_subject(text)
            if own and block.kind == BlockKind.POINT:
                owner = block.label
            holders = own or holders
            continue
        if not sub:
            lead_in, contents = "", False
        if (sub and contents) or _title_like(text) or _names_only(text):
            continue
        named_here, task = labelled_holder(text)
        named_here = named_here or own_subject(text)
        if lead_in and sub and not named_here:
            task = f"{lead_in} {task}"
        out.extend(_article_entries(named_here or holders, task, block.provenance))
    return out


def is_directive(genre: str | None) -> bool:
    """Whether a document's genre addresses agencies point by point (a directive, a letter)."""
    return bool(genre) and genre in vocab_list("sections.yaml", "directive_genres")


def extract_directives(placed: list[Placed]) -> list[Entry]:
    """Obligations of a directive or letter: each point naming an agency ("X: …", "Giao X …",
    "Đề nghị X …", "X có trách nhiệm …", "X chủ trì, phối hợp Y …")."""
    out: list[Entry] = []
    for entry in placed:
        if entry.categories & {"preamble", "closing", "annex"}:
            continue
        block = entry.block
        text = block.text.strip()
        if not text or _is_lead_in(block) or NOT_DUTY.match(text):
            continue
        named, task = labelled_holder(text)
        if named:
            role = role_of(task)
            out.extend((agency, role, task, block.provenance) for agency in named)
            if role == "lead":
                out.extend((p, "coordinate", task, block.provenance) for p in partners(task))
        else:
            out.extend(_sentence_entries(block))
    return out


__all__ = [
    "article_title",
    "holder_names",
    "duty_holders",
    "extract_directives",
    "extract_duties",
    "is_directive",
    "is_legal_text",
]
