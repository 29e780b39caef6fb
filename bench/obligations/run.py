"""Obligations of decrees and circulars: do the duties articles reach their holders?

    .venv/bin/python bench/obligations/run.py --shared ../shared [--sample-docs 300] [--sample 50]

1. Every decree ("NGHỊ ĐỊNH") and circular ("THÔNG TƯ", "THÔNG TƯ LIÊN TỊCH") of
   ``legal_vi.jsonl.gz`` with an article "Điều N. Trách nhiệm của X": the share of those articles
   whose X receives obligations made of the article's own khoản (an obligation's agency found in
   X, its task among the article's lines). The articles are found here from the raw text, apart
   from the extractor, so the figure does not grade the extractor with its own rule.
2. A seeded sample of ``--sample`` obligations over ``--sample-docs`` decrees and circulars
   (any article, any rule), printed whole for judging by reading, each under the article it came
   from.
3. The same share, and a sample of the same seed, on the held-out documents (``bench/heldout.py``),
   printed last and apart.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from rapidfuzz import fuzz  # noqa: E402

from bench.heldout import is_heldout_corpus  # noqa: E402
from diacritics.text import corpus_documents  # noqa: E402
from extractors.vocab import expand_abbreviations, fold  # noqa: E402

GENRE = re.compile(r"^\s*(NGHỊ ĐỊNH|THÔNG TƯ(?: LIÊN TỊCH)?)\s*$", re.MULTILINE)
ARTICLE = re.compile(r"^Điều\s+\d+[a-zđ]?\s*[.:]\s*(?P<title>.*)$", re.IGNORECASE)
DUTIES = re.compile(r"^Trách\s+nhiệm\s+của\s+(?P<who>.+)$", re.IGNORECASE)
END = re.compile(r"^(?:Điều\s+\d+|Chương\s+[IVXLC\d]+|Mục\s+\d+|Phần\s+)", re.IGNORECASE)
SEED = 20261203


@dataclass
class ArticleCheck:
    """One "Trách nhiệm của X" article and whether X got obligations from it."""

    doc_id: str
    title: str
    holder: str
    lines: list[str]
    reached: bool = False  # X itself, or a holder its own khoản name, got the article's duties
    reached_x: bool = False  # X as the title words it, strictly


def duties_articles(doc_id: str, text: str) -> list[ArticleCheck]:
    """The "Trách nhiệm của X" articles of a raw text with the lines each holds."""
    out: list[ArticleCheck] = []
    current: ArticleCheck | None = None
    for line in (line.strip() for line in text.splitlines()):
        if END.match(line):
            current = None
            found = ARTICLE.match(line)
            duties = DUTIES.match(found.group("title").strip()) if found else None
            if duties:
                current = ArticleCheck(doc_id, line, duties.group("who"), [])
                out.append(current)
        elif current is not None and line:
            current.lines.append(line)
    return [article for article in out if article.lines]


def _holder_named(agency: str, holder: str) -> bool:
    """Whether an obligation's agency is (part of) the article's X, abbreviations expanded."""
    a, x = fold(expand_abbreviations(agency)), fold(expand_abbreviations(holder))
    return a in x or fuzz.partial_ratio(a, x) >= 90


SUB_HOLDER = re.compile(
    r"^(?:\d+\.|[a-zđ]\))\s*(?:Trách\s+nhiệm\s+của\s+(?P<a>[^:]+):"
    r"|(?P<b>[^:]{3,150}?)\s+(?:(?:có|chịu)\s+(?:nhiệm\s+vụ,\s*)?trách\s+nhiệm|chủ\s+trì)\b"
    r"|(?P<c>[A-ZĐ][^:]{2,100}):"
    r"|(?P<d>[A-ZĐ][^.;:]{2,100})$)",  # "1. Vụ Chính sách tiền tệ" over its điểm
    re.IGNORECASE,
)


def sub_holders(lines: list[str]) -> list[str]:
    """Holders an article's own khoản name ("1. Trách nhiệm của Cục Quản lý Ngoại hối:")."""
    out = []
    for line in lines:
        found = SUB_HOLDER.match(line)
        if found:
            out.append(next(name for name in found.groups() if name))
    return out


def _task_in(task: str, lines: list[str]) -> bool:
    key = fold(task)
    return any(fold(line)[:60] in key or key[:60] in fold(line) for line in lines)


