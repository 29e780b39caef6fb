"""A temporal grammar: every time expression of a text first, then the role each one plays.

Atoms are found anywhere, lead word or not: dates (``dd/mm[/yyyy]``, ``ngày … tháng … năm …``),
months (``tháng m[/yyyy]``), quarters (``quý I–IV`` or ``1–4``, never a day/month), years, the
edges of a unit (``đầu/giữa/cuối năm``), recurrences (``hằng quý``, ``mỗi học kỳ``, ``định kỳ 6
tháng``, ``05 năm/lần``, ``01 lần/tháng``), clock times, weekdays and events (``kết thúc kiểm
tra``). Document numbers are blanked before anything is read ("Thông tư 86/2013/TT-BTC" holds no
date). Atoms joined by connectors ("-", "đến", "và", ",") make one expression, the words that lead
it ("trước", "chậm nhất là", "nhân") are taken in, and its role is read from what precedes it:

- ``reference``: the date of a cited document ("Nghị quyết số 76/NQ-CP ngày 15/7/2021");
- ``effective`` / ``expiry``: "có hiệu lực … từ ngày …", "hết hiệu lực …" (document fields);
- ``coverage``: the period a report covers ("số liệu tính từ ngày … đến ngày …");
- ``horizon``: a bare year ("đến năm 2030", "năm 2026");
- ``observance``: a day or month written after its name ("Ngày Pháp luật Việt Nam (09/11)");
- ``schedule`` (a recurrence), ``event`` (an event anchor), ``period`` (from … to …) and
  ``deadline`` otherwise.

Dates follow ../shared/gold/GOLD_FORMAT.md: ``YYYY-MM-DD``, yearly ``--MM-DD`` (``--MM``), a month
``YYYY-MM``, a quarter ``YYYY-Qn``, None when undated; a period takes its end, an open start its
start. Everything runs in time linear in the text: patterns are matched once over the text and
every look-back reads a bounded window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from diacritics.orthography import fold_ascii
from extractors.vocab import load_yaml
from schemas import nfc

DEADLINE_ROLES = frozenset({"deadline", "period", "observance", "schedule", "event"})
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
WINDOW = 160  # characters read before an expression to decide its role


def _alternation(words: list[str]) -> str:
    folded = sorted({fold_ascii(word) for word in words}, key=len, reverse=True)
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in folded)


@cache
def _vocab() -> dict[str, str]:
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
    events = _vocab()["events"]
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
    return re.compile(rf"(?<!\w)(?:{_vocab()['document_kinds']})\s+(?:so\s+)?\d+(?:\s*/\s*\d+)+")


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


def _atoms(text: str, folded: str) -> list[Atom]:
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


def _tag(atom: Atom) -> str:
    if atom.kind == "every":
        every = atom.get("every")
        return "every:cua" if every == "cua" else f"every:{every}:{atom.get('unit')}"
    if atom.kind == "periodic" and atom.get("unit") == "nam":
        return "periodic:nam"
    return atom.kind


def _groups(atoms: list[Atom], folded: str) -> list[list[Atom]]:
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


def _date_of(
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


@cache
def _lead() -> re.Pattern[str]:
    leads = _vocab()["lead_words"]
    return re.compile(
        rf"(?:(?:^|(?<=[\s(,;:]))(?:{leads})\s+(?:la\s+)?(?:ngay\s+)?|(?:^|(?<=[\s(,;:]))(?<!\d\s)ngay\s+)$"
    )


@cache
def _reference_before() -> re.Pattern[str]:
    vocab = _vocab()
    return re.compile(
        rf"(?:(?:{vocab['document_date_verbs']})\s+(?:ngay\s+)?$)"
        r"|(?:#[#\s,]*(?:\(\s*)?(?:ngay\s+)?$)"
        r"|(?:(?<!\w)(?:hien\s+phap|bo\s+luat|luat|phap\s+lenh)\s[^;.#]{0,100}\sngay\s+$)"
    )


@cache
def _coverage_before() -> re.Pattern[str]:
    return re.compile(rf"(?P<cue>{_vocab()['coverage_cues']})\b[^;.]{{0,80}}$")


EFFECTIVE = re.compile(
    r"(?P<het>het\s+)?hieu\s+luc(?:\s+thi\s+hanh)?"
    r"(?:\s+(?P<until>den\s+het|den\s+truoc|cho\s+den|den)"
    r"|(?P<after>\s+sau\s+\d+\s+ngay)?(?:\s+(?:ke\s+)?tu)?)"
    r"\s*:?\s*(?:ngay\s+)?$"
)
YEAR_HEADER = re.compile(r"\(\s*nam\s+((?:19|20)\d\d)\s*\)")
OBSERVANCE_WORD = re.compile(
    r"(?:(?<=[\s(“\"])|^)(?:[Nn]hân\s+)?([Nn]gày|[Tt]háng|[Tt]uần)\s+(?=\S)"
)
LEAD_AT_END = re.compile(r"(?i)(?:trước|vào|trong|đến|từ|chậm nhất|là|hạn)\s*$")


def _observance_start(text: str, start: int) -> int | None:
    """Where an observance's name begins, when the date at ``start`` follows one.

    "Ngày Pháp luật Việt Nam (09/11)", "Tháng hành động vì trẻ em (tháng 6)", "nhân ngày Chuyển
    đổi số Quốc gia 10/10": "Ngày"/"Tháng"/"Tuần" capitalised, or lower case before a capital,
    then a name of at most ten words without punctuation.
    """
    low = max(0, start - 90)
    window = text[low:start].rstrip(" (")
    found = None
    for match in OBSERVANCE_WORD.finditer(window):
        rest = window[match.end() :]
        if match.group(1)[0].isupper() or rest[:1].isupper():
            found = match
    if found is None:
        return None
    name = window[found.end() :]
    if not name or re.search(r"[;:.,!?]", name) or len(name.split()) > 10:
        return None
    if LEAD_AT_END.search(name) or re.search(r"\d", name):
        return None
    return low + found.start()


def find_time_expressions(
    text: str, issue_date: str | None = None, context_year: str | None = None
) -> list[TimeExpression]:
    """Every time expression of ``text``, in order, each with its role, date and recurrence.

    A yearless date takes the year of a "(Năm 2026)" written before it (a table's time column).
    Deadlines, targets and document dates all read the same blocks: the last results are kept.
    """
    return list(_expressions(text, issue_date, context_year))


@lru_cache(maxsize=512)
def _expressions(
    text: str, issue_date: str | None, context_year: str | None
) -> tuple[TimeExpression, ...]:
    text = nfc(text)
    folded = mask_document_numbers(text, fold_ascii(text))
    headers = [(m.start(), m.group(1)) for m in YEAR_HEADER.finditer(folded)]
    out: list[TimeExpression] = []
    for group in _groups(_atoms(text, folded), folded):
        tags = [_tag(atom) for atom in group]
        if all(tag in SUFFIX_ONLY for tag in tags) and "year" not in tags:
            continue
        start, end = group[0].start, group[-1].end
        before = folded[max(0, start - WINDOW) : start]
        lead = _lead().search(before[-40:])
        if lead and not marks_agree(text[start - (len(before[-40:]) - lead.start()) : start]):
            lead = None
        lead_start = start - (len(before[-40:]) - lead.start()) if lead else start
        lead_word = re.sub(r"\s+", " ", folded[lead_start:start]).strip()
        role = _role(text, folded, group, before, lead_word)
        yearly = (
            role == "observance"
            or any(
                t in ("every:cua", "every:hang:nam", "every:moi:nam", "periodic:nam") for t in tags
            )
            or (tags == ["edge"] and not group[0].get("y") and group[0].get("unit") == "nam")
        )
        if role == "observance":
            name = _observance_start(text, start)
            lead_start = min(lead_start, name if name is not None else start)
            if text[end : end + 1] == ")" and "(" in text[lead_start:start]:
                end += 1
        year_here = next((y for pos, y in reversed(headers) if pos < start), context_year)
        date = _date_of(group, folded, year_here, yearly, issue_date)
        if role == "effective" and re.search(r"sau\s+\d+\s+ngay\s*(?:ke\s+tu\s+)?$", before):
            date = None  # "sau 45 ngày kể từ ngày ký": a date this text does not state
        out.append(
            TimeExpression(
                start=lead_start,
                end=end,
                text=text[lead_start:end].strip(),
                role=role,
                date=date,
                recurrence=_recurrence(tags, yearly),
                kinds=tuple(tags),
            )
        )
    return tuple(out)


def _role(text: str, folded: str, group: list[Atom], before: str, lead_word: str) -> str:
    kinds = {atom.kind for atom in group}
    dated = bool(kinds & set(DATED))
    if kinds <= {"year", "clock", "weekday"}:
        return "horizon" if "year" in kinds else "time"
    effective = EFFECTIVE.search(before)
    if effective and (dated or "issue" in kinds):
        return "expiry" if effective.group("het") or effective.group("until") else "effective"
    if dated and lead_word in ("", "ngay"):
        after = folded[group[-1].end : group[-1].end + 6]
        if _reference_before().search(before) or re.match(r"\s*cua\s", after):
            return "reference"
    clause = re.split(r"[;.]\s", before)[-1]
    opened = lead_word.startswith(("tu", "tinh tu")) or lead_word == ""
    cue = _coverage_before().search(clause)
    if cue:
        at = group[0].start - len(clause)
        cue = cue if marks_agree(text[at + cue.start("cue") : at + cue.end("cue")]) else None
    if dated and opened and cue:
        return "coverage"
    yearless = not any(atom.get("y") for atom in group if atom.kind in DATED)
    if dated and yearless and _observance_start(text, group[0].start) is not None:
        return "observance"
    if not dated and kinds & {"every", "periodic", "nper"}:
        return "schedule"
    if not dated and kinds & {"event", "issue"}:
        return "event"
    if len([atom for atom in group if atom.kind in DATED]) > 1 or lead_word.startswith("tu"):
        return "period"
    return "deadline"


def _recurrence(tags: list[str], yearly: bool) -> str:
    if yearly:
        return "yearly"
    if any(t.startswith(("every", "periodic", "nper")) for t in tags):
        return "periodic"
    return "once"


def document_dates(text: str, issue_date: str | None) -> dict[str, str]:
    """``effective_date`` / ``expiry_date`` stated in ``text`` ("có hiệu lực … từ ngày …")."""
    out: dict[str, str] = {}
    for found in find_time_expressions(text, issue_date):
        if found.role in ("effective", "expiry") and found.date:
            out.setdefault(f"{found.role}_date", found.date)
    folded = fold_ascii(text)
    if (
        "effective_date" not in out
        and issue_date
        and re.search(r"hieu\s+luc(?:\s+thi\s+hanh)?\s+(?:ke\s+)?tu\s+ngay\s+ky", folded)
    ):
        form = issue_form(issue_date)
        if form:
            out["effective_date"] = form
    return out
