"""Lines into items and items into a tree, each line's level decided by the sequence it continues.

A numbering token is believed when the document's numbering expects it next: "Điều 6" after
"Điều 5", "2." after khoản 1, "III." after "II." (or "TH.", "111." an OCR'd Roman numeral, when the
plan's Roman sequence has a gap exactly there). A token that breaks the sequence in the middle of a
sentence is a wrapped line ("… quy định tại khoản" / "2 Điều này"). Levels nest by rank for the
heads of the law (Phần > Chương > Mục > Tiểu mục > Điều, and a plan's Roman sections), and by order
of appearance below them (the first list style under an Điều is its khoản, the next its điểm, …),
which is how plans mix "1.", "a)", "-" and "+".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.structure.lines import TERMINAL, TextLine, is_upper, join_parts, starts_with
from pipeline.structure.numbering import LETTERS, Marker, read_markers, roman_value

RANK = {"part": 0, "chapter": 1, "legal_section": 2, "subsection": 3, "roman": 4, "upper": 4}
RANK["article"] = 5
HEADS = ("part", "chapter", "legal_section", "subsection")
RESTARTS = {"part": ("chapter",), "chapter": ("legal_section", "subsection")}
RESTARTS["legal_section"] = ("subsection",)


@dataclass
class Item:
    """A numbered item, heading or paragraph: its lines joined, the items under it."""

    style: str
    label: str
    lines: list[TextLine]
    parts: list[str]
    value: int = 0
    ranked: bool = False
    children: list[Item] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_parts(self.parts)


def _is_heading(text: str) -> bool:
    """A heading that lost its numbering: upper case, or close to a known heading."""
    from extractors.sections import is_known_heading

    if text[-1:] in ".;!?" or len(text) > 120:
        return False
    if is_upper(text) and len(text.split()) >= 2:
        return True
    return len(text) <= 70 and is_known_heading(text)


def _full_width(lines: list[TextLine]) -> float:
    lengths = sorted(len(line.text) for line in lines if len(line.text) > 20)
    if not lengths:
        return 80.0
    if len(lengths) > 3:
        return float(lengths[int(len(lengths) * 0.75)])
    return float(sum(lengths) / len(lengths))


class Reader:
    """Reads a body's lines in order, keeping the open items and the numbering expected next."""

    def __init__(self, lines: list[TextLine], authority: bool = False) -> None:
        from extractors.vocab import vocab_list

        self.lines = lines
        self.width = _full_width(lines)
        self.formulas = vocab_list("sections.yaml", "closing_formulas")
        self.roots: list[Item] = []
        self.stack: list[Item] = []
        self.last: dict[str, int] = {}
        self.strict_romans = _strict_romans(lines)
        self.authority = authority
        self.index = 0
        self.current: Item | None = None

    # -- which reading of the numbering the sequence supports -------------------------------------
    def expected(self, style: str) -> int:
        if style in RANK:
            return self.last.get(style, 0) + 1
        for item in reversed(self._below_ranked()):
            if item.style == style:
                return item.value + 1
        return 1

    def _below_ranked(self) -> list[Item]:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].ranked:
                return self.stack[index + 1 :]
        return self.stack

    def _in_article(self) -> bool:
        return any(item.style == "article" for item in self.stack)

    def choose(self, line: TextLine, previous: TextLine | None) -> Marker | None:
        """The reading of the line's numbering that fits the document, or None (plain text)."""
        prev_open = previous is not None and previous.text.rstrip('”"»')[-1:] not in TERMINAL
        current = self.current
        if current is not None and (
            current.style in HEADS + ("roman", "upper")
            or (current.style == "article" and len(current.lines) == 1)
        ):
            prev_open = False  # "Điều 23. Nguyên tắc …": a title ends without punctuation
        for marker in read_markers(line.text):
            if self._accept(marker, line, prev_open):
                return marker
        return None

    def _accept(self, marker: Marker, line: TextLine, prev_open: bool) -> bool:
        style, body = marker.style, marker.text
        expected = self.expected(style)
        fits = marker.value == expected
        lower = body[:1].islower()
        if style in ("part", "chapter") and not body and not marker.loose:
            return True  # "Chương 25" alone on its line: a heading wherever it stands
        if style in HEADS or style == "article":
            if marker.loose:
                return fits or (not prev_open and not lower)
            return fits or not prev_open or line.blank_before
        if style == "roman":
            if marker.loose:
                if not (fits and is_upper(body)):
                    return False
                label = marker.label
                if roman_value(label) or (len(label) > 1 and not label.isdigit()):
                    return True  # "V," "IV KIẾN NGHỊ" "TH." "lV,": no list or rule looks so
                if not label.isdigit() and marker.sep in ".,":
                    return True  # "|. MỤC ĐÍCH": a look-alike with its period
                # "1." / "11." are lists, a bare "|" a table rule: Roman only where the plan's
                # Roman sequence has its gap
                return (
                    bool(self.strict_romans)
                    and marker.value not in self.strict_romans
                    and self._roman_gap(marker.value)
                )
            return is_upper(body) or not prev_open
        if style.startswith("arabic") or style == "letter":
            if marker.loose and "." in marker.label:
                return fits and not lower and self._parent_fits(marker.label)
            if marker.loose:
                return fits and not lower and (not prev_open or self._short_previous())
            restart = marker.value == 1  # "1." / "a)" may open a new list anywhere
            return not (prev_open and (lower or not (fits or restart or line.blank_before)))
        return not (prev_open and lower)  # bullets

    def _parent_fits(self, label: str) -> bool:
        """Whether "4.6" stands under the open clause 4 (its outer number is the open one's)."""
        outer = int(label.split(".")[0])
        return any(item.style == "arabic1" and item.value == outer for item in self._below_ranked())

    def _short_previous(self) -> bool:
        """The line before is short: a title ("Điều 9. Quản lý khu bảo tồn"), not a wrapped line."""
        return self.index > 0 and len(self.lines[self.index - 1].text) < 0.6 * self.width

    def _roman_gap(self, value: int) -> bool:
        """Whether the plan's Roman sequence misses ``value`` where a later numeral needs it."""
        return value + 1 in self.strict_romans or (value - 1 in self.strict_romans)

    # -- building items -------------------------------------------------------------------------
    def read(self) -> list[Item]:
        previous: TextLine | None = None
        current: Item | None = None
        for index, line in enumerate(self.lines):
            self.current = current
            self.index = index
            marker = self.choose(line, previous)
            if marker is not None:
                current = self._open_marker(marker, line)
            elif current is not None and self._continues(line, previous, current):
                current.lines.append(line)
                current.parts.append(line.text)
            else:
                current = self._open_unnumbered(line)
            previous = line
        return self.roots

    def _open_marker(self, marker: Marker, line: TextLine) -> Item:
        style, label, value = marker.style, marker.label, marker.value
        if style != "article" and marker.loose and style in RANK:
            value = self.expected(style) if style == "roman" else value
            label = label if style != "roman" else _roman(value)
        if style == "article" and marker.loose and value != self.expected(style):
            value = self.expected(style)
            label = str(value)
        if style == "letter" and label == "d" and self.expected("letter") == LETTERS.index("đ") + 1:
            label, value = "đ", LETTERS.index("đ") + 1  # "đ)" that OCR printed without its bar
        parts = [marker.text] if marker.text else []
        item = Item(style, label, [line], parts, value)
        self._place(item)
        return item

    def _open_unnumbered(self, line: TextLine) -> Item:
        text = line.text
        if self._authority_here(text) or _pronouncement(text):
            style = "paragraph"  # "THỦ TƯỚNG CHÍNH PHỦ" before the preamble, "QUYẾT ĐỊNH:"
        elif _is_heading(text) and (is_upper(text) or not text.endswith(",")):
            style = "upper" if is_upper(text) else "heading"
            if self._in_article() and style == "upper":
                style = "paragraph"
            text = text.rstrip(":").strip() if style != "paragraph" else text
        elif self._unnumbered_peer(text):
            style = "heading"
        else:
            style = "formula" if starts_with(text, self.formulas) else "paragraph"
        item = Item(style, "", [line], [text])
        self._place(item)
        return item

    def _unnumbered_peer(self, text: str) -> bool:
        """A heading of the document's unnumbered headings that OCR spelt out of the vocabulary's
        reach ("Cải cách chế do công vụ"): short, unpunctuated, opening a new "a)" list, while a
        heading of the same kind is open."""
        following = self.lines[self.index + 1 : self.index + 2]
        return (
            len(text) <= 70
            and text[:1].isupper()
            and text[-1:] not in TERMINAL + ",;"
            and bool(following)
            and re.match(r"^a\s?\)\s*\S", following[0].text) is not None
            and any(item.style == "heading" for item in self.stack)
        )

    def _authority_here(self, text: str) -> bool:
        """The author's line before the preamble ("CHỦ TỊCH ỦY BAN …"), not a heading."""
        if not self.authority or any(item.style != "paragraph" for item in self.roots):
            return False
        if _authority_line(text):
            return True
        following = self.lines[self.index + 1 : self.index + 2]
        return is_upper(text) and bool(following) and _preamble_line(following[0].text)

    def _continues(self, line: TextLine, previous: TextLine | None, current: Item) -> bool:
        """Whether an unnumbered line continues the current item rather than opening a new one."""
        if previous is None:
            return False
        text = line.text
        if current.style in HEADS:
            return not current.parts or (is_upper(text) and is_upper(current.parts[-1]))
        if current.style == "article":
            return (
                len(current.lines) == 1
                and text[:1].islower()
                and previous.text[-1:] not in TERMINAL
            )
        starts_upper = text[:1].isupper() or text[:1].isdigit()
        if current.style in ("roman", "upper"):
            return is_upper(text)
        if current.style == "heading":
            return False
        if not starts_upper:
            return True
        prev_text = previous.text
        # Unwrapped text (a paragraph per line, typical of text layers) has no short last lines.
        short = len(prev_text) < 0.75 * self.width or self.width > 130
        if prev_text[-1:] in TERMINAL:
            return not (line.blank_before or short or self._unnumbered_peer(text))
        # A short first line without punctuation is a heading ("1. Mục đích"); the next is new.
        return not (
            len(current.lines) == 1
            and short
            and len(prev_text) < 0.6 * self.width
            and not prev_text.endswith(",")
        )

    def _place(self, item: Item) -> None:
        """Nest an item under the open items: by rank for heads, by list style below them."""
        style = item.style
        if style in ("roman", "upper") and self._in_article():
            item.ranked = False  # "I. MỤC TIÊU" inside "Điều 1. Phê duyệt …": a list of the Điều
        else:
            item.ranked = style in RANK
        if style == "formula":
            self.stack.clear()
        elif item.ranked:
            while self.stack and (
                not self.stack[-1].ranked or RANK[self.stack[-1].style] >= RANK[style]
            ):
                self.stack.pop()
            self.last[style] = item.value if style != "upper" else self.last.get(style, 0)
            for lower in RESTARTS.get(style, ()):
                self.last.pop(lower, None)
        elif style != "paragraph":
            below = self._below_ranked()
            styles = [open_item.style for open_item in below]
            if style in styles:
                del self.stack[len(self.stack) - len(below) + styles.index(style) :]
            elif style.startswith("arabic") and "letter" in styles and self._in_article():
                # a khoản never stands under an điểm: its "1." was lost, the điểm were khoản 1's
                del self.stack[len(self.stack) - len(below) + styles.index("letter") :]
        parent = self.stack[-1] if self.stack else None
        (parent.children if parent else self.roots).append(item)
        if style not in ("paragraph", "formula"):
            self.stack.append(item)


