"""Who holds a duty in a legal sentence: the subject before its modal verb, cut clean.

"Trong thời hạn 30 ngày …, Bộ Khoa học và Công nghệ có trách nhiệm …" is held by the ministry, not
by the adverbial before it; "Trường hợp …thì trưởng ga … phải …" by the words after "thì";
"Cơ quan chủ trì thẩm tra quyết toán có trách nhiệm …" by the body the relative clause names. A
span that is not plainly a subject (a clause we cannot cut off, a task, a form's placeholder) gives
no holder rather than a guess.
"""

from __future__ import annotations

import re

from extractors.agencies import (
    canonical_agency,
    first_verb,
    split_agencies,
    starts_with_head,
    strip_opening_clause,
    subject_of,
)
from extractors.duty_rules import opens_with_party, subject_modal

# Openings of a clause that is not a subject: a time, a condition, a basis ("Khi …", "Theo …").
SUBORDINATE = re.compile(
    r"^(?:sau|khi|trước|quá|kể\s+từ|trong\s+(?:thời\s+hạn|thời\s+gian|trường\s+hợp|quá\s+trình)|"
    r"trường\s+hợp|"
    r"căn\s+cứ|trên\s+cơ\s+sở|theo|để|nếu|đối\s+với|ngoài)\b",
    re.IGNORECASE,
)

# Openings of a time or condition adverbial before the subject of a duty sentence.
ADVERBIAL = re.compile(
    r"^(?:kết\s+thúc|sau|khi|trong|trước|kể\s+từ|hằng|định\s+kỳ|chậm\s+nhất|quá|hết|"
    r"trường\s+hợp|ngoài|căn\s+cứ)\b",
    re.IGNORECASE,
)
# Where a subject ends before its duty verb: "Công an đơn vị, địa phương trong thời gian 10 ngày,
# kể từ …", "Cục Công nghệ thông tin trong phạm vi chức năng, nhiệm vụ của mình", "Sở Tài chính
# ngoài các nhiệm vụ quy định tại khoản 3 Điều này,".
SUBJECT_TAIL = re.compile(
    r"\s+(?:(?:trong|theo)\s+(?:thời\s+gian|thời\s+hạn|phạm\s+vi|chức\s+năng|thẩm\s+quyền)|kể\s+từ|"
    r"căn\s+cứ|tối\s+thiểu|bao\s+gồm|,?\s*ngoài\s+(?:các\s+|những\s+)?(?:nhiệm\s+vụ|trách\s+nhiệm))\b.*$",
    re.IGNORECASE,
)


# A right the subject holds: "Tổ chức, cá nhân … có quyền yêu cầu cơ quan …".
RIGHT = re.compile(r"\b(?:có|được)\s+quyền\b", re.IGNORECASE)
LABEL = re.compile(r"^[“\"]?\s*(?:[a-zđ]\)|\d+[a-zđ]?\.)\s+|\s+[a-zđ]\)$")
# Where a lead's name ends: "X chủ trì, phối hợp …", "X chủ trì xử lý …", "X phối hợp với Y có …".
LEAD_SPLIT = re.compile(r"\s+(?:chủ\s+trì|phối\s+hợp\s+với)\b", re.IGNORECASE)
# A bare class of bodies before "chủ trì" names the body by that relative clause ("Cơ quan chủ trì
# thẩm tra quyết toán", "Cơ quan, tổ chức, đơn vị chủ trì dự án"), not a lead and its task.
CLASS_NOUN = re.compile(
    r"^(?:(?:các\s+)?(?:cơ\s+quan|đơn\s+vị|tổ\s+chức|cá\s+nhân|bộ|ngành|địa\s+phương)"
    r"(?:\s*,\s*|\s+và\s+|\s+|$))+$",
    re.IGNORECASE,
)


def _lead_cut(span: str) -> str:
    """A subject without the lead verb and what follows it, unless the verb names the body."""
    parts = LEAD_SPLIT.split(span, maxsplit=1)
    if (
        len(parts) > 1
        and CLASS_NOUN.match(parts[0].strip())
        and "phối hợp" not in span[len(parts[0]) : len(parts[0]) + 20]
    ):
        return span.strip(" ,")
    return parts[0].strip(" ,")


def _opens_subject(text: str) -> bool:
    """Whether ``text`` opens with an agency or a party the texts oblige."""
    return starts_with_head(text[:1].upper() + text[1:]) or opens_with_party(text)


