"""Score extraction against the gold JSON in ../shared/gold (``kehoach eval extract``).

Per field: precision, recall and F1, where a predicted item matches at most one gold item. Strings
are compared NFC, lower-cased, whitespace collapsed, with rapidfuzz: ratio ≥ 85, token_set_ratio
when a string is longer than 25 characters. Awards compare as "form | grantor", deadlines as
"date | text", assignments as "agency | task" (one item per task), criteria as "target | item",
legal basis by ref, each header field as one item; micro-F1 pools every item of every field.

000 and 003 are legacy OCR dumps: they are scored from the gold restored text (so that extraction
is measured on its own) and through the real chain from the raw dump (``process_file``: read,
restore, extract). 002 is a clean plan, scored from its text.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from schemas.plan import FACT_FIELDS

DOC_FIELDS = ("province", "issuer", "doc_type", "number", "issue_date", "title")
SIGNER_FIELDS = ("name", "title", "on_behalf")
THRESHOLD = 85.0
PIPELINE = "legacy dump through the chain"
RESTORED = "from restored gold text"
CLEAN = "from its text"
# Scored on their own and left out of micro-F1: the agencies that receive assignments, and each
# agency with its role (the "agency | task" matcher alone barely sees the agency).
READ_AS = {PIPELINE: "chain", RESTORED: "gold-text", CLEAN: "text"}
APART = ("assignments.agency", "assignments.role")


@dataclass
class FieldScore:
    """Counts for one field of one document."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 1.0


@dataclass
class DocumentScore:
    """Scores of one document read one way ("restored gold text", "through the pipeline", ...)."""

    name: str
    mode: str
    fields: dict[str, FieldScore] = field(default_factory=dict)
    error: str | None = None

    @property
    def micro(self) -> FieldScore:
        total = FieldScore()
        for name, score in self.fields.items():
            if name in APART:
                continue
            total.tp += score.tp
            total.fp += score.fp
            total.fn += score.fn
        return total


@dataclass
class EvalResult:
    """Every document's scores."""

    documents: list[DocumentScore] = field(default_factory=list)


def normalize(text: str | None) -> str:
    """NFC, lower case, whitespace collapsed."""
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).lower().split())


def similar(a: str, b: str) -> float:
    """The issue's string score: ratio, or token_set_ratio when either is over 25 characters."""
    a, b = normalize(a), normalize(b)
    if len(a) > 25 or len(b) > 25:
        return fuzz.token_set_ratio(a, b)
    return fuzz.ratio(a, b)


def match_items(predicted: list[str], gold: list[str]) -> FieldScore:
    """One-to-one matching, best pairs first, each pair scoring at least the threshold."""
    pairs: list[tuple[float, int, int]] = []
    for i, pred in enumerate(predicted):
        for j, want in enumerate(gold):
            score = similar(pred, want)
            if score >= THRESHOLD:
                pairs.append((score, i, j))
    pairs.sort(reverse=True)
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    for _, i, j in pairs:
        if i not in used_pred and j not in used_gold:
            used_pred.add(i)
            used_gold.add(j)
    tp = len(used_pred)
    return FieldScore(tp=tp, fp=len(predicted) - tp, fn=len(gold) - tp)


def field_items(plan: dict[str, Any]) -> dict[str, list[str]]:
    """The comparable items of each field of a plan in the gold's JSON shape."""
    doc = plan.get("doc") or {}
    signer = doc.get("signer") or {}
    items: dict[str, list[str]] = {}
    for name in DOC_FIELDS:
        items[f"doc.{name}"] = [doc[name]] if doc.get(name) else []
    for name in SIGNER_FIELDS:
        items[f"doc.signer.{name}"] = [signer[name]] if signer.get(name) else []
    items["legal_basis"] = [entry["ref"] for entry in plan.get("legal_basis", [])]
    items["purposes"] = list(plan.get("purposes", []))
    items["requirements"] = list(plan.get("requirements", []))
    items["criteria"] = [
        f"{group['target']} | {item}"
        for group in plan.get("criteria", [])
        for item in group["items"]
    ]
    items["awards"] = [f"{a['form']} | {a.get('grantor') or ''}" for a in plan.get("awards", [])]
    items["deadlines"] = [f"{d.get('date') or ''} | {d['text']}" for d in plan.get("deadlines", [])]
    items["assignments"] = [
        f"{a['agency']} | {task}" for a in plan.get("assignments", []) for task in a["tasks"]
    ]
    items["assignments.agency"] = sorted({a["agency"] for a in plan.get("assignments", [])})
    items["assignments.role"] = sorted(
        {f"{a['agency']} | {a['role']}" for a in plan.get("assignments", [])}
    )
    items["targets"] = [t["text"] for t in plan.get("targets", [])]
    items["recipients"] = list(plan.get("recipients", []))
    return items


