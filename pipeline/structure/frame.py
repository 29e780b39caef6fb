"""The frame of a document (Nghị định 30/2020/NĐ-CP, Phụ lục I): where the header, the body, the
closing block and the documents printed after the signature begin.

Header: issuing body | motto, "Số: …" | place and date, then the type ("QUYẾT ĐỊNH") and the trích
yếu. The body may open with the author's line ("THỦ TƯỚNG CHÍNH PHỦ") and the preamble. The closing
holds "Nơi nhận: … Lưu: VT" and the signer (TM./KT./TL./Q., title, name). After it, a document the
parent issues or approves ("KẾ HOẠCH … (Ban hành kèm theo Quyết định số …)", "PHỤ LỤC I") starts a
segment of its own, read with the same frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz.distance import Levenshtein

from pipeline.structure.lines import TERMINAL, TextLine, is_upper, starts_with
from pipeline.structure.numbering import read_markers

MOTTO = re.compile(r"(CỘNG\s+H[OÒ]A\s+XÃ\s+HỘI.*|Độc\s+lập\s*[-–]\s*Tự\s+do.*)", re.IGNORECASE)
NUMBER_LINE = re.compile(r"^S[ốoô6]\s*[:.]|^/\s*[A-ZĐ]{1,5}\b|^[A-ZĐ]{1,5}-[A-ZĐ]", re.IGNORECASE)
PLACE_DATE = re.compile(r",\s*ngày\b|^ngày\s+\S+\s+tháng\b", re.IGNORECASE)
SUBJECT_LINE = re.compile(r"^V/v\b|^Về\s+việc\b", re.IGNORECASE)
# "Nơi nhận:" alone or before its first recipient, never "Nơi nhận báo cáo" of a table or article.
NOI_NHAN = re.compile(r"^\W*n[oơ]i\s+nh[aậ]n\s*(?:[:;.]|$|(?=[-–•+]))", re.IGNORECASE)
SIGNER_MARK = re.compile(r"(?:^|\s)(?:TM|KT|TL|TUQ|Q)\.\s*[A-ZĐÀ-Ỹ]")
SIGNER_TITLE = re.compile(
    r"^(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|TRƯỞNG\s+BAN|CHÁNH\s+VĂN\s+PHÒNG|BỘ\s+TRƯỞNG|BÍ\s+THƯ"
    r"|THỦ\s+TƯỚNG|THỨ\s+TRƯỞNG)\b"
)
ANNEX = re.compile(r"^PH[UỤ]\s+L[UỤ]C\b", re.IGNORECASE)


@dataclass(frozen=True)
class Frame:
    """Indices into a segment's lines: body start, closing start, end of the segment."""

    doc_type: str
    body_start: int
    closing_start: int
    end: int


@dataclass(frozen=True)
class Segment:
    """A run of lines that is one document: the parent, or one printed after its signature."""

    start: int
    end: int
    doc_type: str
    annex: bool = False  # a Phụ lục of tables and lists, read line by line


@cache
def _types() -> dict[str, str]:
    """Document types the genre names in capitals, folded, with their printed form."""
    from diacritics.orthography import fold_ascii
    from extractors.vocab import load_yaml

    names = list(load_yaml("doc_types.yaml")) + list(load_yaml("structure.yaml")["attached_types"])
    names += ["Thông tư liên tịch", "Nghị quyết liên tịch", "Pháp lệnh", "Điều lệ"]
    return {fold_ascii(name).replace("đ", "d"): name.upper() for name in names}


def type_of(text: str) -> str:
    """The document type a capitalised line names ("QUYẾT ĐỊNH", OCR "QUYET DJNH"), else ""."""
    from diacritics.orthography import fold_ascii

    if not is_upper(text) or len(text) > 40:
        return ""
    key = re.sub(r"[^a-z ]", "", fold_ascii(text).replace("đ", "d")).strip()
    key = re.sub(r"\s+", " ", key)
    types = _types()
    if key in types:
        return types[key]
    words = key.split()
    for size in (3, 2):  # "QUY CHẾ HOẠT ĐỘNG", "KẾ HOẠCH HÀNH ĐỘNG": a type and a few words
        head = " ".join(words[:size])
        # not "QUY ĐỊNH CHUNG", "QUY ĐỊNH CỤ THỂ": the titles of a Chương
        if len(words) - size <= 3 and head in types and len(words) > size and head != "quy dinh":
            return types[head]
    squeezed = key.replace(" ", "")
    for name, printed in types.items():
        target = name.replace(" ", "")
        if len(target) >= 6 and Levenshtein.distance(squeezed, target) <= 1:
            return printed
    return ""


