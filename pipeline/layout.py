"""Lines of a plan into its tree: header, numbered sections and items, closing block.

The genre's form is fixed by Nghị định 30/2020/NĐ-CP: a two-column header (issuer | motto, number |
place and date), the document type and title, a preamble citing the legal basis, Roman sections
("I. MỤC ĐÍCH, YÊU CẦU"), numbered points ("1.", "5.2."), lettered points ("a)", "đ)"), bullets
("-", "+", "*"), and a closing block ("Nơi nhận:" | signer). Lines are joined into items (an item
continues until the next numbering, bullet or heading, or a new paragraph), de-hyphenated, and
every block keeps its provenance: page, 1-based line span over the whole document, box, confidence.
"""

from __future__ import annotations

import hashlib
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from schemas import (
    BBox,
    Block,
    BlockKind,
    DocumentText,
    DocumentTree,
    Line,
    PageText,
    Provenance,
    SourceDocument,
    SourceKind,
    TextMethod,
    nfc,
)

ROMAN = re.compile(r"^(?P<label>[IVX]{1,5}|[IVX][1l][IVX]?|[1l][IVX])\s*[.:\-–]\s*(?P<text>\S.*)$")
POINT = re.compile(
    r"^(?P<label>\d{1,2}(?:\.\d{1,2}){0,3})[.)]\s*(?P<text>[^\d\s].*)$"
    r"|^(?P<label2>\d{1,2}(?:\.\d{1,2}){1,3})\s+(?P<text2>[^\d\s].*)$"
)
LETTER = re.compile(r"^(?P<label>[a-zđ])\s?\)\s*(?P<text>\S.*)$")
BULLET = re.compile(r"^(?P<label>[-–—+*•·▪●○◦✓])\s*(?P<text>\S.*)$")
PAGE_NUMBER = re.compile(r"^[-–\s]*\d{1,3}[-–\s]*$|PAGE\s+\\\*\s*MERGEFORMAT")
SEPARATOR = re.compile(r"^[-_=.*–—\s]{3,}$")
TERMINAL = ".;:!?…"
MOTTO = re.compile(r"(CỘNG\s+HÒA\s+XÃ\s+HỘI.*|Độc\s+lập\s*[-–]\s*Tự\s+do.*)", re.IGNORECASE)
PLACE_DATE = re.compile(
    r"(?<![\w/])([A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){0,4}\s*,\s*ngày\b.*)$"
)
NOI_NHAN = re.compile(r"^\W*n[oơ]i\s+nh[aậ]n\s*[:;.]?", re.IGNORECASE)
SIGNER_MARK = re.compile(r"(?:^|\s)(?:TM|KT|TL|TUQ|Q)\.\s*[A-ZĐÀ-Ỹ]")
SIGNER_TITLE = re.compile(
    r"^(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|TRƯỞNG\s+BAN|CHÁNH\s+VĂN\s+PHÒNG|BỘ\s+TRƯỞNG|BÍ\s+THƯ)\b"
)
ANNEX = re.compile(r"^PH[UỤ]\s+L[UỤ]C\b", re.IGNORECASE)


def source_for_text(text: str, path: str | Path = "<text>") -> SourceDocument:
    """A SourceDocument for text held in memory, identified by the sha256 of its UTF-8 bytes."""
    data = nfc(text).encode("utf-8")
    return SourceDocument(
        path=Path(path),
        sha256=hashlib.sha256(data).hexdigest(),
        kind=SourceKind.TEXT,
        size_bytes=len(data),
        media_type="text/plain",
    )


def document_from_text(text: str, source: SourceDocument | None = None) -> DocumentText:
    """One page of plain text, one Line per input line; for tests, evaluation and plain files."""
    text = nfc(text)
    lines = tuple(Line(text=line) for line in text.splitlines())
    page = PageText(page_no=1, lines=lines, method=TextMethod.PLAIN)
    return DocumentText(source=source or source_for_text(text), pages=(page,))


def clean_line(text: str) -> str:
    """A line without Markdown emphasis or heading marks, whitespace collapsed, NFC."""
    text = nfc(text).replace("\\*", "\x00")
    text = re.sub(r"^\s*#{1,6}\s*", "", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<!\S)\*(?=\S)|(?<=\S)\*(?=[\s:;,.)]|$)", "", text)
    text = text.replace("\x00", "*")
    text = re.sub(r"DỰ\s*THẢO", " ", text)  # the draft watermark of text layers
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class _Line:
    no: int
    page: int
    text: str
    bbox: BBox | None = None
    confidence: float = 1.0
    blank_before: bool = False