def score_plan(predicted: dict[str, Any], gold: dict[str, Any]) -> dict[str, FieldScore]:
    """Per-field scores of one predicted plan against its gold."""
    pred_items = field_items(predicted)
    gold_items = field_items(gold)
    return {name: match_items(pred_items[name], gold_items[name]) for name in gold_items}


def _plan_from_text(text: str, path: Path) -> dict[str, Any]:
    from extractors import extract_plan
    from pipeline.layout import build_tree, document_from_text, source_for_text

    document = document_from_text(text, source_for_text(text, path))
    return extract_plan(build_tree(document), document.source).model_dump(mode="json")


def _plan_from_pipeline(path: Path) -> dict[str, Any]:
    from pipeline.process import process_file

    return process_file(path).plan.model_dump(mode="json")


def _score(name: str, mode: str, gold: dict[str, Any], make) -> DocumentScore:  # type: ignore[no-untyped-def]
    try:
        predicted = make()
    except Exception as error:  # noqa: BLE001 - a missing stage is reported, not raised
        return DocumentScore(name, mode, error=f"{type(error).__name__}: {error}")
    return DocumentScore(name, mode, score_plan(predicted, gold))


def gold_input(shared: Path, stem: str) -> Path | None:
    """The document a gold describes: its seed, else the corpus plan of the same stem."""
    for path in (shared / "seeds" / f"{stem}.txt", shared / "corpus" / "plans" / f"{stem}.txt"):
        if path.is_file():
            return path
    return None


def evaluate_gold(shared: Path, pipeline: bool = True) -> EvalResult:
    """Score every gold in ``shared/gold`` against the document it describes.

    A seed with restoration gold is a legacy OCR dump: it is scored through the whole chain
    (read, restore, extract) and, apart, from the restored gold text (extraction on its own).
    Every other gold is scored from its text (a seed or a corpus plan of the same stem).
    ``pipeline=False`` skips the whole-chain runs (the fast test path).
    """
    from pipeline.evaluation.shared import shared_folder

    shared = shared_folder(shared)
    result = EvalResult()
    for gold_path in sorted((shared / "gold").glob("*.gold.json")):
        stem = gold_path.name.removesuffix(".gold.json")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        restored = shared / "gold" / f"{stem}.restored.txt"
        source = gold_input(shared, stem)
        if source is None:
            result.documents.append(DocumentScore(stem, "no input", error="no seed or corpus plan"))
            continue
        if restored.is_file():
            if pipeline:
                result.documents.append(
                    _score(stem, PIPELINE, gold, lambda s=source: _plan_from_pipeline(s))
                )
            text = restored.read_text(encoding="utf-8")
            result.documents.append(
                _score(stem, RESTORED, gold, lambda t=text, p=restored: _plan_from_text(t, p))
            )
        else:
            text = source.read_text(encoding="utf-8")
            result.documents.append(
                _score(stem, CLEAN, gold, lambda t=text, p=source: _plan_from_text(t, p))
            )
    return result


