"""Deadlines over corpus decrees and circulars: none cut out of document numbers, effective dates
as document fields.

Run from the repository root:
    .venv/bin/python bench/deadlines/run.py [--limit 300] [--vs ../main]

Takes the first ``--limit`` documents of ``../shared/corpus/legal_vi.jsonl.gz`` whose opening
names a Nghị định or Thông tư (by id order, held-out ones apart: ``bench/heldout.py``), reads each
as plain text (layout, then extraction) and prints, per checkout:

- deadlines found, and per document;
- deadlines cut out of a document number: every occurrence of the deadline's date in the text
  continues a number or a symbol ("tư 86/20" of "Thông tư 86/2013/TT-BTC");
- deadlines whose clause says "hiệu lực" (an effective or expiry date taken for a deadline);
- documents stating "có hiệu lực … từ ngày <date>" and those whose ``doc.effective_date`` is set;
- CPU seconds of the extraction.

``--vs PATH`` runs the same documents through another checkout (e.g. ../main before this work)
in a child process, so both rows are printed side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
KINDS = re.compile(r"NGHỊ ĐỊNH|THÔNG TƯ")
EFFECTIVE = re.compile(r"có hiệu lực[^.;]{0,40}?từ ngày\s+\d", re.IGNORECASE)


def documents(limit: int) -> tuple[list[dict], list[dict]]:
    """(tuned-on, held-out) decrees and circulars, by id, the first ``limit`` of each kind."""
    sys.path.append(str(REPO))  # after PYTHONPATH, so --vs measures that checkout
    from bench.common import corpus_records
    from bench.heldout import is_heldout_corpus

    tuned: list[dict] = []
    held: list[dict] = []
    for row in sorted(corpus_records(SHARED), key=lambda r: r["id"]):
        if not KINDS.search(row["text"][:600].upper()):
            continue
        (held if is_heldout_corpus(row["id"]) else tuned).append(row)
    return tuned[:limit], held


def cut_from_number(text: str, deadline_text: str) -> bool:
    """Whether every place the deadline stands in the text continues a number or a symbol.

    "tư 86/20" of "Thông tư 86/2013/TT-BTC": the match is followed by a digit, by "/" and a
    digit or capital, or preceded by a digit or "/".
    """
    spots = list(re.finditer(re.escape(deadline_text), text))
    return bool(spots) and all(
        re.match(r"\d|\s*/\s*[\dA-ZĐ]|-[A-ZĐ]", text[m.end() : m.end() + 3])
        or re.search(r"[\d/]$", text[max(0, m.start() - 1) : m.start()])
        for m in spots
    )


def effective_taken(text: str, deadline) -> bool:  # type: ignore[no-untyped-def]
    """Whether the deadline is a document's effective or expiry date ("hiệu lực … từ ngày …"),
    read on the deadline's own lines."""
    prov = deadline.provenance
    lines = text.splitlines()
    if prov is not None:
        text = "\n".join(lines[prov.line_start - 1 : prov.line_end])
    return any(
        re.search(r"hiệu lực[^.;]{0,30}$", text[max(0, m.start() - 40) : m.start()])
        for m in re.finditer(re.escape(deadline.text), text)
    )


def measure(rows: list[dict]) -> dict[str, float]:
    from extractors import extract_plan
    from pipeline.layout import build_tree, document_from_text, source_for_text

    totals = dict.fromkeys(
        (
            "documents",
            "deadlines",
            "cut",
            "effective_as_deadline",
            "states_effective",
            "effective_field",
            "errors",
            "cpu_s",
        ),
        0.0,
    )
    for row in rows:
        text = row["text"]
        start = time.process_time()
        try:
            document = document_from_text(text, source_for_text(text, Path(f"{row['id']}.txt")))
            plan = extract_plan(build_tree(document), document.source)
        except Exception:  # noqa: BLE001 - one failing document is counted, not fatal
            totals["errors"] += 1
            continue
        totals["cpu_s"] += time.process_time() - start
        totals["documents"] += 1
        totals["deadlines"] += len(plan.deadlines)
        for deadline in plan.deadlines:
            totals["cut"] += cut_from_number(text, deadline.text)
            totals["effective_as_deadline"] += effective_taken(text, deadline)
        if EFFECTIVE.search(text):
            totals["states_effective"] += 1
            totals["effective_field"] += bool(getattr(plan.doc, "effective_date", None))
    return totals


def child(limit: int, heldout: bool) -> None:
    tuned, held = documents(limit)
    print(json.dumps(measure(held if heldout else tuned)))


def run_in(checkout: Path, limit: int, heldout: bool) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    args = [sys.executable, str(Path(__file__).resolve()), "--child", "--limit", str(limit)]
    if heldout:
        args.append("--heldout")
    out = subprocess.run(args, env=env, cwd=checkout, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--vs", type=Path, action="append", default=[])
    parser.add_argument("--no-self", action="store_true", help="measure only the --vs checkouts")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--heldout", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.limit, args.heldout)
        return
    checkouts = [*([] if args.no_self else [REPO]), *[path.resolve() for path in args.vs]]
    header = (
        f"{'checkout':<22} {'docs':>5} {'deadl':>6} {'/doc':>5} {'cut#':>5} {'eff.dl':>6}"
        f" {'states eff':>10} {'eff.field':>9} {'err':>4} {'cpu s':>7}"
    )
    for heldout in (False, True):
        print(
            "held-out decrees and circulars"
            if heldout
            else f"decrees and circulars (first {args.limit}, held-out apart)"
        )
        print(header)
        for checkout in checkouts:
            t = run_in(checkout, args.limit, heldout)
            docs = max(t["documents"], 1)
            print(
                f"{checkout.name:<22} {t['documents']:>5.0f} {t['deadlines']:>6.0f}"
                f" {t['deadlines'] / docs:>5.2f} {t['cut']:>5.0f}"
                f" {t['effective_as_deadline']:>6.0f}"
                f" {t['states_effective']:>10.0f} {t['effective_field']:>9.0f} {t['errors']:>4.0f}"
                f" {t['cpu_s']:>7.1f}"
            )
        print()


if __name__ == "__main__":
    main()
