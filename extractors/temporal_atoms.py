"""The temporal grammar's atoms: every date, month, quarter, year, unit edge, recurrence, clock
time, weekday and event anchor of a text, joined into groups, each group dated.

Words are in ``data/vocab/temporal.yaml``. Document numbers, links and scales are blanked before
anything is read ("Thông tư 86/2013/TT-BTC" holds no date). ``temporal`` gives each group its role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from diacritics.orthography import fold_ascii
from extractors.vocab import load_yaml
from schemas import nfc

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _alternation(words: list[str]) -> str:
    folded = sorted({fold_ascii(word) for word in words}, key=len, reverse=True)
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in folded)


@cache
def temporal_vocab() -> dict[str, str]:
    data = load_yaml("temporal.yaml")
    return {key: _alternation(values) for key, values in data.items()}


DAY = r"(?P<d>[0-3]?\d)"
MONTH = r"(?P<m>[01]?\d)"
YEAR = r"(?P<y>(?:19|20)\d\d)"
EDGE = r"(?:(?P<edge>dau|giua|cuoi)\s+)?"
UNIT = r"(?:nam|quy|thang|tuan|ngay|hoc\s+ky)"
# "năm trước", "của năm báo cáo": a year named by its relation, read as none.
RELATIVE_YEAR = r"\s+(?:cua\s+)?nam\s+(?:truoc|nay|sau|bao\s+cao|tiep\s+theo)"

# One pattern per kind of atom, on text folded to unmarked lower case.
ATOMS: tuple[tuple[str, str], ...] = (
    (
        "issue",
        r"(?:tu|ke\s+tu)\s+(?:ngay|khi)\s+(?:ky\s+)?ban\s+hanh"
        r"(?:\s+(?P<object>ke\s+hoach|van\s+ban|quyet\s+dinh|thong\s+tu|nghi\s+dinh))?"
        r"(?P<own>\s+nay)?",
    ),
    (
        "date",
        rf"(?<![\w/.,]){DAY}\s*/\s*{MONTH}(?:\s*/\s*{YEAR})?(?![\d/]|[.,]\d)"
        rf"(?:{RELATIVE_YEAR})?",
    ),
    ("date", rf"(?<![\w/.,]){DAY}\s*[.-]\s*{MONTH}\s*[.-]\s*{YEAR}(?!\d)"),
    (
        "date",
        rf"(?<!\d){DAY}\s+thang\s+{MONTH}(?!\d)"
        rf"(?:\s*(?:,\s*)?(?:nam\s+|/\s*){YEAR}|{RELATIVE_YEAR})?",
    ),
    (
        "month",
        rf"(?<!\d\s)(?<!moi\s)(?<!hang\s)(?<!cac\s){EDGE}thang\s+{MONTH}"
        rf"(?!\d|\s+(?:nam\s*/|lan))(?:\s*(?:/|nam)\s*{YEAR}|{RELATIVE_YEAR})?",
    ),
    ("month", rf"(?<![\w/.,]){MONTH}\s*/\s*{YEAR}(?![\d/])"),
    ("quarter", rf"{EDGE}quy\s+(?P<q>iv|i{{1,3}}|[1-4])(?!\w)(?:\s*(?:/|nam)\s*{YEAR})?"),
    (
        "edge",
        rf"(?P<edge>dau|giua|cuoi)\s+(?P<unit>nam|quy|thang|ky)(?!\s+hoc)(?:\s+{YEAR})?"
        r"(?!\s*/)",
    ),
    ("year", rf"(?:het\s+)?nam\s+{YEAR}(?!\s*/)"),
    ("every", rf"(?P<every>hang|moi|cua)\s+(?P<unit>{UNIT})(?!\s+(?:\d|hoc\b|truoc|sau|nay))"),
    (
        "periodic",
        rf"dinh\s+ky\s+(?:(?:hang|moi)\s+(?P<unit>{UNIT})|\d{{1,2}}\s+(?:thang|nam)"
        r"(?:\s*/\s*lan)?(?:\s*,\s*\d{1,2}\s+(?:thang|nam))*"
        r"(?:\s+(?:hoac|va)\s+(?:dot\s+xuat|\d{1,2}\s+(?:thang|nam)))?)",
    ),
    ("nper", r"(?:giai\s+doan\s+)?\d{1,2}\s+nam\s*/\s*lan"),
    ("nper", rf"(?:(?:it\s+nhat|toi\s+thieu)\s+)?\d{{1,2}}\s+lan\s*/\s*{UNIT}"),
    ("clock", r"(?<![\w/])[0-2]?\d\s*(?:gio|h)(?:\s*[0-5]\d(?:\s*phut)?)?(?!\w)"),
    (
        "weekday",
        r"(?:(?:sang|chieu|toi|trua)\s+)?(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])"
        r"|chu\s+nhat)(?:\s+tuan\s+thu\s+\d)?",
    ),
    ("event", r"ngay\s+sau\s+khi\s+(?:duoc\s+)?ban\s+hanh"),
    ("event", r"ket\s+thuc\s+(?:moi\s+)?(?:{events})"),
    ("event", r"(?:truoc|sau)\s+khi\s+(?:tien\s+hanh\s+|to\s+chuc\s+)?(?:{events})"),
)
# What may stand between two atoms of one expression.
CONNECT = re.compile(
    r"\s*(?:(?:-|–|đến|den|toi|và|va|hoặc|hoac|,)\s*(?:(?:ngay|ngày)\s+)?)?(?:(?:ngay|ngày)\s+)?",
)
RANGE = re.compile(r"\s*(?:-|–|den|toi)\s*")
SUFFIX_ONLY = frozenset(
    {"every:cua", "every:hang:nam", "every:hang:ngay", "every:moi:ngay", "clock", "weekday", "year"}
)


@dataclass(frozen=True)
class Atom:
    """One piece of a time expression: its kind, span in the text and the numbers it holds."""

    kind: str
    start: int
    end: int
    parts: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        return dict(self.parts).get(name)


@dataclass(frozen=True)
class TimeExpression:
    """A time expression as written, its role, normalised date and recurrence."""

    start: int
    end: int
    text: str
    role: str
    date: str | None
    recurrence: str
    kinds: tuple[str, ...]


# Keywords of the grammar with their marks: a word written with marks must be one of these to be
# read as the keyword ("Hòa Thắng 2" holds no month, "điện tử ngay" no "từ"); a word without any
# mark may be any of them (text whose marks OCR lost).
KEYWORDS = (
    "tháng năm ngày quý từ tư giờ phút hằng hàng mỗi của đầu giữa cuối hết lần định kỳ thứ tuần"
    " sáng chiều tối trưa hai ba bảy sáu tư kết thúc khi trước sau tiến hành tổ chức đến tới và"
    " hoặc là vào trong nhân kể bắt ít nhất tối thiểu giai đoạn chậm học đột xuất"
)


@cache
def _spellings() -> dict[str, frozenset[str]]:
    words = KEYWORDS.split()
    for values in load_yaml("temporal.yaml").values():
        for value in values:
            words.extend(nfc(value).lower().split())
    out: dict[str, set[str]] = {}
    for word in words:
        out.setdefault(fold_ascii(word), set()).add(word)
    return {key: frozenset(value) for key, value in out.items()}


def marks_agree(original: str) -> bool:
    """Whether every marked word of ``original`` is spelt as the grammar's word it folds to."""
    spellings = _spellings()
    for word in re.findall(r"[^\W\d_]+", original.lower()):
        if word.isascii():
            continue
        allowed = spellings.get(fold_ascii(word))
        if allowed is not None and word not in allowed:
            return False
    return True


