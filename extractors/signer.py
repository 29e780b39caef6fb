"""The signer from the closing block: mark, title, name (Nghị định 30/2020/NĐ-CP, Điều 13).

"TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" / (signature) / "Nguyễn Minh". OCR reads
the block across its two columns ("- Như trên; KT. CHỦ TỊCH"), drops the dots of the marks and
hangs stamp dust beside the name, so each line is cut at a mark, recipient lines are skipped, and
the name is the most name-like line after the title (a family name first, two to five capitalised
words), not merely the first capitalised line.
"""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz, process

from diacritics.orthography import fold_ascii, normalize_tones
from extractors.vocab import fold, vocab_list
from schemas import Signer

# "KT. CHỦ TỊCH", "KT.CHỦ TỊCH", "KT CHỦ TỊCH", "T/M UBND".
MARK = re.compile(
    r"(?:^|(?<=[\s;.,]))(?P<mark>TM|KT|TL|TUQ|Q|T/M)(?:\s*[.:]\s*|\s+)(?P<rest>[A-ZĐÀ-Ỹ].+)$"
)
RECIPIENT = re.compile(
    r"^\s*(?:[-+•*]|n[oơ]i\s+nh[aậ]n|l[ưu]u\s*:|k[ií]nh\s+g[ửu]i)", re.IGNORECASE
)
SIGNED = re.compile(r"^\(?\s*(?:đã\s+ký|ký\s+tên|ký,|chữ\s+ký|đã\s+ký\s+và\s+đóng\s+dấu)", re.I)
NOT_NAME = frozenset(
    ("nơi", "nhận", "như", "trên", "lưu", "kính", "gửi", "ủy", "uỷ", "ban", "sở", "bộ", "tỉnh",
     "phòng", "cục", "chủ", "tịch", "giám", "đốc", "vt", "sách", "thường", "trực", "trưởng", "phó",
     "quốc", "hội", "chính", "phủ", "nhân", "dân")
)  # fmt: skip


@cache
def _titles() -> dict[str, str]:
    return {fold_ascii(title): title for title in vocab_list("signer_titles.yaml", "titles")}


@cache
def _surnames() -> frozenset[str]:
    return frozenset(fold_ascii(name) for name in vocab_list("signer_titles.yaml", "surnames"))


def _sentence_case(text: str) -> str:
    low = re.sub(r"\s+", " ", text.lower()).strip()
    return low[:1].upper() + low[1:]


def _is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 0.7 * len(letters)


def _without_rank(text: str) -> str:
    """A signer's name without a military or police rank before it ("Thượng tướng ...")."""
    for rank in vocab_list("signer_titles.yaml", "ranks"):
        # Compared without marks: restoration may write "Thượng tưởng" for "Thượng tướng".
        if fold_ascii(text).startswith(fold_ascii(rank) + " "):
            return text[len(rank) :].strip()
    return text


def title_of(text: str) -> str | None:
    """The signer's title an upper-case closing line gives ("PHÓ CHỦ TỊCH" → "Phó Chủ tịch")."""
    key = re.sub(r"\s+", " ", fold_ascii(text)).strip(" .:,")
    if not key or len(key) > 60 or not _is_upper(text):
        return None
    titles = _titles()
    if key in titles:
        return titles[key]
    found = process.extractOne(key, list(titles), scorer=fuzz.ratio)
    if found is not None and found[1] >= 85:  # "CHﬁ TÍCH": OCR leaves one letter wrong
        return titles[found[0]]
    # "CHỦ TỊCH QUỐC HỘI", "BỘ TRƯỞNG BỘ NỘI VỤ": a known title and whom it heads.
    for folded in sorted(titles, key=len, reverse=True):
        if key.startswith(folded + " ") and len(key.split()) <= 8:
            return titles[folded]
    return None