def _attached_by(text: str) -> bool:
    from extractors.vocab import vocab_list

    return starts_with(text, vocab_list("structure.yaml", "attached_by"))


def _header_line(text: str) -> bool:
    return bool(
        MOTTO.search(text) or NUMBER_LINE.match(text) or PLACE_DATE.search(text)
        or SUBJECT_LINE.match(text) or (is_upper(text) and len(text) < 70)
    )  # fmt: skip


def _preamble(text: str) -> bool:
    from extractors.vocab import fuzzy_opening, vocab_list

    return fuzzy_opening(text, vocab_list("sections.yaml", "preamble_starts")) is not None


def _opens_body(line: TextLine) -> bool:
    """A line that cannot belong to a title: a preamble, a numbered item, a heading of the law."""
    if _preamble(line.text) or NOI_NHAN.match(line.text):
        return True
    return any(m.style in ("roman", "chapter", "part", "article") for m in read_markers(line.text))


def header_end(lines: list[TextLine], start: int, end: int) -> tuple[str, int]:
    """The type named in the header and the index of the first body line of a segment."""
    limit = min(end, start + 40)
    opener = None
    for index in range(start, limit):
        text = lines[index].text
        doc_type = type_of(text)
        if doc_type:
            return doc_type, _title_end(lines, index, end)
        if _opens_body(lines[index]):
            opener = index
            break
    # No type line (a Công văn, a damaged scan): the header is the run of header-like lines, or
    # what comes before the preamble when that is near; never the body's first paragraphs.
    index = start
    while index < min(end, start + 15) and _header_line(lines[index].text):
        index += 1
        while index < end and SUBJECT_LINE.match(lines[index - 1].text) and _wrapped(lines, index):
            index += 1  # "V/v …" wrapped over several lines
    if opener is not None and (opener - start <= 8 or opener <= index + 2):
        return "", opener
    return "", index


def _wrapped(lines: list[TextLine], index: int) -> bool:
    line = lines[index]
    return not line.blank_before and line.text[:1].islower()


def _title_end(lines: list[TextLine], type_index: int, end: int) -> int:
    """The end of the trích yếu under a type line: a few lines, never the body's first sentence."""
    index = type_index + 1
    while index < end and index - type_index <= 6:
        line = lines[index]
        if _attached_by(line.text.lstrip("(")):
            index += 1
            while index < end and _wrapped(lines, index):
                index += 1
            return index
        if index > type_index + 1 and line.blank_before and not _title_after_blank(line):
            break
        first = index == type_index + 1  # the trích yếu may open "Triển khai thực hiện …"
        if (not first and (_opens_body(line) or _authority(line.text))) or read_markers(line.text):
            break
        if index > type_index + 1 and lines[index - 1].text[-1:] in ".;:":
            break
        index += 1
    return _after_authority(lines, index, end)


def _after_authority(lines: list[TextLine], index: int, end: int) -> int:
    """The header runs over the author's line under the title ("THỦ TƯỚNG CHÍNH PHỦ"), so that it
    neither hides the preamble as a heading nor is lost to the header's reader."""
    start = index
    while index < end and index - start < 2 and is_upper(lines[index].text):
        following = lines[index + 1].text if index + 1 < end else ""
        if not (_authority(lines[index].text) or _preamble(following) or is_upper(following)):
            break
        if read_markers(lines[index].text) or type_of(lines[index].text.rstrip(" :")):
            break
        index += 1
    if index > start and not (index < end and _preamble(lines[index].text)):
        return start  # upper lines not followed by the preamble: a heading of the body
    return index


def _title_after_blank(line: TextLine) -> bool:
    """A short line after a blank that still reads as the trích yếu, not a body paragraph."""
    text = line.text
    return len(text) < 75 and text[-1:] not in TERMINAL and not is_upper(text)


def _authority(text: str) -> bool:
    """The author's line before the preamble: "THỦ TƯỚNG CHÍNH PHỦ", "CHỦ TỊCH ỦY BAN …"."""
    from extractors.vocab import vocab_list

    return is_upper(text) and starts_with(text, vocab_list("structure.yaml", "authority_starts"))