@cache
def _atom_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    events = temporal_vocab()["events"]
    return tuple((kind, re.compile(p.replace("{events}", events))) for kind, p in ATOMS)


# A document symbol: 86/2013/TT-BTC, 2447/QĐ-TTg, 05-NQ/TU, 163/2024/QH15, "số /KH-UBND".
SYMBOL = re.compile(
    r"(?<![\w/])\d*[a-z]?(?:/\d{2,4})?\s*[/-]\s*[A-ZĐ][A-Za-zĐđ0-9]*(?:[-/.][A-Za-zĐđ0-9]+)*"
)
# A Markdown link around a cited number ("[66/2006/NĐ-CP](https://...)") stands for nothing.
LINK = re.compile(r"\[(?=[^\]\n]{1,80}\]\()|\]\([^)\s]{1,300}\)")
# A scale is no date ("tỷ lệ 1/2000").
SCALE = re.compile(r"ty\s+le\s+1\s*/\s*\d+")


@cache
def _numbered_kind() -> re.Pattern[str]:
    """A kind of document and its number without a symbol: "Thông tư 86/2013" (folded text)."""
    return re.compile(
        rf"(?<!\w)(?:{temporal_vocab()['document_kinds']})\s+(?:so\s+)?\d+(?:\s*/\s*\d+)+"
    )


def mask_document_numbers(text: str, folded: str) -> str:
    """``folded`` with every document number, link and scale blanked (same length) as "#"."""
    spans = [
        (m.start(), m.end())
        for m in SYMBOL.finditer(text)
        if "/" in m.group(0) and re.search(r"\d|^\s*/", m.group(0))
    ]
    spans += [(m.start(), m.end()) for m in LINK.finditer(text)]
    spans += [(m.start(), m.end()) for m in _numbered_kind().finditer(folded)]
    spans += [(m.start(), m.end()) for m in SCALE.finditer(folded)]
    if not spans:
        return folded
    chars = list(folded)
    for start, end in spans:
        chars[start:end] = "#" * (end - start)
    return "".join(chars)


