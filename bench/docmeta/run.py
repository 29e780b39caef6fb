"""Document identity and relations, measured: scans beside their page 1, corpus against portals.

    python bench/docmeta/run.py scans [--cache DIR]  # type, number, date, issuer, ... per scan
    python bench/docmeta/run.py corpus [--limit N]   # doc types vs portal values; provinces
    python bench/docmeta/run.py relations [--count N] # relations of amending/repealing documents

``scans``: the truth column is ``scans_truth.tsv``, read by eye from each page 1 image. OCR is slow,
so ``--cache`` takes the ``kehoach text --json --restore`` output of each scan (``NAME.json``) and
reads the scan only where no cached file exists. Held-out scans (bench/heldout.py) come last.
``corpus``: ``legal_vi.jsonl.gz`` without its held-out documents (reported apart); the portal's
value is vbpl.vn's "Loại văn bản" where the page has one, else thuvienphapluat's title ("Nghị định
230/2025/NĐ-CP").
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import corpus_records  # noqa: E402
from bench.heldout import HELDOUT_SCANS, is_heldout_corpus  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
TRUTH = Path(__file__).with_name("scans_truth.tsv")
FIELDS = ("doc_type", "number", "issue_date", "issuer", "province", "signer")


def _header_of_text(text: str):  # type: ignore[no-untyped-def]
    from extractors.header import extract_header
    from extractors.sections import place_blocks
    from pipeline.layout import build_tree, document_from_text

    tree = build_tree(document_from_text(text))
    return extract_header(tree, place_blocks(tree), use_portal=False)


def _scan_document(path: Path, cache: Path | None):  # type: ignore[no-untyped-def]
    from schemas import DocumentText

    cached = cache / f"{path.stem}.json" if cache else None
    if cached and cached.exists():
        return DocumentText.model_validate_json(cached.read_text(encoding="utf-8"))
    from pipeline.process import read_text, restore_text
    from schemas import PipelineSettings

    settings = PipelineSettings()
    document = restore_text(read_text(path, settings), settings)
    if cached:
        cached.write_text(document.model_dump_json(), encoding="utf-8")
    return document


def _agrees(field: str, found: str | None, truth: str) -> bool:
    from diacritics.orthography import fold_ascii
    from extractors.legal_basis import ref_key

    if truth == "-":
        return found is None
    if found is None:
        return False  # text fields below compare without marks (OCR drops some)
    if field == "number":
        return ref_key(found) == ref_key(truth)
    return fold_ascii(found) == fold_ascii(truth)


def _partly(field: str, found: str | None, truth: str) -> bool:
    """The printed part where a handwritten part failed: the symbol after "/", the year-month."""
    from extractors.legal_basis import ref_key

    if not found or truth == "-":
        return _agrees(field, found, truth)
    if field == "number":
        return ref_key(found).partition("/")[2] == ref_key(truth).partition("/")[2]
    if field == "issue_date":
        return found[:7] == truth[:7]
    return _agrees(field, found, truth)


def scans(cache: Path | None) -> None:
    """One row per scan: what the extractor found beside what page 1 shows."""
    from extractors.header import extract_header
    from extractors.sections import place_blocks
    from pipeline.layout import build_tree

    rows = [line.split("\t") for line in TRUTH.read_text(encoding="utf-8").splitlines()]
    rows = [row for row in rows if row and not row[0].startswith(("#", "file"))]
    rows.sort(key=lambda row: row[0] in HELDOUT_SCANS)
    totals: dict[bool, Counter[str]] = {False: Counter(), True: Counter()}
    print("| scan | field | found | page 1 | ok | printed part ok |")
    print("|---|---|---|---|---|---|")
    for name, *truth in rows:
        document = _scan_document(SHARED / "corpus" / "scans" / name, cache)
        tree = build_tree(document)
        header = extract_header(tree, place_blocks(tree))
        held = name in HELDOUT_SCANS
        for field, expected in zip(FIELDS, truth, strict=True):
            found = header.signer.name if field == "signer" else getattr(header, field)
            ok = _agrees(field, found, expected)
            part = _partly(field, found, expected)
            totals[held][field] += ok
            totals[held][field + " exact"] += found == expected  # marks and all
            totals[held][field + " part"] += part
            label = f"{name}{' (held out)' if held else ''}"
            marks = f"{'✓' if ok else '✗'} | {'✓' if part else '✗'}"
            print(f"| {label} | {field} | {found or '—'} | {expected} | {marks} |")
    for held, counts in totals.items():
        size = sum(1 for row in rows if (row[0] in HELDOUT_SCANS) == held)
        figures = ", ".join(f"{field} {counts[field]}/{size}" for field in FIELDS)
        printed = ", ".join(
            f"{field} {counts[field + ' part']}/{size}" for field in ("number", "issue_date")
        )
        print(f"\n{'held-out' if held else 'tuned-on'} scans ({size}): {figures}")
        print(f"  printed parts (symbol after '/', year-month): {printed}")
        print(f"  signer with every mark right: {counts['signer exact']}/{size}")


def _portal_type(record: dict) -> str | None:
    from extractors.portal import read_portal_attributes

    portal = read_portal_attributes(record["text"].splitlines()[:200])
    if portal and portal.doc_type:
        return portal.doc_type
    if record["id"].startswith("tvpl-"):
        found = re.match(
            r"^(Thông tư liên tịch|Nghị định|Thông tư|Quyết định|Luật|Bộ luật|"
            r"Nghị quyết|Công văn|Chỉ thị|Pháp lệnh|Văn bản hợp nhất)\b",
            record["title"],
        )
        return found.group(1) if found else None
    return None


def corpus(limit: int | None) -> None:
    """Doc types against the portals' own values; central documents and their province."""
    stats = {False: Counter(), True: Counter()}
    confusions: Counter[tuple[str, str]] = Counter()
    for index, record in enumerate(corpus_records(SHARED)):
        if limit and index >= limit:
            break
        held = is_heldout_corpus(record["id"])
        count = stats[held]
        header = _header_of_text(record["text"][:60_000])
        count["documents"] += 1
        count["with type"] += header.doc_type is not None
        portal = _portal_type(record)
        if portal:
            count["portal type"] += 1
            same = (header.doc_type or "").lower() == portal.lower()
            count["type agrees"] += same
            if not same and not held:
                confusions[(portal, header.doc_type or "—")] += 1
        level = header.issuer_level
        count[f"level {level}"] += 1
        if level == "central":
            count["central, province None"] += header.province is None
            count["central, signed in Hà Nội"] += (header.place or "").startswith("Hà Nội")
        if header.province == "Hà Nội":
            count["province Hà Nội"] += 1
            count["province Hà Nội, issuer names Hà Nội"] += "Hà Nội" in (header.issuer or "")
    for held, count in stats.items():
        print(f"\n{'held-out' if held else 'tuned-on'} corpus documents")
        for key in sorted(count):
            print(f"  {key:32} {count[key]}")
    print("\nportal type → found (tuned-on disagreements)")
    for (portal, found), number in confusions.most_common(15):
        print(f"  {portal:22} → {found:22} {number}")


