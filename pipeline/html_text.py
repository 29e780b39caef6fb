"""Text of a saved web page: a legal portal's document page (thuvienphapluat.vn, vbpl.vn style).

The page is parsed with the standard library's ``html.parser`` into a small element tree (saved
pages are rarely well formed: unclosed ``<p>``, ``<td>`` and ``<li>`` are closed the way browsers
close them), then written out as lines: a line break at every block element and ``<br>``, tables
row by row in the pipe convention (``pipeline.table_text``). What is not the document is left
out: scripts, styles, forms, navigation menus, page headers and footers, hidden elements. The
portal's attribute block ("Số hiệu:", "Loại văn bản:", … a table of label/value pairs) is the
page's, not the document's: its "label: value" lines come after the document's text, where
the header's portal reader (``extractors.portal``) finds them and the document's own header
still opens the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from pipeline.table_text import attribute_lines, table_lines
from schemas.common import nfc

SKIPPED = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "head", "nav", "header", "footer",
        "aside", "form", "select", "button", "iframe", "object", "canvas", "map", "dialog",
    }
)  # fmt: skip
"""Elements whose content is never the document's text."""

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip
BLOCK = frozenset(
    {
        "address", "article", "blockquote", "body", "center", "dd", "div", "dl", "dt",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol",
        "p", "pre", "section", "table", "tr", "ul", "caption", "title",
    }
)  # fmt: skip
"""Elements that start and end a line."""

# A tag closes the open element named on the right, up to (not past) the elements after it.
IMPLIED_END: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "p": (frozenset({"p"}), frozenset({"div", "td", "th", "li", "table", "body", "blockquote"})),
    "li": (frozenset({"li"}), frozenset({"ul", "ol", "table"})),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl", "table"})),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl", "table"})),
    "td": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "th": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "tr": (frozenset({"tr", "td", "th"}), frozenset({"table"})),
    "tbody": (frozenset({"thead", "tbody", "tfoot", "tr", "td", "th"}), frozenset({"table"})),
    "thead": (frozenset({"thead", "tbody", "tfoot", "tr", "td", "th"}), frozenset({"table"})),
    "tfoot": (frozenset({"thead", "tbody", "tfoot", "tr", "td", "th"}), frozenset({"table"})),
}
for _block in ("div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"):
    IMPLIED_END.setdefault(_block, (frozenset({"p"}), IMPLIED_END["p"][1]))

NAVIGATION_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar"})
# class or id words of site furniture; matched against the words of the name ("main-menu")
NAVIGATION_WORDS = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|mainmenu|submenu|breadcrumbs?|footer|sidebar|banner|"
    r"social|share|login|search|advert|ads|quangcao|cookie|popup|popover|tooltip|dropdown|modal|"
    r"toc|tree)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


@dataclass
class Element:
    """An element of the page: its tag, its children (elements and text), whether it is left out."""

    tag: str
    skipped: bool = False
    children: list[Element | str] = field(default_factory=list)


def _is_furniture(tag: str, attributes: dict[str, str]) -> bool:
    """An element that is site furniture, not the document: by tag, role, class or id, style."""
    if tag in SKIPPED or "hidden" in attributes:
        return True
    if attributes.get("role", "").lower() in NAVIGATION_ROLES:
        return True
    names = f"{attributes.get('class', '')} {attributes.get('id', '')}"
    if NAVIGATION_WORDS.search(names):
        return True
    return bool(HIDDEN_STYLE.search(attributes.get("style", "")))


