"""Agency names: find them at the head of a point, split lists of them, normalise their spelling.

A plan names who must act at the start of a point ("Công an tỉnh chủ trì, ...", "Sở Nội vụ: ...",
"Đề nghị Ủy ban MTTQ VN tỉnh, các tổ chức chính trị - xã hội: ..."). Names are expanded ("UBND" →
"Ủy ban nhân dân") and fuzzy-matched against the gazetteer in ``data/vocab/agencies.yaml`` so that
a plan's agencies come out with one spelling whatever the document wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from diacritics.orthography import fold_ascii, strip_marks
from extractors.vocab import VOCAB_DIR, expand_abbreviations, fold, load_yaml

Role = str
# "Đề nghị", "Giao", "Yêu cầu" open a point before the agency;
# "\w{1,3} nghị" tolerates OCR leftovers.
PREFIXES = re.compile(r"^(?:đề\s+nghị|\w{1,3}\s+nghị|giao(?:\s+cho)?|yêu\s+cầu)\s+", re.IGNORECASE)
# A short time adverbial before the subject: "Định kỳ hằng năm, các sở ...".
ADVERBIALS = re.compile(
    r"^[^,;:]{0,20}?(?:(?:hằng|hàng)\s+(?:năm|quý|tháng)|định\s+kỳ)\s*,\s*", re.IGNORECASE
)
# Unit codes that ministries use for their departments ("C04", "V01", "PC04").
UNIT_CODE = re.compile(r"^[A-ZĐ]{1,3}\d{2,3}\b")
NOT_VERB_AFTER_TOCHUC = (
    "chính",
    "xã",
    "đơn",
    "hội",
    "cá",
    "quần",
    "kinh",
    "đoàn",
    "đảng",
    "cơ",
    "tín",
)


@dataclass(frozen=True)
class Subject:
    """The agencies a point opens with, the role its verb gives them, and the task text."""

    agencies: tuple[str, ...]
    role: Role
    task: str
    explicit: bool  # the point wrote "Agency: task" (a label) rather than a sentence


@cache
def _national() -> tuple[str, ...]:
    """Central bodies (ministries, Quốc hội, courts …) from the issuers' vocabulary, if present.

    ``data/vocab/national_issuers.yaml`` is the one national list, shared with the header's issuer
    reading; a tree without it falls back on the provincial gazetteer alone.
    """
    if not (VOCAB_DIR / "national_issuers.yaml").is_file():
        return ()
    return tuple(entry["name"] for entry in load_yaml("national_issuers.yaml")["issuers"])


@cache
def _canonical() -> tuple[str, ...]:
    """The provincial gazetteer, then the national one (a name in both keeps one spelling)."""
    names = list(load_yaml("agencies.yaml")["canonical"])
    known = {fold(name) for name in names}
    names.extend(name for name in _national() if fold(name) not in known)
    return tuple(names)


@cache
def _compound_names() -> tuple[str, ...]:
    """Known names holding "và" or a comma ("Sở Văn hóa, Thể thao và Du lịch"), longest first."""
    names = [name for name in _canonical() if " và " in name or "," in name]
    return tuple(sorted(names, key=len, reverse=True))


@cache
def _canonical_folded() -> dict[str, str]:
    return {fold(name): name for name in _canonical()}


@cache
def _ascii_folded() -> dict[str, str]:
    return {strip_marks(fold(name)): name for name in _canonical()}


@cache
def _heads() -> tuple[str, ...]:
    return tuple(sorted(load_yaml("agencies.yaml")["heads"], key=len, reverse=True))


@cache
def _folded_heads() -> tuple[tuple[str, str], ...]:
    return tuple((head, fold_ascii(head)) for head in _heads())


@cache
def _not_heads() -> tuple[str, ...]:
    return tuple(fold_ascii(word) for word in load_yaml("agencies.yaml")["not_heads"])


@cache
def _verbs() -> tuple[tuple[str, Role], ...]:
    verbs = load_yaml("agencies.yaml")["task_verbs"]
    pairs = [(verb, role) for role, words in verbs.items() for verb in words]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


@cache
def _verb_pattern() -> re.Pattern[str]:
    words = "|".join(re.escape(verb) for verb, _ in _verbs())
    return re.compile(r"(?<![\wÀ-ỹ])(" + words + r")(?![\wÀ-ỹ])")


@cache
def _head_index() -> tuple[dict[str, tuple[str, ...]], ...]:
    """The heads each test of ``starts_with_head`` can match, by a fragment's first two
    characters (as written, folded, lower-cased): a fragment is tried against the few heads
    sharing its opening instead of all of them (extraction spent half its time there)."""
    exact: dict[str, list[str]] = {}
    unmarked: dict[str, list[str]] = {}
    plural: dict[str, list[str]] = {}
    for head, key in _folded_heads():
        # a one-letter head matches fragments of any opening: it goes under every key ("")
        exact.setdefault(head[:2] if len(head) >= 2 else "", []).append(head)
        if head[:1].isupper():
            unmarked.setdefault((key + " ")[:2], []).append(head)
        if head.lower().startswith(("các ", "tổ chức")):
            plural.setdefault(head.lower()[:2], []).append(head)
    return tuple({k: tuple(v) for k, v in index.items()} for index in (exact, unmarked, plural))


@lru_cache(maxsize=16384)
def starts_with_head(fragment: str) -> bool:
    """Whether ``fragment`` opens with a word naming an agency ("Sở", "Ủy ban", "Các sở", ...).

    Cached: a plan's items are asked about again for every heading above them.
    """
    fragment = expand_abbreviations(fragment.strip()[:60])
    if UNIT_CODE.match(fragment):
        return True
    folded = fold_ascii(fragment)
    if folded.startswith(_not_heads()):
        return False
    exact, unmarked, plural = _head_index()
    for head in (*exact.get(fragment[:2], ()), *exact.get("", ())):
        if fragment == head or fragment.startswith((head + " ", head + ",")):
            return True
    # Restoration may leave a head without its marks ("Sơ Văn hóa"); a capital still opens
    # it, and a one-word head must be followed by a proper name ("Công nghệ" is no "Cổng").
    if fragment[:1].isupper():
        for head in unmarked.get(folded[:2], ()):
            key = fold_ascii(head)
            if folded.startswith(key + " "):
                following = fragment[len(key) + 1 :].lstrip()[:1]
                if " " in head or following.isupper():
                    return True
    lower = fragment.lower()
    return any(lower.startswith(head.lower()) for head in plural.get(lower[:2], ()))


def is_bare_head(name: str) -> bool:
    """A head word alone ("Thanh tra", "Ban"): no body's name unless a known one ("Chính phủ")."""
    key = fold_ascii(name.strip(" ,;:."))
    return key not in _known_ascii() and any(key == folded for _, folded in _folded_heads())