def obligations(doc_id: str, text: str) -> list:  # type: ignore[type-arg]
    """The pipeline's obligations of one corpus text (layout, extraction, derivation)."""
    from extractors import extract_plan
    from extractors.obligations import obligations_of
    from pipeline.layout import build_tree, document_from_text, source_for_text

    path = Path(f"{doc_id}.txt")
    document = document_from_text(text, source_for_text(text, path))
    return obligations_of(extract_plan(build_tree(document), document.source))


def check(docs: list[tuple[str, str]]) -> tuple[list[ArticleCheck], dict[str, list], float]:  # type: ignore[type-arg]
    """Every duties article of ``docs`` checked; the obligations of each document; CPU seconds."""
    articles: list[ArticleCheck] = []
    found: dict[str, list] = {}  # type: ignore[type-arg]
    start = time.process_time()
    for doc_id, text in docs:
        try:
            found[doc_id] = obligations(doc_id, text)
        except Exception as error:  # noqa: BLE001 - one failing text is reported, not fatal
            print(f"  {doc_id}: {type(error).__name__}: {error}")
            found[doc_id] = []
        for article in duties_articles(doc_id, text):
            holders = [article.holder, *sub_holders(article.lines)]
            mine = [o for o in found[doc_id] if _task_in(o.task, article.lines)]
            article.reached_x = any(_holder_named(o.agency, article.holder) for o in mine)
            article.reached = any(_holder_named(o.agency, h) for o in mine for h in holders)
            articles.append(article)
    return articles, found, time.process_time() - start


def article_of(text: str, line: int | None) -> str:
    """The article ("Điều 5. Trách nhiệm của …") a text's line falls under, for the reader."""
    if line is None:
        return ""
    lines = text.splitlines()[:line]
    return next((ln.strip() for ln in reversed(lines) if ARTICLE.match(ln.strip())), "")


Found = dict[str, list]  # type: ignore[type-arg]  # obligations by document


def print_sample(
    docs: list[tuple[str, str]], found: Found, size: int, seed: int, sample_docs: int
) -> None:
    """A seeded sample of obligations, each with its holder, role, task and article."""
    texts = dict(docs)
    rng = random.Random(seed)
    chosen = rng.sample(sorted(found), min(sample_docs, len(found)))
    pool = [(doc_id, o) for doc_id in chosen for o in found[doc_id]]
    print(f"sample (seed {seed}): {size} of {len(pool)} obligations over {len(chosen)} documents")
    for index, (doc_id, o) in enumerate(rng.sample(pool, min(size, len(pool))), 1):
        print(f"{index:3d}. [{doc_id}] {o.agency} | {o.role} | {' '.join(o.task.split())[:260]}")
        line = o.provenance.line_start if o.provenance else None
        print(f"       under: {article_of(texts[doc_id], line)[:140]}")


def print_share(label: str, articles: list[ArticleCheck], docs: int, cpu: float) -> None:
    reached = sum(a.reached for a in articles)
    strict = sum(a.reached_x for a in articles)
    total = len(articles) or 1
    with_articles = len({a.doc_id for a in articles})
    print(
        f"{label}: {reached}/{len(articles)} 'Trách nhiệm của X' articles give X (or the holders"
        f" its khoản name) obligations ({reached / total:.1%}); X as titled: {strict}"
        f" ({strict / total:.1%}); in {with_articles} of {docs} decrees/circulars; {cpu:.1f} CPU s"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--sample-docs", type=int, default=300)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--misses", type=int, default=10, help="missed articles to print")
    parser.add_argument("--seed", type=int, default=SEED, help="another seed: a fresh sample")
    args = parser.parse_args(argv)

    def legal(heldout: bool) -> list[tuple[str, str]]:
        return [
            (doc_id, text)
            for doc_id, text in corpus_documents(args.shared, heldout=heldout)
            if GENRE.search(text[:4000]) and is_heldout_corpus(doc_id) == heldout
        ]

    tuning = legal(False)
    articles, found, cpu = check(tuning)
    print_share("tuning corpus", articles, len(tuning), cpu)
    for article in [a for a in articles if not a.reached][: args.misses]:
        print(f"  missed {article.doc_id}: {article.title[:110]}")

    print()
    print_sample(tuning, found, args.sample, args.seed, args.sample_docs)

    heldout = legal(True)
    held_articles, held_found, held_cpu = check(heldout)
    print()
    print_share("HELD-OUT corpus", held_articles, len(heldout), held_cpu)
    for article in [a for a in held_articles if not a.reached][: args.misses]:
        print(f"  missed {article.doc_id}: {article.title[:110]}")
    print("HELD-OUT ", end="")
    print_sample(heldout, held_found, args.sample, args.seed, args.sample_docs)


if __name__ == "__main__":
    main()