def _name_score(text: str) -> int:
    """How much a line looks like a person's name: 0 when it cannot be one."""
    text = re.sub(r"[^\w\s.-]", " ", _without_rank(text)).strip(" .")
    words = text.split()
    if not 2 <= len(words) <= 5 or not all(w[:1].isupper() and w.isalpha() for w in words):
        return 0
    if any(fold(w) in NOT_NAME for w in words) or title_of(text):
        return 0
    score = 1 + (fold_ascii(words[0]) in _surnames()) * 2 + (3 <= len(words) <= 4)
    return score - (_is_upper(text) and fold_ascii(words[0]) not in _surnames()) * 1


def _closing_pieces(closing: tuple[str, ...]) -> list[str]:
    """Closing lines with the recipient column cut away where OCR joined both columns."""
    out = []
    for line in closing:
        text = normalize_tones(line.strip())
        mark = MARK.search(text)
        if mark and mark.start() > 0:
            out.append(text[mark.start() :])
            continue
        if RECIPIENT.match(text) and not mark:
            continue
        out.append(text)
    return out


def signer_of(closing: tuple[str, ...]) -> Signer:
    """The signer from the closing block: authority mark, title, name."""
    on_behalf = title = name = None
    best = 0
    after_title = False
    for text in _closing_pieces(closing):
        mark = MARK.match(text)
        if mark:
            rest = mark.group("rest")
            kind = "TM" if mark.group("mark") == "T/M" else mark.group("mark")
            on_behalf = f"{kind}. {_sentence_case(rest) if _is_upper(rest) else rest}"
            on_behalf = _respell(on_behalf)
            continue
        found = title_of(text) or _title_at_end(text)
        if found:
            title, after_title, best, name = found, True, 0, None
            continue
        if SIGNED.match(text):
            continue
        candidate = _name_tail(text)
        score = _name_score(candidate) + after_title
        if score > best or (score == best and score > 0 and after_title):
            best, name = score, _person(candidate)
    return Signer(name=name, title=title, on_behalf=on_behalf)


def _name_tail(text: str) -> str:
    """The words from the first family name on, when OCR dust or a garbled rank precede it."""
    text = _without_rank(text)
    words = text.split()
    for index, word in enumerate(words[:-1]):
        if fold_ascii(word) in _surnames() and word[:1].isupper() and 2 <= len(words) - index <= 5:
            return " ".join(words[index:])
    return text


def _title_at_end(text: str) -> str | None:
    """A title after OCR dust on the same line ('"Số:W#Ƒ -GIÁM ĐỐC')."""
    words = text.split()
    for size in (3, 2, 1):
        if len(words) > size:
            tail = " ".join(words[-size:]).strip(" -–_|")
            found = title_of(tail) if len(tail) > 4 else None
            if found:
                return found
    return None


@cache
def _surname_spelling() -> dict[str, str]:
    """Folded family name → its spelling, where one spelling folds to it ("nguyen" → "Nguyễn")."""
    spellings: dict[str, set[str]] = {}
    for name in vocab_list("signer_titles.yaml", "surnames"):
        spellings.setdefault(fold_ascii(name), set()).add(name)
    return {key: next(iter(names)) for key, names in spellings.items() if len(names) == 1}


def _person(text: str) -> str:
    """The name in title case, its family name respelled where OCR lost a mark ("Nguyên")."""
    words = re.sub(r"[^\w\s-]", " ", _without_rank(text)).split()
    words = [w[:1] + w[1:].lower() for w in words]
    if words:
        words[0] = _surname_spelling().get(fold_ascii(words[0]), words[0])
    return " ".join(words)


def _respell(on_behalf: str) -> str:
    """Known titles keep their capitals ("KT. Chủ tịch"); "ủy ban nhân dân" as the gold writes."""
    mark, _, rest = on_behalf.partition(" ")
    title = _titles().get(fold_ascii(rest).strip(" ."))
    if title:
        return f"{mark} {title}"
    return f"{mark} {rest[:1].upper()}{rest[1:]}"