@dataclass
class _Item:
    style: str
    kind: BlockKind
    label: str
    lines: list[_Line]
    parts: list[str]
    children: list[_Item] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_parts(self.parts)


def join_parts(parts: list[str]) -> str:
    """Join wrapped lines into one string, mending words hyphenated at the line end."""
    out = ""
    for part in parts:
        if not out:
            out = part
        elif re.search(r"[A-Za-zÀ-ỹ]-$", out) and part[:1].islower():
            out = out[:-1] + part
        else:
            out = out + " " + part
    return out.strip()


def provenance(lines: list[_Line]) -> Provenance:
    """Page and line span of ``lines``, union of their boxes on the first page, min confidence."""
    first = lines[0]
    boxes = [line.bbox for line in lines if line.bbox is not None and line.page == first.page]
    bbox = None
    for box in boxes:
        bbox = box if bbox is None else bbox.union(box)
    return Provenance(
        page=first.page,
        line_start=first.no,
        line_end=max(line.no for line in lines),
        bbox=bbox,
        confidence=min(line.confidence for line in lines),
    )


def _numbered_lines(doc: DocumentText) -> list[_Line]:
    """Every line with its 1-based number over all pages; blank and page-number lines dropped."""
    out: list[_Line] = []
    blank = False
    for number, page_no, line in doc.numbered_lines():
        text = clean_line(line.text)
        # Blank, page numbers, separators, and stray one- or two-character dust of text layers.
        dust = (len(text) <= 2 and not re.match(r"^[a-zđ]\)$", text)) or _garbled(text)
        if not text or dust or PAGE_NUMBER.search(text) or SEPARATOR.match(text):
            blank = True
            continue
        out.append(_Line(number, page_no, text, line.bbox, line.confidence, blank))
        blank = False
    return out


def _garbled(text: str) -> bool:
    """OCR of a stamp or scribble: mostly symbols, or no word of two letters or more."""
    visible = [ch for ch in text if not ch.isspace() and ch != "|"]  # table rules are not dust
    alnum = sum(ch.isalnum() for ch in visible)
    return len(visible) >= 4 and (alnum < 0.6 * len(visible) or not re.search(r"[^\W\d_]{2}", text))


