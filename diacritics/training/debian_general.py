"""Counts of general Vietnamese from Debian packages' Vietnamese text (``train --general``).

Rebuild (needs apt-get and dpkg-deb; nothing is downloaded at run time)::

    python -m diacritics.training.debian_general --work /tmp/vi-debs --out FILE.tsv.gz

downloads ``PACKAGES`` with ``apt-get download`` into ``--work``, unpacks them with ``dpkg-deb -x``
and counts the syllables and syllable pairs of every line with a Vietnamese mark: LibreOffice's
help pages and interface, Firefox's and Thunderbird's language packs, the Debian New Maintainers'
Guide. Left out: manpages-vi (its pages are coreutils' help text, which the benchmark's Debian
messages row tests on) and every package that row reads (``bench/restore/outside.py``).
The output is the format ``general.load_general`` reads: "word<TAB>count" and
"word<TAB>word<TAB>count" lines, pairs seen fewer than ``MIN_PAIR`` times left out.
"""

from __future__ import annotations

import argparse
import gettext
import gzip
import html
import io
import re
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from diacritics.text import training_tokens

PACKAGES = (
    "libreoffice-help-vi",  # MPL-2.0
    "libreoffice-l10n-vi",  # MPL-2.0
    "firefox-esr-l10n-vi",  # MPL-2.0
    "thunderbird-l10n-vi",  # MPL-2.0
    "maint-guide-vi",  # GPL-2.0+
)
"""Debian packages whose Vietnamese text is counted (licences in data/models/README.md)."""
MIN_PAIR = 2
"""Pairs seen once are mostly one help page's own phrasing: left out to keep the file small."""
_MARKED = re.compile(r"[ăâêôơưđàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)
_FTL_VALUE = re.compile(r"^\s*(?:[\w.-]+\s*=|\.[\w-]+\s*=|[*]?\[[\w-]+\])?\s*(.*)$")
_PROPERTIES_VALUE = re.compile(r"^[^#!=:\s][^=:]*[=:]\s*(.*)$")
_DTD_VALUE = re.compile(r"<!ENTITY\s+\S+\s+\"([^\"]*)\"")
_XML_TEXT = re.compile(r">([^<>]+)<")
_SKIPPED_TAGS = frozenset({"script", "style"})


class _HtmlText(HTMLParser):
    """The text of an HTML page, a line per block (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skipping += tag in _SKIPPED_TAGS
        self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in _SKIPPED_TAGS and self.skipping > 0
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_lines(text: str) -> list[str]:
    parser = _HtmlText()
    parser.feed(text)
    return "".join(parser.parts).splitlines()


def mo_lines(path: Path) -> list[str]:
    with path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return [str(v) for k, v in catalog.items() if k]  # the empty key is the header


def langpack_lines(path: Path) -> Iterator[str]:
    """Values of a Mozilla language pack's Fluent, properties and DTD files."""
    with zipfile.ZipFile(path) as pack:
        for name in sorted(pack.namelist()):
            text = pack.read(name).decode("utf-8", "replace")
            if name.endswith(".ftl"):
                values = (line for line in text.splitlines() if not line.startswith("#"))
                yield from (m[1] for m in map(_FTL_VALUE.match, values) if m)
            elif name.endswith(".properties"):
                yield from (m[1] for m in map(_PROPERTIES_VALUE.match, text.splitlines()) if m)
            elif name.endswith(".dtd"):
                yield from _DTD_VALUE.findall(text)


def file_lines(path: Path) -> Iterable[str]:
    """Lines of text of one unpacked file (empty for files that hold none)."""
    name = path.name
    if name.endswith((".html", ".xhp")):
        return html_lines(path.read_text(encoding="utf-8", errors="replace"))
    if name.endswith(".mo"):
        return mo_lines(path)
    if name.endswith(".xpi"):
        return langpack_lines(path)
    if name.endswith(".xcd"):
        text = path.read_text(encoding="utf-8", errors="replace")
        return [html.unescape(m) for m in _XML_TEXT.findall(text)]
    return []


def package_lines(root: Path) -> Iterator[str]:
    """Distinct lines with a Vietnamese mark of the files under an unpacked package."""
    seen: set[str] = set()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        for line in file_lines(path):
            line = line.strip()
            if line and line not in seen and _MARKED.search(line):
                seen.add(line)
                yield line


def count(lines: Iterable[str]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Syllable and syllable-pair counts of the lines, as the legal model tokenises."""
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for line in lines:
        tokens = training_tokens(line)
        unigrams.update(tokens)
        bigrams.update(zip(tokens, tokens[1:], strict=False))
    return unigrams, bigrams


def unpack(work: Path, packages: Iterable[str] = PACKAGES) -> list[Path]:
    """Download and unpack the packages under ``work``; the unpacked folders."""
    work.mkdir(parents=True, exist_ok=True)
    roots = []
    for package in packages:
        root = work / package
        if not root.exists():
            subprocess.run(["apt-get", "download", package], cwd=work, check=True)
            (deb,) = sorted(work.glob(f"{package}_*.deb"))
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        roots.append(root)
    return roots


def write_counts(
    path: Path,
    unigrams: Counter[str],
    bigrams: Counter[tuple[str, str]],
    min_pair: int = MIN_PAIR,
) -> None:
    """The counts file, the same bytes for the same counts (no time stamp in the gzip header);
    pairs seen fewer than ``min_pair`` times left out."""
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=9, mtime=0) as packed,
        io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as out,
    ):
        for word, n in sorted(unigrams.items()):
            out.write(f"{word}\t{n}\n")
        for (a, b), n in sorted(bigrams.items()):
            if n >= min_pair:
                out.write(f"{a}\t{b}\t{n}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="where packages are unpacked")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for root in unpack(args.work):
        uni, bi = count(package_lines(root))
        print(f"{root.name}: {sum(uni.values()):,} tokens", file=sys.stderr)
        unigrams.update(uni)
        bigrams.update(bi)
    write_counts(args.out, unigrams, bigrams)
    total = sum(unigrams.values())
    print(f"{len(unigrams):,} words, {total:,} tokens -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