def print_scores(result: EvalResult) -> None:
    """A table per document (P, R, F1 and counts per field) and the micro-F1 of each."""
    for document in result.documents:
        print(f"\n{document.name} — {document.mode}")
        if document.error:
            print(f"  not scored: {document.error}")
            continue
        print(f"  {'field':<22} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
        for name, score in document.fields.items():
            print(
                f"  {name:<22} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f}"
                f" {score.tp:4d} {score.fp:4d} {score.fn:4d}"
            )
        micro = document.micro
        print(
            f"  {'micro':<22} {micro.precision:6.3f} {micro.recall:6.3f} {micro.f1:6.3f}"
            f" {micro.tp:4d} {micro.fp:4d} {micro.fn:4d}"
        )
    print_summary(result)


SHORT = {
    "legal_basis": "legal",
    "requirements": "reqs",
    "recipients": "recip",
    "assignments": "assign",
    "assignments.agency": "agency*",
    "assignments.role": "role*",
    "deadlines": "deadln",
    "purposes": "purpose",
    "criteria": "criter",
    "targets": "target",
}


def print_summary(result: EvalResult) -> None:
    """One row per gold and way of reading it: micro-F1, the header, then each field's F1."""
    scored = [d for d in result.documents if not d.error]
    if not scored:
        return
    names = [n for n in scored[0].fields if not n.startswith("doc.")]
    print("\nF1 per field (header = the doc.* fields pooled; * = scored apart, not in micro):")
    print(f"  {'gold':<24} {'read':<11} {'micro':>6} {'header':>6}", end="")
    print("".join(f" {SHORT.get(n, n)[:7]:>7}" for n in names))
    for document in result.documents:
        print(f"  {document.name[:24]:<24} {READ_AS.get(document.mode, '?'):<11}", end="")
        if document.error:
            print(f" n/a {document.error}")
            continue
        header = FieldScore()
        for name, score in document.fields.items():
            if name.startswith("doc."):
                header.tp, header.fp, header.fn = (
                    header.tp + score.tp,
                    header.fp + score.fp,
                    header.fn + score.fn,
                )
        print(f" {document.micro.f1:6.3f} {header.f1:6.3f}", end="")
        print("".join(f" {document.fields[n].f1:7.3f}" for n in names))


def count_fields(plan: dict[str, Any]) -> dict[str, int]:
    """Number of items per field of one extracted plan (criteria count their items)."""
    counts = {name: len(plan.get(name, [])) for name in FACT_FIELDS}
    counts["criteria"] = sum(len(group["items"]) for group in plan.get("criteria", []))
    counts["tasks"] = sum(len(a["tasks"]) for a in plan.get("assignments", []))
    return counts


def corpus_counts(paths: list[Path], pipeline: bool = False) -> dict[str, dict[str, int] | str]:
    """Items per field for each file (plain text directly, or through the whole chain)."""
    out: dict[str, dict[str, int] | str] = {}
    for path in paths:
        try:
            if pipeline:
                plan = _plan_from_pipeline(path)
            else:
                plan = _plan_from_text(path.read_text(encoding="utf-8"), path)
        except Exception as error:  # noqa: BLE001 - one failing file is reported, not fatal
            out[path.name] = f"{type(error).__name__}: {error}"
            continue
        out[path.name] = count_fields(plan)
    return out


def print_counts(counts: dict[str, dict[str, int] | str]) -> None:
    """A table of items per field, one row per file."""
    names = (*FACT_FIELDS, "tasks")
    short = {"legal_basis": "legal", "requirements": "reqs", "recipients": "recip"}
    print(f"{'file':<58}" + "".join(f"{short.get(n, n)[:8]:>9}" for n in names))
    for name, row in counts.items():
        if isinstance(row, str):
            print(f"{name:<58} ERROR {row}")
        else:
            print(f"{name:<58}" + "".join(f"{row[n]:>9}" for n in names))


def main(argv: list[str] | None = None) -> None:
    """``python -m pipeline.evaluation.extraction [SHARED]``: gold scores, then items per field."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    shared = Path(args[0]) if args else Path("../shared")
    print_scores(evaluate_gold(shared))
    print()
    print_counts(corpus_counts(sorted((shared / "corpus" / "plans").glob("*.txt"))))


if __name__ == "__main__":
    main()