def closing_bounds(lines: list[TextLine], start: int, end: int) -> int:
    """Where a segment's closing block starts: "Nơi nhận", or the signer after the last "/."."""
    noi_nhan = next((i for i in range(start, end) if NOI_NHAN.match(lines[i].text)), None)
    stop_end = noi_nhan if noi_nhan is not None else end
    last_stop = None
    for index in range(start, stop_end):
        if lines[index].text.rstrip().endswith("/."):
            last_stop = index
    if last_stop is not None:
        for index in range(last_stop + 1, stop_end):
            text = lines[index].text
            if SIGNER_MARK.search(" " + text) or SIGNER_TITLE.match(text):
                return index
    if noi_nhan is not None:
        return noi_nhan
    return last_stop + 1 if last_stop is not None else end


def segments(lines: list[TextLine]) -> list[Segment]:
    """The parent document and every document printed after its signature, in order."""
    starts: list[tuple[int, str, bool]] = []
    index = 1
    ended = False  # the parent's last sentence ("… thi hành Quyết định này./.") has been read
    while index < len(lines):
        text = lines[index].text
        ended = ended or text.rstrip().endswith("/.") or bool(NOI_NHAN.match(text))
        ended = ended or (text.startswith(("Điều 1.", "Điều 1:", "Chương I")) and index > 5)
        doc_type = type_of(text)
        annex = bool(ANNEX.match(text)) and (
            is_upper(text) or bool(re.fullmatch(r"\S+\s+\S+(?:\s+[IVXLl\d]+)?\s*[:.]?", text))
        )
        title_of_head = any(
            m.style in ("part", "chapter", "legal_section") and not m.text
            for m in read_markers(lines[index - 1].text)
        )
        if annex or (
            doc_type
            and not title_of_head
            and (_announces_attachment(lines, index) or (ended and _opens_first(lines, index)))
        ):
            first = _mini_header_start(lines, index, starts[-1][0] if starts else 0)
            starts.append((first, "PHỤ LỤC" if annex else doc_type, annex))
        index += 1
    bounds = [0] + [start for start, _, _ in starts] + [len(lines)]
    out = [Segment(0, bounds[1], "")]
    for number, (start, doc_type, annex) in enumerate(starts):
        out.append(Segment(start, bounds[number + 2], doc_type, annex))
    return _merge_annex_runs(out)


def _merge_annex_runs(found: list[Segment]) -> list[Segment]:
    """An annex runs to the next attached document: a "PHỤ LỤC" inside an annex is its part."""
    out: list[Segment] = []
    for segment in found:
        if out and out[-1].annex and segment.annex and segment.start == out[-1].end:
            out[-1] = Segment(out[-1].start, segment.end, out[-1].doc_type, True)
        else:
            out.append(segment)
    return out


def _announces_attachment(lines: list[TextLine], index: int) -> bool:
    """A type line whose title says it is issued with another document ("Ban hành kèm theo …")."""
    for offset in range(1, 7):
        if index + offset >= len(lines):
            return False
        text = lines[index + offset].text
        if _attached_by(text.lstrip("(")):
            return True
        if offset > 1 and _opens_body(lines[index + offset]):
            return False  # the line under the type is its trích yếu, whatever its first words
    return False


def _opens_first(lines: list[TextLine], index: int) -> bool:
    """A type line after the parent's end whose body numbers anew (Điều 1, Chương I, I.)."""
    for line in lines[index + 1 : index + 8]:
        for marker in read_markers(line.text):
            if marker.style in ("article", "chapter", "part", "roman") and marker.value == 1:
                return True
    return False


def _mini_header_start(lines: list[TextLine], type_index: int, floor: int) -> int:
    """The attached document's own header above its type line: issuer, motto, number, date."""
    start = type_index
    motto = None
    for index in range(type_index - 1, max(floor, type_index - 8), -1):
        text = lines[index].text
        if MOTTO.search(text):
            motto = index
        elif not (NUMBER_LINE.match(text) or PLACE_DATE.search(text) or is_upper(text)):
            break
        if SIGNER_MARK.search(" " + text) or SIGNER_TITLE.match(text):
            break
    if motto is None:
        return start
    start = motto
    while start - 1 > floor and start > motto - 3 and is_upper(lines[start - 1].text):
        if SIGNER_MARK.search(" " + lines[start - 1].text) or SIGNER_TITLE.match(
            lines[start - 1].text
        ):
            break
        start -= 1
    return start


def frame(lines: list[TextLine], segment: Segment) -> Frame:
    """The frame of one segment: its type, where its body starts and its closing starts."""
    doc_type, body = header_end(lines, segment.start, segment.end)
    closing = closing_bounds(lines, body, segment.end)
    return Frame(doc_type or segment.doc_type, body, closing, segment.end)