def find_atoms(text: str, folded: str) -> list[Atom]:
    found: list[Atom] = []
    for kind, pattern in _atom_patterns():
        for match in pattern.finditer(folded):
            parts = tuple((k, v) for k, v in match.groupdict().items() if v is not None)
            if marks_agree(text[match.start() : match.end()]):
                found.append(Atom(kind, match.start(), match.end(), parts))
    found.sort(key=lambda atom: (atom.start, -(atom.end - atom.start)))
    kept: list[Atom] = []
    for atom in found:
        if not kept or atom.start >= kept[-1].end:
            kept.append(atom)
    return [atom for atom in kept if _valid(atom)]


def _valid(atom: Atom) -> bool:
    day, month = atom.get("d"), atom.get("m")
    if month is not None and not 1 <= int(month) <= 12:
        return False
    return day is None or 1 <= int(day) <= 31


def atom_tag(atom: Atom) -> str:
    if atom.kind == "every":
        every = atom.get("every")
        return "every:cua" if every == "cua" else f"every:{every}:{atom.get('unit')}"
    if atom.kind == "periodic" and atom.get("unit") == "nam":
        return "periodic:nam"
    return atom.kind


def group_atoms(atoms: list[Atom], folded: str) -> list[list[Atom]]:
    """Atoms joined by connectors, each group one expression.

    A year joins only as the end of a period ("từ tháng 12 năm 2025 đến hết năm 2026").
    """
    groups: list[list[Atom]] = []
    for atom in atoms:
        if groups:
            last = groups[-1][-1]
            gap = folded[last.end : atom.start]
            if last.kind == "year":
                joinable = False  # a horizon ends its expression
            elif atom.kind == "year":
                joinable = any(a.kind in (*DATED, "issue") for a in groups[-1]) and bool(
                    RANGE.fullmatch(gap)
                )
            else:
                joinable = len(gap) <= 12 and bool(CONNECT.fullmatch(gap))
            if joinable:
                groups[-1].append(atom)
                continue
        groups.append([atom])
    return groups


def _iso(day: str | None, month: str | None, year: str | None) -> str | None:
    if month is None:
        return year
    m = int(month)
    if year is None:
        return f"--{m:02d}-{int(day):02d}" if day else f"--{m:02d}"
    return f"{year}-{m:02d}-{int(day):02d}" if day else f"{year}-{m:02d}"


def atom_date(atom: Atom, year: str | None = None) -> str | None:
    """The date one atom names, borrowing ``year`` where it has none."""
    own = atom.get("y") or year
    if atom.kind == "date":
        return _iso(atom.get("d"), atom.get("m"), own)
    if atom.kind == "month":
        return _iso(None, atom.get("m"), own)
    if atom.kind == "quarter":
        label = atom.get("q") or ""
        quarter = ROMAN.get(label) or int(label)
        return f"{own}-Q{quarter}" if own else None
    return None


DATED = ("date", "month", "quarter")


def date_of(
    group: list[Atom],
    folded: str,
    context_year: str | None,
    yearly: bool,
    issue_date: str | None,
) -> str | None:
    """A period's end, an open start's start, else the first date; years borrowed in the group."""
    dated = [atom for atom in group if atom.kind in (*DATED, "year")]
    if group[0].kind == "issue" and len(dated) < 1:
        # the document's own issue: "từ ngày ban hành (Kế hoạch) (này)"; another one's is unknown
        own = group[0].get("own") or group[0].get("object") in (None, "ke hoach")
        return issue_form(issue_date) if own else None
    if not dated or all(atom.kind == "year" for atom in dated):
        if dated and len(group) > 1 and dated[-1].kind == "year":
            year = dated[-1].get("y")
            return f"{year}-12-31" if folded[dated[-1].start :].startswith("het") else year
        return None
    ranged = len(dated) > 1 and RANGE.fullmatch(
        folded[dated[-2].end : dated[-1].start].replace("ngay", " ")
    )
    chosen = dated[-1] if ranged or group[0].kind == "issue" else dated[0]
    if chosen.kind == "year":
        year = chosen.get("y")
        return f"{year}-12-31" if folded[chosen.start :].startswith("het") else year
    years = [atom.get("y") for atom in dated if atom.get("y")]
    year = None if yearly else (chosen.get("y") or (years[0] if years else None) or context_year)
    return atom_date(chosen, year)


def issue_form(issue_date: str | None) -> str | None:
    """The issue date as far as it is known: "2025-12-??" → "2025-12"."""
    if not issue_date:
        return None
    if "?" not in issue_date:
        return issue_date
    year, _, rest = issue_date.partition("-")
    month = rest.partition("-")[0]
    if year.isdigit() and month.isdigit():
        return f"{year}-{month}"
    return None
