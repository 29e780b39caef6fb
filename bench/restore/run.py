"""Restoration benchmark: ours and pyvi's ``add_accents`` side by side, every figure in one run.

    .venv/bin/python bench/restore/run.py --shared ../shared [--docs 40] [--ocr-docs 8]
        [--underthesea PATH/TO/python]

Rows: the seeds against their hand-restored gold; held-out corpus documents with diacritics
stripped; held-out documents rendered by
``pipeline.evaluation.synthetic`` (body text, light scan) and read
by Tesseract ``eng`` (cached under bench/.cache); correct Vietnamese in (share of syllables left
unchanged); speed in syllables per CPU second of this process (one core: the machine is shared,
so wall time would measure the neighbours), on the stripped row (the candidate lists are built as
the documents come: a first pass) and on the OCR row (garble: many more candidates per word),
each again with fresh restorers (empty caches: distinct documents), and on the seeds;
load time, peak memory; then text from outside the legal corpus (``outside.py``). underthesea's
restorer is not in its PyPI release (9.5.0 has no diacritics module); its repository version
runs offline, in its own environment: ``--underthesea PATH/TO/python`` adds it as a column
(``underthesea_worker.py``; its CPU seconds are its own process's).
Held-out means
``diacritics.text.is_heldout``: documents the model never trained on. References are put in the
modern tone placement the model writes ("hòa", "thủy"), the same for both systems.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # outside.py beside this file

from diacritics.orthography import normalize_tones, strip_marks  # noqa: E402
from diacritics.text import corpus_documents  # noqa: E402
from pipeline.evaluation.metrics import sequence_distance, tokens  # noqa: E402

Restorer = Callable[[str], str]


def corpus_accuracy(pairs: list[tuple[str, str]]) -> float:
    """Syllable accuracy pooled over documents: 1 − Σ distance / Σ gold tokens."""
    dist = sum(sequence_distance(tokens(g), tokens(p)) for g, p in pairs)
    total = sum(len(tokens(g)) for g, _ in pairs)
    return 1.0 - dist / max(total, 1)


def heldout_docs(shared: Path, n: int, max_chars: int) -> list[str]:
    """The first ``n`` held-out corpus documents, cut at a line break near ``max_chars``."""
    docs = []
    for _, text in corpus_documents(shared, heldout=True):
        cut = text[:max_chars]
        docs.append(cut[: cut.rfind("\n")] if "\n" in cut else cut)
        if len(docs) == n:
            break
    return docs


def ours() -> tuple[Restorer, float]:
    """Our restorer and its load time in CPU seconds."""
    start = time.process_time()
    from diacritics.restorer import default_restorer

    restorer = default_restorer()
    return (lambda text: restorer.restore(text).text), time.process_time() - start


def pyvi() -> tuple[Restorer, float]:
    """pyvi's add_accents, line by line, and its load time in CPU seconds."""
    start = time.process_time()
    from pyvi import ViUtils

    def line(text: str) -> str:
        try:
            return ViUtils.add_accents(text)
        except KeyError:  # pyvi fails on characters outside its table ("ÉF"); keep the line
            return text

    def run(text: str) -> str:
        return "\n".join(line(t) if t.strip() else t for t in text.split("\n"))

    return run, time.process_time() - start


PEER_CPU = [0.0]
"""CPU seconds spent by peers running in their own process (underthesea), added to ours."""