class _TreeBuilder(HTMLParser):
    """Builds the element tree, closing elements left open the way browsers do."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root")
        self.stack = [self.root]

    def _close_implied(self, tag: str) -> None:
        rule = IMPLIED_END.get(tag)
        if rule is None:
            return
        closes, fences = rule
        for depth in range(len(self.stack) - 1, 0, -1):
            open_tag = self.stack[depth].tag
            if open_tag in fences:
                return
            if open_tag in closes:
                del self.stack[depth:]
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_implied(tag)
        attributes = {name: value or "" for name, value in attrs}
        skipped = self.stack[-1].skipped or _is_furniture(tag, attributes)
        element = Element(tag, skipped)
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
            if self.stack[depth].tag == "table" and tag != "table":
                return  # a stray end tag inside a table does not close what holds the table

    def handle_data(self, data: str) -> None:
        if not self.stack[-1].skipped:
            self.stack[-1].children.append(data)


class _Writer:
    """Collects text into lines: white space collapsed to single spaces, a break where a block
    ends; text split across inline elements ("<b>Đi</b><b>ều 5</b>") is joined as written."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.attributes: list[str] = []  # the page's attribute blocks, written last

    def text(self, data: str) -> None:
        self.parts.append(data)

    def brk(self) -> None:
        line = " ".join("".join(self.parts).split())
        if line:
            self.lines.append(line)
        self.parts = []

    def write(self, element: Element) -> None:
        """The element's text in document order; a loop, not recursion: pages nest deeply."""
        pending: list[Element | str | None] = [element]  # None: the end of a block
        while pending:
            item = pending.pop()
            if item is None or (isinstance(item, Element) and item.tag == "br"):
                self.brk()
            elif isinstance(item, str):
                self.text(item)
            elif item.skipped:
                continue
            elif item.tag == "table":
                self.table(item)
            else:
                if item.tag in BLOCK:
                    self.brk()
                    pending.append(None)
                pending.extend(reversed(item.children))

    def table(self, table: Element) -> None:
        self.brk()
        rows = _rows(table)
        attributes = attribute_lines(rows)
        if attributes is not None:
            self.attributes.extend(attributes)
        else:
            self.lines.extend(table_lines(rows))


def _rows(table: Element) -> list[list[list[str]]]:
    """A table's rows (inside thead, tbody, tfoot or not), each a list of cells' lines."""
    rows: list[list[list[str]]] = []
    for child in table.children:
        if isinstance(child, str) or child.skipped:
            continue
        if child.tag == "tr":
            cells = [cell for cell in child.children if _is_cell(cell)]
            if any(_holds_table(cell) for cell in cells):  # a page's layout: cell by cell
                rows.extend([[_cell_lines(cell)] for cell in cells])
            else:
                rows.append([_cell_lines(cell) for cell in cells])
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(_rows(child))
        elif child.tag == "caption":
            rows.append([_cell_lines(child)])
    return rows


def _holds_table(element: Element | str) -> bool:
    """Whether a table stands anywhere inside ``element``."""
    pending = [element]
    while pending:
        item = pending.pop()
        if isinstance(item, Element):
            if item is not element and item.tag == "table":
                return True
            pending.extend(item.children)
    return False


def _is_cell(child: Element | str) -> bool:
    return isinstance(child, Element) and child.tag in ("td", "th") and not child.skipped


def _cell_lines(cell: Element | str) -> list[str]:
    writer = _Writer()
    assert isinstance(cell, Element)
    for child in cell.children:
        if isinstance(child, str):
            writer.text(child)
        else:
            writer.write(child)
    writer.brk()
    return writer.lines


def declared_charset(data: bytes) -> str | None:
    """The encoding a page declares in its first kilobytes (``<meta charset=…>``), if any."""
    found = CHARSET.search(data[:4096])
    return found.group(1).decode("ascii", "replace").lower() if found else None


def document_start(lines: list[str], within: int = 60) -> int:
    """Index of the first row of the table that holds the national motto ("CỘNG HÒA XÃ HỘI CHỦ
    NGHĨA VIỆT NAM"): where the document begins on a portal page. What a page shows above it
    (its own title, the document's status, zoom and display switches) is the site's. 0 when the
    motto is not in a table near the top."""
    from pipeline.layout import MOTTO  # the structure stage's; loaded only for web pages

    for index, line in enumerate(lines[:within]):
        if line.startswith("|") and MOTTO.search(line):
            while index > 0 and lines[index - 1].startswith("|"):
                index -= 1
            return index
    return 0


def html_lines(markup: str) -> list[str]:
    """The page's text as lines, NFC, site furniture left out; what the page shows above the
    document and its attribute block come after the document's text (``extractors.portal``
    reads the page's status and dates there)."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    writer = _Writer()
    writer.write(builder.root)
    writer.brk()
    lines = [nfc(line) for line in writer.lines]
    start = document_start(lines)
    return [*lines[start:], *lines[:start], *(nfc(line) for line in writer.attributes)]
