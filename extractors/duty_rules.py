"""What a legal text's item states, by the genre's conventions: a duty, a right, a sanction, a
definition, or nothing (``data/vocab/duties.yaml`` holds the words).

Vietnamese legal drafting writes duties with modal verbs ("có trách nhiệm", "phải", "chủ trì",
"phối hợp", "được giao"), rights with "có quyền", sanctions with "bị xử phạt", definitions as
"X là …"; its opening articles (Phạm vi điều chỉnh, Đối tượng áp dụng, Giải thích từ ngữ) oblige no
one and its closing article (Hiệu lực thi hành) only through the execution clause.
"""

from __future__ import annotations

import re
from functools import cache

from extractors.vocab import fold, load_yaml


@cache
def _words(key: str) -> tuple[str, ...]:
    return tuple(fold(word) for word in load_yaml("duties.yaml")[key])


def _alternatives(key: str) -> str:
    words = sorted(_words(key), key=len, reverse=True)
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in words)


def _title_key(title: str) -> str:
    return fold(title).strip(" .:;")


def article_kind(title: str) -> str:
    """ "none" for an article that obliges no one, "closing" for one whose only duty is the
    execution clause, else "any"."""
    key = _title_key(title)
    if key in _words("no_duty_articles"):
        return "none"
    if key in _words("closing_articles"):
        return "closing"
    return "any"


EXECUTION = re.compile(
    r"\b(?:có|chịu)\s+trách\s+nhiệm\s+(?:hướng\s+dẫn\s+)?(?:tổ\s+chức\s+)?(?:và\s+)?"
    r"(?:thi\s+hành|thực\s+hiện|triển\s+khai)",
    re.IGNORECASE,
)


def is_execution_clause(text: str) -> bool:
    """ "Các Bộ trưởng … chịu trách nhiệm thi hành Nghị định này": the closing article's duty."""
    return EXECUTION.search(text) is not None


@cache
def _right_lead() -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + _alternatives("right_leads") + r")(?![\w])", re.IGNORECASE)


def opens_rights(lead_in: str) -> bool:
    """Whether a khoản ending in ":" lists rights ("Người bị tạm giữ có quyền:")."""
    if _right_lead().search(lead_in) is None and not fold(lead_in).startswith("quyền"):
        return False
    # "Quyền hạn và trách nhiệm", "có quyền và nghĩa vụ sau:" list duties too: kept.
    return re.search(r"trách\s+nhiệm|nghĩa\s+vụ|nhiệm\s+vụ", lead_in, re.IGNORECASE) is None


def states_right(text: str) -> bool:
    """An item whose subject holds a right before any duty ("X có quyền yêu cầu …")."""
    found = re.search(r"\b(?:có|được)\s+quyền\b", text[:300], re.IGNORECASE)
    if found is None:
        return False
    return re.search(r"trách\s+nhiệm|nghĩa\s+vụ|\bphải\b", text[: found.start()]) is None


@cache
def _sanction() -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + _alternatives("sanctions") + r")(?![\w])", re.IGNORECASE)


def states_sanction(text: str) -> bool:
    """An item whose first clause is a sanction ("… thì tùy theo mức độ vi phạm bị xử phạt")."""
    first = re.split(r"[;]|\.\s", text, maxsplit=1)[0]
    return _sanction().search(first) is not None


DEFINITION = re.compile(
    r"^[^,;:]{2,160}?(?:\s*\((?:sau\s+đây|gọi\s+tắt)[^)]*\))?\s+là\s", re.IGNORECASE
)
MODAL = re.compile(
    r"\b(?:có|chịu)\s+trách\s+nhiệm\b|\bcó\s+nghĩa\s+vụ\b|\bphải\b|\bchủ\s+trì\b|\bphối\s+hợp\b",
    re.IGNORECASE,
)


# "Cấp phó của người đứng đầu sở (sau đây gọi chung là Phó Giám đốc sở) do Chủ tịch … bổ nhiệm":
# a term introduced, a status stated.
TERM = re.compile(r"^[^,;:]{2,160}?\(sau\s+đây\s+(?:gọi|viết)\b[^)]*\)", re.IGNORECASE)


def states_definition(text: str) -> bool:
    """ "Vật mang dữ liệu … là phương tiện mã hóa …": a definition, unless it gives a standing duty
    ("Văn phòng Bộ là đầu mối …") or a modal verb obliges someone after it."""
    term = TERM.match(text)
    if term is not None and MODAL.search(text[term.end() :]) is None:
        return True
    found = DEFINITION.match(text)
    if found is None:
        return False
    rest = fold(text[found.end() - 3 :])
    if rest.startswith(_words("role_statements")):
        return False
    return MODAL.search(text[: found.end()]) is None and MODAL.search(text[found.end() :]) is None


@cache
def subject_modal() -> re.Pattern[str]:
    """The modal verbs after which the words before are the sentence's subject."""
    return re.compile(
        r"(?<![\w])(?:" + _alternatives("subject_modals") + r")(?![\w])(?!\s+được\b)", re.IGNORECASE
    )


def opens_with_party(span: str) -> bool:
    """Whether a subject opens with a party the texts oblige ("Tổ chức, cá nhân …")."""
    key = fold(span)
    key = re.sub(r"^(?:các|mọi|những)\s+", "", key)
    return any(
        key == head or key.startswith(head + " ") or key.startswith(head + ",")
        for head in _words("party_heads")
    )


__all__ = [
    "article_kind",
    "is_execution_clause",
    "opens_rights",
    "opens_with_party",
    "states_definition",
    "states_right",
    "states_sanction",
    "subject_modal",
]