def underthesea(python: str) -> tuple[Restorer, float] | None:
    """underthesea's repository restorer, run by ``python`` (an environment where it is
    installed) through ``underthesea_worker.py``, and its load time in CPU seconds; None (the
    column skipped) where that environment cannot run it."""
    worker = subprocess.Popen(
        [python, str(Path(__file__).resolve().parent / "underthesea_worker.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert worker.stdin is not None and worker.stdout is not None
    stdin, stdout = worker.stdin, worker.stdout
    first = stdout.readline()
    if not first:
        print(f"underthesea skipped: {python} cannot run its restorer", file=sys.stderr)
        return None
    load = json.loads(first)["load"]

    def run(text: str) -> str:
        stdin.write(json.dumps(text) + "\n")
        stdin.flush()
        reply = json.loads(stdout.readline())
        PEER_CPU[0] += reply["cpu"]
        return str(reply["text"])

    return run, load


def timed(fn: Restorer, texts: list[str]) -> tuple[list[str], float]:
    """Outputs and total CPU seconds (a peer's own process's included)."""
    start, peer = time.process_time(), PEER_CPU[0]
    out = [fn(t) for t in texts]
    return out, time.process_time() - start + PEER_CPU[0] - peer


def main(argv: list[str] | None = None) -> int:
    """Run every row for both systems and print the table."""
    parser = argparse.ArgumentParser(description="restoration benchmark")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--docs", type=int, default=40, help="held-out documents (stripped, clean)")
    parser.add_argument("--chars", type=int, default=8000, help="characters per held-out document")
    parser.add_argument(
        "--ocr-docs", type=int, default=8, help="held-out documents OCR'd (2 pages)"
    )
    parser.add_argument("--no-pyvi", action="store_true")
    parser.add_argument(
        "--underthesea",
        default=os.environ.get("UNDERTHESEA_PYTHON"),
        help="Python of an environment with underthesea's repository version installed "
        "(pip install a checkout of github.com/undertheseanlp/underthesea); env "
        "UNDERTHESEA_PYTHON",
    )
    args = parser.parse_args(argv)

    systems = {"ours": ours()}
    if not args.no_pyvi:
        systems["pyvi"] = pyvi()
    peer = underthesea(args.underthesea) if args.underthesea else None
    if peer is not None:
        systems["underthesea"] = peer
    rows: list[tuple[str, str, dict[str, str]]] = []

    from pipeline.evaluation.restoration import seed_pairs

    seed_raw, seed_syllables = [], 0
    for name, raw_path, gold_path in seed_pairs(args.shared):
        raw, gold = raw_path.read_text(encoding="utf-8"), gold_path.read_text(encoding="utf-8")
        seed_raw.append(raw)
        seed_syllables += len(tokens(gold))
        cells = {s: f"{corpus_accuracy([(gold, fn(raw))]):.2%}" for s, (fn, _) in systems.items()}
        rows.append((f"seed {name[:3]} (real legacy OCR)", f"{len(tokens(gold))}", cells))
    rows += confidence_rows(args.shared)

    docs = [normalize_tones(d) for d in heldout_docs(args.shared, args.docs, args.chars)]
    stripped = [strip_marks(d) for d in docs]
    n_syll = sum(len(tokens(d)) for d in docs)
    speeds: dict[str, str] = {}
    cells = {}
    for s, (fn, _) in systems.items():
        out, seconds = timed(fn, stripped)
        cells[s] = f"{corpus_accuracy(list(zip(docs, out, strict=True))):.2%}"
        speeds[s] = f"{n_syll / seconds:,.0f}"
    rows.append((f"held-out corpus, stripped ({len(docs)} docs)", f"{n_syll}", cells))
    lowered = [d.lower() for d in docs]
    cells = {}
    for s, (fn, _) in systems.items():
        out = [fn(strip_marks(d)) for d in lowered]
        cells[s] = f"{corpus_accuracy(list(zip(lowered, out, strict=True))):.2%}"
    rows.append(("  the same, lower-cased", f"{n_syll}", cells))

    from diacritics.training.ocr_pairs import ocr_document

    ocr_pages = []
    for n, (doc_id, text) in enumerate(heldout_ids(args.shared, args.ocr_docs)):
        ocr_pages += ocr_document(doc_id, text, "light", "eng", seed=100 + n, body_only=True)
    truth = [normalize_tones(p.truth) for p in ocr_pages]
    printed = [p.ocr for p in ocr_pages]
    cells = {"raw OCR": f"{corpus_accuracy(list(zip(truth, printed, strict=True))):.2%}"}
    n_ocr = sum(len(tokens(t)) for t in truth)
    ocr_speeds: dict[str, str] = {}
    for s, (fn, _) in systems.items():
        out, seconds = timed(fn, printed)
        cells[s] = f"{corpus_accuracy(list(zip(truth, out, strict=True))):.2%}"
        ocr_speeds[s] = f"{n_ocr / seconds:,.0f}"
    rows.append(
        (
            f"held-out, rendered, eng OCR ({len(ocr_pages)} pages)",
            f"{n_ocr}",
            cells,
        )
    )

    cells = {}
    for s, (fn, _) in systems.items():
        cells[s] = f"{corpus_accuracy([(d, fn(d)) for d in docs]):.2%}"
    rows.append(("correct Vietnamese in, unchanged", f"{n_syll}", cells))
    rows += outside_rows(systems)
    rows.append(("speed, syllables per CPU s (stripped row)", "", speeds))
    rows.append(("  the same, median of 3 fresh restorers", "", {"ours": cold_speed(stripped)}))
    rows.append(("speed, syllables per CPU s (OCR row)", "", ocr_speeds))
    rows.append(
        ("  the same, median of 3 fresh restorers", "", {"ours": cold_speed(printed, n_ocr)})
    )
    rows.append(
        (
            "speed, seeds, median of 3 fresh restorers",
            "",
            {"ours": cold_speed(seed_raw, seed_syllables)},
        )
    )
    rows.append(("load, CPU s", "", {s: f"{load:.2f}" for s, (_, load) in systems.items()}))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak RSS of this process, MB", "", {"ours": f"{rss:.0f}"}))
    print_rows(rows, ["raw OCR", *systems])
    return 0


def confidence_rows(shared: Path) -> list[tuple[str, str, dict[str, str]]]:
    """How often our words are right, by the confidence given, on the seeds: the lines whose
    word count matches the gold's, word by word (an honest confidence is low where it guessed)."""
    from diacritics.restorer import default_restorer
    from pipeline.evaluation.restoration import seed_pairs

    bands = {"< 0.5": [0, 0], "0.5–0.9": [0, 0], ">= 0.9": [0, 0]}
    for _, raw_path, gold_path in seed_pairs(shared):
        result = default_restorer().restore(raw_path.read_text(encoding="utf-8"))
        by_line: dict[int, list[Any]] = {}
        for token in result.tokens:
            if len(tokens(token.text)) == 1:
                by_line.setdefault(token.line, []).append(token)
        gold_lines = gold_path.read_text(encoding="utf-8").split("\n")
        for n, (gold, out) in enumerate(zip(gold_lines, result.text.split("\n"), strict=False)):
            words, restored = tokens(gold), by_line.get(n, [])
            if len(words) != len(tokens(out)) or len(restored) != len(words):
                continue
            for token, word in zip(restored, words, strict=True):
                c = token.confidence
                band = bands["< 0.5" if c < 0.5 else "0.5–0.9" if c < 0.9 else ">= 0.9"]
                band[0] += 1
                band[1] += tokens(token.text)[0] == word
    return [
        (f"seeds: words right at confidence {k}", f"{n}", {"ours": f"{ok / max(n, 1):.1%}"})
        for k, (n, ok) in bands.items()
    ]


def outside_rows(
    systems: dict[str, tuple[Restorer, float]],
) -> list[tuple[str, str, dict[str, str]]]:
    """Text from outside the legal corpus, lower-cased as written, stripped of its marks: the
    everyday prose beside this file and Debian's installed Vietnamese program messages (one
    restore call per sentence or message); last, the held-out everyday prose (never tuned on)."""
    from outside import debian_messages, everyday, everyday_heldout

    rows = []
    for label, lines in (
        ("outside legal: everyday prose, lower-case", everyday()),
        ("outside legal: Debian messages, lower-case", debian_messages()),
        ("outside legal, held-out: everyday, lower-case", everyday_heldout()),
    ):
        if not lines:
            continue  # the translations are not installed here
        truth = [normalize_tones(line) for line in lines]
        bare = [strip_marks(t) for t in truth]
        cells = {
            s: f"{corpus_accuracy(list(zip(truth, [fn(b) for b in bare], strict=True))):.2%}"
            for s, (fn, _) in systems.items()
        }
        rows.append((f"{label} ({len(lines)})", f"{sum(len(tokens(t)) for t in truth)}", cells))
    return rows


def _restored_text(restorer: Any, text: str) -> str:
    return restorer.restore(text).text


def cold_speed(texts: list[str], syllables: int | None = None, runs: int = 3) -> str:
    """Syllables (``syllables`` of the truth, else those of ``texts``) per CPU second of a
    freshly loaded restorer (empty caches: every document new to it) over ``texts``, the median
    of ``runs``: one pass moves by ±10% with the machine's other work."""
    from diacritics.restorer import Restorer

    n = syllables or sum(len(tokens(t)) for t in texts)
    rates = []
    for _ in range(runs):
        _, seconds = timed(partial(_restored_text, Restorer()), texts)
        rates.append(n / seconds)
    return f"{sorted(rates)[runs // 2]:,.0f}"


def heldout_ids(shared: Path, n: int) -> list[tuple[str, str]]:
    """(id, first ~6,000 characters) of the first ``n`` held-out local documents."""
    out = []
    for doc_id, text in corpus_documents(shared, heldout=True):
        if doc_id.startswith("vbai-") and len(text) > 2000:
            out.append((doc_id, text[:6000]))
            if len(out) == n:
                break
    return out


def print_rows(rows: list[tuple[str, str, dict[str, str]]], columns: list[str]) -> None:
    """A plain-text table."""
    head = f"{'input':<46} {'syllables':>9} " + " ".join(f"{c:>11}" for c in columns)
    print(head)
    print("-" * len(head))
    for label, n, cells in rows:
        print(f"{label:<46} {n:>9} " + " ".join(f"{cells.get(c, ''):>10}" for c in columns))


if __name__ == "__main__":
    raise SystemExit(main())