AMENDING = re.compile(r"sửa đổi|bổ sung|bãi bỏ|thay thế|hết hiệu lực", re.IGNORECASE)


def relations(count: int) -> None:
    """Relations of amending or repealing corpus documents, printed for reading."""
    from extractors import extract_plan
    from pipeline.layout import build_tree, document_from_text

    shown = 0
    per_source: Counter[str] = Counter()
    records = list(corpus_records(SHARED))
    # Documents that say they amend, repeal or replace: in the title, or in a closing provision.
    acting = re.compile(r"sửa đổi, bổ sung|bãi bỏ|thay thế|hết hiệu lực kể từ", re.IGNORECASE)
    for record in records:
        text = record["text"]
        source = record["id"].split("-")[0]
        if is_heldout_corpus(record["id"]) or len(text) > 60_000 or source == "phapdien":
            continue  # pháp điển: codified articles of many documents, no one document acts
        if per_source[source] >= count // 3 + 1 or not acting.search(
            record["title"] + text[-6000:]
        ):
            continue
        document = document_from_text(text)
        plan = extract_plan(build_tree(document), document.source)
        acts = [r for r in plan.relations if r.kind not in ("dan_chieu", "can_cu")]
        if not acts:
            continue
        shown += 1
        per_source[source] += 1
        print(f"\n{shown}. {record['id']} — {record['title'][:90]}")
        print(
            f"   {plan.doc.doc_type} {plan.doc.number} ({plan.doc.issuer}); "
            f"validity {plan.validity.status}, effective {plan.validity.effective_date}"
        )
        for rel in acts[:8]:
            arrow = "←" if rel.inverse else "→"
            print(f"   {arrow} {rel.kind:9} {rel.ref} [{rel.source}] {rel.scope or ''}")
            print(f"       “{(rel.text or '')[:150]}”")
        if shown >= count:
            break


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("scans", "corpus", "relations"))
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    if args.what == "scans":
        scans(args.cache)
    elif args.what == "corpus":
        corpus(args.limit)
    else:
        relations(args.count)


if __name__ == "__main__":
    main()