def holder_names(span: str) -> list[str]:
    """The agencies a subject span names, or none when the span is not plainly a subject."""
    span = re.split(r"[:;]\s+|\.\s+(?=[A-ZĐÀ-Ỹ])", span)[-1].strip(" ,")
    span = re.split(r",?\s+thì\s+", span)[-1]  # "Trường hợp …, thì trưởng ga …": after "thì"
    span = LABEL.sub("", span).strip(" ,")  # "“b) Cơ sở …", "… truyền hình a)": labels, not names
    span = span[:1].upper() + span[1:]
    span = re.split(r"\s+là\s+", span)[0]  # "Giám đốc Quỹ là người đại diện …"
    if RIGHT.search(span):
        return []  # "X có quyền yêu cầu Y có trách nhiệm …": X's right, not X's duty
    span = MODAL_ADVERB.sub("", span)  # "… và hoàn toàn chịu trách nhiệm", "tự chịu …"
    if re.search(r"(?:^|\s)(?:và|hoặc)$", span):
        return []  # "X làm A và chịu trách nhiệm B": the subject is further back, not guessed
    span = _after_adverbial(span)
    span = SUBJECT_TAIL.sub("", span).strip(" ,")
    # "Bộ Khoa học và Công nghệ chủ trì, phối hợp với Bộ Công an … có trách nhiệm": the lead;
    # "Cơ quan chủ trì thẩm tra quyết toán" keeps its relative clause, it names the body.
    span = _lead_cut(span)
    opening = first_verb(span[:1].lower() + span[1:]) if span else None
    if opening is not None and opening.start() == 0:
        return []  # a task, not a subject ("Thực hiện xử lý công việc … trách nhiệm")
    span = strip_opening_clause(span)
    if span and not _opens_subject(span):
        # "Giữa kỳ kế hoạch phát triển đô thị, Ủy ban nhân dân cấp xã": an adverbial first.
        later = [m.end() for m in re.finditer(r",\s*", span) if starts_with_head(span[m.end() :])]
        span = span[later[0] :] if later else span
    if not span or len(span) > 160 or span[:1].islower() or SUBORDINATE.match(span):
        return []  # a subject behind a clause we cannot cut off is not guessed
    if re.search(r"(?:^|\s)người$", span, re.IGNORECASE):
        return []  # "Bản sao bằng … của người chịu trách nhiệm …": a noun, no duty verb
    if span[:1].isdigit() or (len(span.split()) == 1 and not starts_with_head(span)):
        return []  # "01 văn bản của …" (a dossier's item), "Tự chịu …", "Người chịu …"; "Quỹ" holds
    if any(mark in span for mark in "[]…%/") or re.search(r"\b(?:phải|tôi|Tôi|nếu)\b", span):
        return []  # a form's placeholder or a declarant, not a body
    names = split_agencies(span) if starts_with_head(span) else [canonical_agency(span)]
    return [name for name in names if name and not BARE_CLASS.match(name)]


# Adverbs between a subject and its modal verb: "… và hoàn toàn chịu trách nhiệm", "tự chịu".
MODAL_ADVERB = re.compile(
    r"(?:^|\s+)(?:hoàn\s+toàn|tự|cùng|trực\s+tiếp|đồng\s+thời|phải)$", re.IGNORECASE
)
# A class of bodies with nothing to tell which ("Cơ quan", "Đơn vị"): no one in particular.
BARE_CLASS = re.compile(r"^(?:cơ\s+quan|đơn\s+vị|tổ\s+chức|bộ\s+phận)$", re.IGNORECASE)


def _after_adverbial(span: str) -> str:
    """A subject after an opening adverbial: "Kết thúc tiến hành kiểm tra, thành viên Đoàn kiểm
    tra", "Trong thời hạn 30 ngày …, Bộ Khoa học và Công nghệ", "Trong quá trình …, tổ chức, cá
    nhân" (the subject is all after the adverbial)."""
    pieces = span.split(", ")
    if len(pieces) < 2 or not ADVERBIAL.match(pieces[0]):
        return span
    rests = [", ".join(pieces[i:]) for i in range(1, len(pieces))]
    subject = next((rest for rest in rests if _opens_subject(rest)), pieces[-1])
    if len(subject.split()) > 12 and not _opens_subject(subject):
        return span
    return subject[:1].upper() + subject[1:]


def own_subject(text: str) -> tuple[str, ...]:
    """The subject a sentence names before its modal verb, when it is an agency or a party the
    texts oblige: "Trưởng tàu, lái tàu … phải báo tin …" inside the duties of another body."""
    modal = subject_modal().search(text[:300])
    if modal is None or modal.start() == 0:
        return ()
    opening = first_verb(text[:1].lower() + text[1:])
    if opening is not None and opening.start() == 0:
        return ()  # "Ủy quyền … cho …, người được ủy quyền phải …": the holder's own task
    span = text[: modal.start()].strip(" ,")
    names = holder_names(span)
    if not names and re.search(r"\s(?:và|hoặc)$", span):
        # "Cục trưởng Cục … thực hiện theo khoản 1 … và có trách nhiệm …": the opening subject.
        subject = subject_of(text)
        names = list(subject.agencies) if subject is not None and not subject.explicit else []
    if not names or not (starts_with_head(names[0]) or opens_with_party(names[0])):
        return ()
    return tuple(names)


# "Ngoài những nhiệm vụ quy định tại các khoản 1, 2 Điều này, giao Bộ Tài chính:" over its điểm.
GIVEN = re.compile(r"(?:^|,\s*)giao\s+(?P<who>[^:,;]{2,150}):\s*$", re.IGNORECASE)


def given_holder(lead_in: str) -> tuple[str, ...]:
    """The body a lead-in gives its điểm to ("…, giao Bộ Tài chính:"), if it names one."""
    found = GIVEN.search(lead_in)
    return tuple(holder_names(found.group("who"))) if found else ()


__all__ = ["given_holder", "holder_names", "own_subject"]
