"""Word files and web pages against plain text: the same corpus decrees written as .txt, .docx and
.html must give the same header and the same tree; reading each kind costs what.

    .venv/bin/python bench/inputs/run.py --shared ../shared [--docs 50]

The decrees are the first ``--docs`` Nghị định of ``legal_vi.jsonl.gz`` (a "NGHỊ ĐỊNH" type line,
three Điều or more, under 60,000 characters; held-out documents left out). Each is written as a
text file, as a Word file (a paragraph a line; the corpus's pipe-table lines as Word tables) and
as a web page (a ``<p>`` a line, pipe-table lines as ``<table>`` rows, a menu and a footer around
it). Printed per kind: CPU milliseconds a document to read the file and for the whole chain,
documents whose header (type, number, date) was read, nodes by kind; then for .docx and .html
the documents whose tree (kind and path of every node) is the .txt's. CPU seconds of this process.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.common import corpus_records  # noqa: E402
from bench.heldout import is_heldout_corpus  # noqa: E402
from pipeline.process import process_file, read_text  # noqa: E402
from schemas import PipelineSettings  # noqa: E402

TYPE_LINE = re.compile(r"^\s*NGHỊ ĐỊNH\s*$", re.MULTILINE)
ARTICLE = re.compile(r"^Điều \d+", re.MULTILINE)


def decrees(shared: Path, count: int) -> list[tuple[str, str]]:
    found = []
    for record in corpus_records(shared):
        text = record["text"]
        if is_heldout_corpus(record["id"]) or len(text) > 60_000:
            continue
        if TYPE_LINE.search(text[:1500]) and len(ARTICLE.findall(text)) >= 3:
            found.append((record["id"], text))
            if len(found) == count:
                break
    return found


def _blocks(lines: list[str]) -> list[tuple[str, object]]:
    """Lines, with runs of pipe-table lines ("|a |b |") gathered into tables of cells."""
    blocks: list[tuple[str, object]] = []
    table: list[list[str]] = []
    for line in lines:
        if line.strip().startswith("|") and line.count("|") >= 2:
            table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        if table:
            blocks.append(("table", table))
            table = []
        blocks.append(("line", line))
    if table:
        blocks.append(("table", table))
    return blocks


def write_docx(blocks: list[tuple[str, object]], path: Path) -> None:
    import docx

    document = docx.Document()
    for kind, value in blocks:
        if kind == "line":
            document.add_paragraph(str(value))
            continue
        rows = value  # type: ignore[assignment]
        width = max(len(row) for row in rows)  # type: ignore[union-attr]
        table = document.add_table(rows=len(rows), cols=width)  # type: ignore[arg-type]
        for i, row in enumerate(rows):  # type: ignore[arg-type]
            for j, cell in enumerate(row):
                table.cell(i, j).text = cell
    document.save(str(path))


def write_html(blocks: list[tuple[str, object]], path: Path) -> None:
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>']
    parts.append('<nav class="main-menu"><a href="/">Trang chủ</a></nav><div class="noidung">')
    for kind, value in blocks:
        if kind == "line":
            parts.append(f"<p>{html.escape(str(value))}</p>")
            continue
        parts.append("<table>")
        for row in value:  # type: ignore[attr-defined]
            cells = "".join(f"<td>{html.escape(cell)}</td>" for cell in row)
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</table>")
    parts.append("</div><footer>Liên hệ</footer></body></html>")
    path.write_text("\n".join(parts), "utf-8")


def measure(paths: list[Path]) -> tuple[float, float, list]:  # type: ignore[type-arg]
    settings = PipelineSettings()
    start = time.process_time()
    for path in paths:
        read_text(path, settings)
    read = time.process_time() - start
    start = time.process_time()
    documents = [process_file(path, settings) for path in paths]
    return read, time.process_time() - start, documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--docs", type=int, default=50)
    args = parser.parse_args()
    found = decrees(args.shared, args.docs)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files: dict[str, list[Path]] = {"txt": [], "docx": [], "html": []}
        for doc_id, text in found:
            blocks = _blocks(text.splitlines())
            (root / f"{doc_id}.txt").write_text(text, "utf-8")
            write_docx(blocks, root / f"{doc_id}.docx")
            write_html(blocks, root / f"{doc_id}.html")
            for kind in files:
                files[kind].append(root / f"{doc_id}.{kind}")
        process_file(files["txt"][0], PipelineSettings())  # models loaded outside the timings
        trees = {}
        print(f"{len(found)} corpus decrees, each as .txt, .docx and .html")
        print("kind  read ms/doc  chain ms/doc  header  nodes by kind")
        for kind, paths in files.items():
            read, chain, documents = measure(paths)
            trees[kind] = [[(str(n.kind), n.path) for n in d.plan.nodes] for d in documents]
            header = sum(
                1
                for d in documents
                if d.plan.doc.number and d.plan.doc.issue_date and d.plan.doc.doc_type
            )
            kinds = Counter(str(n.kind) for d in documents for n in d.plan.nodes)
            n = len(paths)
            print(
                f"{kind:5} {read / n * 1000:11.1f} {chain / n * 1000:13.0f}  {header:3}/{n}  "
                f"{dict(kinds.most_common())}"
            )
        for kind in ("docx", "html"):
            same = sum(1 for a, b in zip(trees["txt"], trees[kind], strict=True) if a == b)
            print(f"{kind}: tree identical to the .txt's in {same}/{len(found)} documents")


if __name__ == "__main__":
    main()