@cache
def _known_ascii() -> frozenset[str]:
    return frozenset(fold_ascii(name) for name in _canonical())


def canonical_agency(name: str) -> str:
    """One spelling for an agency: abbreviations expanded, gazetteer spelling where it is close."""
    name = re.sub(r"\s*\([^)]*\)", "", name)
    code = UNIT_CODE.match(name.strip())
    if code:
        return code.group(0)
    name = expand_abbreviations(name).strip(" ,;:.-–")
    name = re.sub(r"^(?:đề nghị|giao)\s+", "", name, flags=re.IGNORECASE)
    if not name:
        return name
    key = fold(name)
    known = _canonical_folded()
    if key in known:
        return known[key]
    found = process.extractOne(key, list(known), scorer=fuzz.ratio)
    if found is not None and found[1] >= 92 and same_shape(key, found[0]):
        return known[found[0]]
    ascii_key = strip_marks(key)
    if ascii_key in _ascii_folded():
        return _ascii_folded()[ascii_key]
    return name[:1].upper() + name[1:]


def same_shape(a: str, b: str) -> bool:
    """Whether two spellings can name one body: same head word, same number of words.

    A spelling a few letters off is the same body ("Sơ Nội vụ"); a different head ("Bộ Nông
    nghiệp và Môi trường" against "Sở …") or a word more ("… Truyền hình tỉnh") is another one.
    """
    words_a, words_b = (_drop_plural(re.findall(r"\w+", fold_ascii(x))) for x in (a, b))
    words_a, words_b = ([w for w in words if w != "va"] for words in (words_a, words_b))
    return len(words_a) == len(words_b) and words_a[:1] == words_b[:1]


