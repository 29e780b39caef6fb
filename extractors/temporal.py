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

``temporal_atoms`` finds, groups and dates the atoms; this module reads each group's role.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from diacritics.orthography import fold_ascii
from extractors.temporal_atoms import (
    DATED,
    SUFFIX_ONLY,
    Atom,
    TimeExpression,
    atom_tag,
    date_of,
    find_atoms,
    group_atoms,
    issue_form,
    marks_agree,
    mask_document_numbers,
    temporal_vocab,
)
from schemas import nfc

WINDOW = 160  # characters read before an expression to decide its role
DEADLINE_ROLES = frozenset({"deadline", "period", "observance", "schedule", "event"})


@cache
def _lead() -> re.Pattern[str]:
    leads = temporal_vocab()["lead_words"]
    return re.compile(
        rf"(?:(?:^|(?<=[\s(,;:]))(?:{leads})\s+(?:la\s+)?(?:ngay\s+)?|(?:^|(?<=[\s(,;:]))(?<!\d\s)ngay\s+)$"
    )


@cache
def _reference_before() -> re.Pattern[str]:
    vocab = temporal_vocab()
    return re.compile(
        rf"(?:(?:{vocab['document_date_verbs']})\s+(?:ngay\s+)?$)"
        r"|(?:#[#\s,]*(?:\(\s*)?(?:ngay\s+)?$)"
        r"|(?:(?<!\w)(?:hien\s+phap|bo\s+luat|luat|phap\s+lenh)\s[^;.#]{0,100}\sngay\s+$)"
    )


@cache
def _coverage_before() -> re.Pattern[str]:
    return re.compile(rf"(?P<cue>{temporal_vocab()['coverage_cues']})\b[^;.]{{0,80}}$")


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
    for group in group_atoms(find_atoms(text, folded), folded):
        tags = [atom_tag(atom) for atom in group]
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
        date = date_of(group, folded, year_here, yearly, issue_date)
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