def _authority_line(text: str) -> bool:
    from extractors.vocab import vocab_list

    return is_upper(text) and starts_with(text, vocab_list("structure.yaml", "authority_starts"))


def _preamble_line(text: str) -> bool:
    from extractors.vocab import fuzzy_opening, vocab_list

    return fuzzy_opening(text, vocab_list("sections.yaml", "preamble_starts")) is not None


def _pronouncement(text: str) -> bool:
    """ "QUYẾT ĐỊNH:", "QUYẾT NGHỊ:", "CHỈ THỊ:" between the preamble and the articles."""
    from pipeline.structure.frame import type_of

    return (
        text.rstrip().endswith(":")
        and bool(type_of(text.rstrip(" :")))
        or (text.strip(" :") in ("QUYẾT NGHỊ", "QUYẾT ĐỊNH", "NGHỊ QUYẾT", "CHỈ THỊ"))
    )


def _roman(value: int) -> str:
    from pipeline.structure.numbering import to_roman

    return to_roman(value)


def _strict_romans(lines: list[TextLine]) -> set[int]:
    """Values of the Roman section numerals printed cleanly ("II. NHIỆM VỤ") in a body."""
    found: set[int] = set()
    for line in lines:
        for marker in read_markers(line.text):
            if marker.style == "roman" and not marker.loose and is_upper(marker.text):
                found.add(marker.value)
    return found


def items_of(lines: list[TextLine], authority: bool = True) -> list[Item]:
    """The item tree of a body's lines."""
    return Reader(lines, authority).read()


def walk(items: list[Item]):  # type: ignore[no-untyped-def]
    """Every item with its ancestors, depth first."""
    stack: list[tuple[Item, tuple[Item, ...]]] = [(item, ()) for item in reversed(items)]
    while stack:
        item, ancestors = stack.pop()
        yield item, ancestors
        stack.extend((child, (*ancestors, item)) for child in reversed(item.children))


__all__ = ["Item", "Reader", "items_of", "walk"]