def _drop_plural(words: list[str]) -> list[str]:
    """Words without a leading plural marker "các" (OCR and authors drop it freely)."""
    return words[1:] if words[:1] == ["cac"] else words


def split_agencies(span: str) -> list[str]:
    """Split "Công an tỉnh, Sở Nội vụ và đề nghị Ủy ban MTTQ VN tỉnh" into one name per agency."""
    span = _protect_compounds(re.sub(r"\s*\([^)]*\)", "", span))
    tokens = re.split(
        r"(\s*;\s*|\s*,\s*(?:và\s+)?(?:đề\s+nghị\s+)?|\s+và\s+(?:đề\s+nghị\s+)?)", span
    )
    names: list[str] = []
    separator = ""
    for index, token in enumerate(tokens):
        if index % 2 == 1:
            separator = token
            continue
        piece = token.strip()
        if not piece:
            continue
        if names and not starts_with_head(piece):
            names[-1] = (
                names[-1] + re.sub(r"\s*đề\s+nghị\s*", " ", separator).rstrip() + " " + piece
            )
            names[-1] = re.sub(r"\s+,", ",", names[-1])
        else:
            names.append(piece)
    return [canonical_agency(_unprotect(name)) for name in names if name]


AND, COMMA = "\u2060và\u2060", "\u2060,"  # word-joined: not split points


def _protect_compounds(span: str) -> str:
    """Hide the "và" and commas inside known names so that a list splits between names only."""
    low = span.lower()
    for name in _compound_names():
        start = low.find(name.lower())
        while start >= 0:
            end = start + len(name)
            inner = span[start:end].replace(" và ", f" {AND} ").replace(",", COMMA)
            span = span[:start] + inner + span[end:]
            low = span.lower()
            start = low.find(name.lower(), start + len(inner))
    return span


def _unprotect(name: str) -> str:
    return name.replace(AND, "và").replace(COMMA, ",")


def first_verb(text: str) -> re.Match[str] | None:
    """The first task verb in ``text`` not part of an agency name ("các tổ chức, đơn vị")."""
    for found in _verb_pattern().finditer(text):
        if found.group(1) == "tổ chức":
            after = text[found.end() :].lstrip()
            before = text[: found.start()].rstrip().lower()
            if after.startswith(",") or after.split(" ", 1)[0] in NOT_VERB_AFTER_TOCHUC:
                continue
            if before.endswith(("các", ",")):
                continue
        if text[: found.start()].rstrip().lower().endswith((" được", " bị")):
            continue  # a passive relative clause names the agency ("đơn vị được kiểm tra")
        return found
    return None


def role_of(task: str) -> Role:
    """Role from a task's opening verb: "chủ trì" lead, "phối hợp" coordinate, else responsible."""
    # Skip a stray OCR mark before the verb ("Ở Chủ trì" where a bullet was read as a letter).
    low = re.sub(r"^[\W_]*(?:\w[\W_]*\s+(?=chủ trì|phối hợp))?", "", task.lower())
    if low.startswith("chủ trì"):
        return "lead"
    if low.startswith("phối hợp"):
        return "coordinate"
    return "responsible"


# An opening clause before the subject: "Căn cứ Kế hoạch này, các sở … xây dựng …".
OPENING_CLAUSE = re.compile(
    r"^(?:căn\s+cứ|trên\s+cơ\s+sở|theo|để|nhằm|thực\s+hiện|trong\s+quá\s+trình)\s", re.IGNORECASE
)


def strip_opening_clause(text: str) -> str:
    """``text`` without an opening "Căn cứ …," clause when an agency follows the clause's comma."""
    if not OPENING_CLAUSE.match(text):
        return text
    for comma in re.finditer(r",\s*", text[:250]):
        rest = text[comma.end() :]
        if starts_with_head(PREFIXES.sub("", rest)):
            return rest
    return text