def _starts_with(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether ``text`` opens with one of ``phrases``, compared without diacritics."""
    from diacritics.orthography import fold_ascii

    low = fold_ascii(text.lstrip("~-–•* "))
    return any(low.startswith(fold_ascii(phrase)) for phrase in phrases)


def _is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) / len(letters) >= 0.85


def _doc_type_line(text: str) -> bool:
    from diacritics.orthography import fold_ascii
    from extractors.vocab import load_yaml

    key = fold_ascii(text).strip(" :.")
    return key in {fold_ascii(name) for name in load_yaml("doc_types.yaml")} and _is_upper(text)


def _preamble(text: str) -> bool:
    from extractors.vocab import fuzzy_opening, vocab_list

    return fuzzy_opening(text, vocab_list("sections.yaml", "preamble_starts")) is not None


def _header_end(lines: list[_Line]) -> int:
    """Index of the first body line: after the title, at the preamble or the first section."""
    limit = min(len(lines), 40)
    for index in range(limit):
        text = lines[index].text
        if _doc_type_line(text):
            end = index + 1
            while end < len(lines) and end - index <= 5:
                line = lines[end]
                if end > index + 1 and (line.blank_before or _preamble(line.text)):
                    break
                if ROMAN.match(line.text) or NOI_NHAN.match(line.text):
                    break
                end += 1
            return end
        if _preamble(text) or ROMAN.match(text):
            return index
    return 0


def _closing_bounds(lines: list[_Line], start: int) -> tuple[int, int]:
    """Where the closing block starts and where an annex ("PHỤ LỤC") starts, as indices."""
    end_body = None
    for index in range(start, len(lines)):
        if NOI_NHAN.match(lines[index].text):
            end_body = index
            break
    last_stop = None
    for index in range(start, end_body if end_body is not None else len(lines)):
        if lines[index].text.rstrip().endswith("/."):
            last_stop = index
    if last_stop is not None:
        for index in range(last_stop + 1, end_body if end_body is not None else len(lines)):
            if SIGNER_MARK.search(" " + lines[index].text) or SIGNER_TITLE.match(lines[index].text):
                end_body = index
                break
    if end_body is None:
        end_body = last_stop + 1 if last_stop is not None else len(lines)
    annex = len(lines)
    for index in range(end_body, len(lines)):
        text = lines[index].text
        if ANNEX.match(text) and (
            _is_upper(text) or re.fullmatch(r"\S+\s+\S+(?:\s+[IVX\d]+)?\s*[:.]?", text)
        ):
            annex = index
            break
    return end_body, annex


def table_cells(text: str) -> list[str]:
    """The cells of a row written as a pipe table ("|ỦY BAN NHÂN DÂN | CỘNG HÒA ... |")."""
    if text.count("|") < 2:
        return [text]
    return [cell.strip() for cell in text.split("|") if cell.strip(" -")]


def split_header_line(text: str) -> list[str]:
    """Split a header line OCR read across both columns (issuer | motto, number | place, date)."""
    parts = []
    motto = MOTTO.search(text)
    if motto and motto.start() > 0:
        return [text[: motto.start()].strip(), motto.group(0).strip()]
    if re.match(r"^S[ốoô6]\s*[:.]", text, re.IGNORECASE):
        place = PLACE_DATE.search(text)
        if place and place.start() > 0:
            return [text[: place.start()].strip(), place.group(1).strip()]
    parts.append(text)
    return parts


def split_closing_line(text: str) -> list[str]:
    """Split a closing line that OCR read across both columns (recipients | signer)."""
    found = NOI_NHAN.match(text)
    if found and text[found.end() :].strip():
        return [text[: found.end()].strip(), *split_closing_line(text[found.end() :].strip())]
    two = re.search(r";\s+(?=[-+•]\s)", text)
    if two and text.startswith(("-", "+", "•")):
        return [text[: two.start() + 1].strip(), *split_closing_line(text[two.end() :].strip())]
    mark = SIGNER_MARK.search(text)
    if mark and mark.start() > 0:
        return [text[: mark.start()].strip(), text[mark.start() :].strip()]
    if text.startswith(("-", "+", "•")) and not re.match(r"^\W*L[ưu]u\b", text[1:].strip()):
        cut = max(text.rfind(";"), text.rfind("."))
        rest = text[cut + 1 :].strip() if cut > 0 else ""
        if rest and rest[:1].isupper() and not rest.startswith("("):
            return [text[: cut + 1].strip(), rest]
    return [text]


def _marker(line: _Line, previous: _Line | None) -> tuple[str, BlockKind, str, str] | None:
    """The numbering or bullet a line opens with: (style, kind, label, text after it)."""
    text = line.text
    prev_open = previous is not None and previous.text[-1:] not in TERMINAL
    found = ROMAN.match(text)
    if found and (_is_upper(found.group("text")) or not prev_open):
        label = found.group("label").replace("1", "I").replace("l", "I")
        return "roman", BlockKind.SECTION, label, found.group("text")
    found = POINT.match(text)
    if found:
        label = found.group("label") or found.group("label2")
        body = found.group("text") or found.group("text2")
        if not (prev_open and body[:1].islower()):
            return f"arabic{label.count('.') + 1}", BlockKind.POINT, label, body
    found = LETTER.match(text)
    if found and not (prev_open and found.group("text")[:1].islower()):
        return "letter", BlockKind.LETTER, found.group("label"), found.group("text")
    found = BULLET.match(text)
    if found:
        body = found.group("text")
        if prev_open and body[:1].islower():
            return None
        label = found.group("label")
        style = {"-": "dash", "–": "dash", "—": "dash", "+": "plus"}.get(label, "star")
        return style, BlockKind.BULLET, label, body
    return None


def _is_heading(text: str) -> bool:
    """A heading that lost its numbering: upper case, or close to a known heading."""
    from extractors.vocab import heading_match

    if text[-1:] in ".;!?" or len(text) > 120:
        return False
    if _is_upper(text) and len(text.split()) >= 2:
        return True
    return len(text) <= 70 and heading_match(text, 90.0) is not None


def _full_width(lines: list[_Line]) -> float:
    lengths = sorted(len(line.text) for line in lines if len(line.text) > 20)
    if not lengths:
        return 80.0
    return float(
        lengths[int(len(lengths) * 0.75)] if len(lengths) > 3 else statistics.mean(lengths)
    )


def _items(lines: list[_Line]) -> list[_Item]:
    """Lines joined into items: numbered points, bullets, headings and paragraphs."""
    from extractors.vocab import vocab_list

    formulas = vocab_list("sections.yaml", "closing_formulas")
    width = _full_width(lines)
    items: list[_Item] = []
    previous: _Line | None = None
    for line in lines:
        marker = _marker(line, previous)
        current = items[-1] if items else None
        if marker is not None:
            style, kind, label, text = marker
            items.append(_Item(style, kind, label, [line], [text]))
        elif _new_paragraph(line, previous, current, width):
            if _is_heading(line.text) and (_is_upper(line.text) or not line.text.endswith(",")):
                style = "upper" if _is_upper(line.text) else "heading"
                kind = BlockKind.SECTION if style == "upper" else BlockKind.POINT
                items.append(_Item(style, kind, "", [line], [line.text.rstrip(":").strip()]))
            else:
                style = "formula" if _starts_with(line.text, formulas) else "paragraph"
                items.append(_Item(style, BlockKind.PARAGRAPH, "", [line], [line.text]))
        else:
            assert current is not None
            current.lines.append(line)
            current.parts.append(line.text)
        previous = line
    return items


def _new_paragraph(
    line: _Line, previous: _Line | None, current: _Item | None, width: float
) -> bool:
    """Whether an unnumbered line opens a new paragraph rather than continuing the current item."""
    if current is None or previous is None:
        return True
    text = line.text
    starts_upper = text[:1].isupper() or text[:1].isdigit()
    if current.style in ("roman", "upper") and not _is_upper(text):
        return True
    if current.style == "heading":
        return True
    if not starts_upper:
        return False
    prev_text = previous.text
    # Unwrapped text (a paragraph per line, typical of text layers) has no short last lines.
    short = len(prev_text) < 0.75 * width or width > 130
    if prev_text[-1:] in TERMINAL:
        return line.blank_before or short
    # A short first line without punctuation is a heading ("1. Mục đích"); the next line is new.
    return (
        len(current.lines) == 1
        and short
        and len(prev_text) < 0.6 * width
        and not prev_text.endswith(",")
    )


def _nest(items: list[_Item]) -> list[_Item]:
    """Nest items by numbering style: a style already open closes back to it, a new one nests."""
    roots: list[_Item] = []
    stack: list[_Item] = []
    for item in items:
        if item.style in ("roman", "upper", "formula"):
            stack.clear()
        elif item.style != "paragraph":
            styles = [open_item.style for open_item in stack]
            if item.style in styles:
                del stack[styles.index(item.style) :]
        parent = stack[-1] if stack else None
        (parent.children if parent else roots).append(item)
        if item.style not in ("paragraph", "formula"):
            stack.append(item)
    return roots


def _to_block(item: _Item) -> Block:
    return Block(
        kind=item.kind,
        label=item.label,
        text=item.text,
        provenance=provenance(item.lines),
        children=tuple(_to_block(child) for child in item.children),
    )


def _annex_rows(doc: DocumentText, first: int) -> tuple[Block, ...]:
    """An annex line by line, blank lines kept: its tables are one cell a line, blank if empty."""
    rows: list[Block] = []
    for number, page_no, line in doc.numbered_lines():
        if number <= first:
            continue
        row = _Line(number, page_no, clean_line(line.text), line.bbox, line.confidence)
        block = Block(kind=BlockKind.PARAGRAPH, text=row.text, provenance=provenance([row]))
        rows.append(block)
    return tuple(rows)


def build_tree(doc: DocumentText) -> DocumentTree:
    """Split a document's lines into header, body block tree and closing block, with provenance."""
    lines = _numbered_lines(doc)
    header_end = _header_end(lines)
    closing_start, annex_start = _closing_bounds(lines, header_end)
    header: list[tuple[str, Provenance]] = []
    for line in lines[:header_end]:
        prov = provenance([line])
        for cell in table_cells(line.text):
            header.extend((part, prov) for part in split_header_line(cell) if part)
    closing: list[tuple[str, Provenance]] = []
    for line in lines[closing_start:annex_start]:
        prov = provenance([line])
        for cell in table_cells(line.text):
            closing.extend((part, prov) for part in split_closing_line(cell) if part)
    body = [_to_block(item) for item in _nest(_items(lines[header_end:closing_start]))]
    if annex_start < len(lines):
        annex_lines = lines[annex_start:]
        children = _annex_rows(doc, annex_lines[0].no)
        body.append(
            Block(
                kind=BlockKind.SECTION,
                label="PHỤ LỤC",
                text=annex_lines[0].text,
                provenance=provenance(annex_lines),
                children=children,
            )
        )
    return DocumentTree(
        header=tuple(text for text, _ in header),
        header_provenance=tuple(prov for _, prov in header),
        body=tuple(body),
        closing=tuple(text for text, _ in closing),
        closing_provenance=tuple(prov for _, prov in closing),
    )