@lru_cache(maxsize=8192)
def subject_of(text: str) -> Subject | None:
    """The agencies a point opens with, or None when it opens with a verb or anything else.

    Cached (a ``Subject`` is frozen): a heading's content is typed from its items' subjects, and
    an item under nested headings is asked about once for each.
    """
    body = ADVERBIALS.sub("", text.strip())
    body = PREFIXES.sub("", strip_opening_clause(body))
    colon = body.find(":")
    if 0 < colon <= 250:
        label = body[:colon]
        if starts_with_head(label) and first_verb(label) is None:
            rest = body[colon + 1 :].strip()
            return Subject(tuple(split_agencies(label)), role_of(rest), rest, True)
    verb = first_verb(body)
    if verb is None and body[-1:] not in ".;" and _names_only(body):
        # A heading that only names agencies ("3. Công an các địa phương"): its points are theirs.
        return Subject(tuple(split_agencies(body)), "responsible", "", True)
    if verb is None or verb.start() == 0 or verb.start() > 250:
        return None
    span = body[: verb.start()].strip(" ,")
    if not span or not starts_with_head(span):
        return None
    agencies = tuple(name for name in split_agencies(span) if name)
    if not agencies:
        return None
    rest = body[verb.start() :]
    colon = rest.find(":")
    after = rest[colon + 1 :].strip() if 0 < colon <= 150 else ""
    opening = first_verb(after[:1].lower() + after[1:]) if after[:1].isupper() else None
    if opening is not None and opening.start() == 0:
        # "X chỉ đạo lực lượng Y: Phối hợp …": the task and its role are after the colon.
        return Subject(agencies, role_of(after), after, False)
    return Subject(agencies, role_of(rest), text.strip(), False)


def _names_only(body: str) -> bool:
    """Whether a verbless line is a list of agency names (each piece opening with a head)."""
    if not starts_with_head(body) or len(body) > 400:
        return False
    if len(body) <= 150:
        return True
    pieces = [piece for piece in re.split(r"\s*[,;]\s*|\s+và\s+", body) if piece.strip()]
    heads = sum(1 for piece in pieces if starts_with_head(piece))
    return heads >= 0.6 * len(pieces)


def partners(task: str) -> list[str]:
    """Agencies after "chủ trì, phối hợp với": they coordinate on the same task."""
    found = re.search(
        r"chủ\s+trì\s*,?\s*phối\s+hợp\s+(?:chặt\s+chẽ\s+)?(?:với\s+)?", task, re.IGNORECASE
    )
    if not found:
        return []
    rest = task[found.end() :]
    rest_no_paren = re.sub(r"\s*\([^)]*\)", "", rest)
    verb = first_verb(rest_no_paren)
    span = rest_no_paren[: verb.start()] if verb else rest_no_paren
    span = re.split(r"[;.]", span)[0].strip(" ,")
    if not span or not starts_with_head(span) or len(span) > 200:
        return []
    return [name for name in split_agencies(span) if not is_generic(name)]


def is_generic(name: str) -> bool:
    """A partner named only as related ("các cơ quan, đơn vị liên quan"): no one in particular."""
    return "liên quan" in fold(name)


def unify_spellings(names: list[str], own: tuple[str, ...] = ()) -> dict[str, str]:
    """Map near-identical spellings of one agency in a plan to one spelling.

    ``own`` is the document's own vocabulary (its "Nơi nhận" lines, its issuer): a per-document
    gazetteer whose spelling wins over the plan's most frequent one, beside the national and
    provincial gazetteers that ``canonical_agency`` applies name by name.
    """
    mapping: dict[str, str] = {}
    representatives: list[str] = [name for name in own if name]
    counts = {name: names.count(name) for name in names}
    for name in sorted(counts, key=lambda item: (-counts[item], item)):
        match = next(
            (
                rep
                for rep in representatives
                if fuzz.ratio(fold(rep), fold(name)) >= 95 and same_shape(rep, name)
            ),
            None,
        )
        if match is None:
            representatives.append(name)
            mapping[name] = name
        else:
            mapping[name] = match
    return mapping


def document_vocabulary(recipients: tuple[str, ...], issuer: str | None) -> tuple[str, ...]:
    """The agency names a document spells out itself: its recipients and its issuer."""
    names = [re.sub(r"^[-–+•]\s*", "", line).strip(" ;.,") for line in recipients]
    names = [name for name in names if name and not fold(name).startswith("lưu")]
    return tuple(
        dict.fromkeys([*(expand_abbreviations(n) for n in names), *([issuer] if issuer else [])])
    )
