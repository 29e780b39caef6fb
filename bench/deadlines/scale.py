"""Extraction time against a plan's size: linear, and bounded for a 10 MB plain-text plan.

Run from the repository root:
    .venv/bin/python bench/deadlines/scale.py [--sizes 2000 8000 32000] [--mb 10] [--budget 300]

A plan is made from the real plan ``lamdong-kh-tuyen-truyen-cchc-2026`` (its opening) and one
section "TỔ CHỨC THỰC HIỆN" of N numbered items, each with an agency, a date and a percentage,
the shape that made extraction quadratic (issue 18: 2,000 lines 14.5 s, 8,000 lines 178 s).
``--paragraph`` sizes: short numbered items, which the layout joins past item 99 into one block.
``--mb`` adds a plan of that many megabytes made of sections of 200 items each. For each plan it
prints the CPU seconds of the layout (``build_tree``) and of the extraction (``extract_plan``)
apart, and seconds per 1,000 lines; a size whose previous stage ran past ``--budget`` seconds
is skipped, so the benchmark itself is bounded.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if not os.environ.get("PYTHONPATH"):  # PYTHONPATH=../main measures that checkout instead
    sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def item(index: int) -> str:
    month = index % 12 + 1
    return (
        f"{index}. Sở Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị kiểm tra tại đơn vị số"
        f" {index} trước ngày 30/{month}/2026; bảo đảm 100% hồ sơ được số hóa, ít nhất 02 mô hình."
    )


def opening() -> list[str]:
    path = SHARED / "corpus" / "plans" / "lamdong-kh-tuyen-truyen-cchc-2026.txt"
    return path.read_text(encoding="utf-8").splitlines()[:40]


def flat_plan(lines: int) -> str:
    body = [item(i) for i in range(1, lines + 1)]
    return "\n".join([*opening(), "IV. TỔ CHỨC THỰC HIỆN", *body, "Nơi nhận:", "- Lưu: VT."])


def paragraph_plan(lines: int) -> str:
    """Short numbered items: past 99 the layout joins them into one block of N clauses, the shape
    that made clause splitting quadratic."""
    body = [
        f"{i}. Sở Nội vụ chủ trì tổ chức kiểm tra tại đơn vị số {i}"
        f" trước ngày 30/{i % 12 + 1}/2026; báo cáo kết quả đạt 100% chỉ tiêu."
        for i in range(1, lines + 1)
    ]
    return "\n".join([*opening(), "IV. TỔ CHỨC THỰC HIỆN", *body, "Nơi nhận:", "- Lưu: VT."])


def sectioned_plan(megabytes: float) -> str:
    out = [*opening()]
    size = sum(len(line.encode()) + 1 for line in out)
    section = 0
    while size < megabytes * 1_000_000:
        section += 1
        heading = f"{ROMAN[section % len(ROMAN)]}. TỔ CHỨC THỰC HIỆN ĐỢT {section}"
        block = [heading, *(item(i) for i in range(1, 201))]
        out.extend(block)
        size += sum(len(line.encode()) + 1 for line in block)
    out.extend(["Nơi nhận:", "- Lưu: VT."])
    return "\n".join(out)


def measure(name: str, text: str) -> tuple[float, float]:
    from extractors import extract_plan
    from pipeline.layout import build_tree, document_from_text, source_for_text

    lines = text.count("\n") + 1
    start = time.process_time()
    document = document_from_text(text, source_for_text(text, Path(f"{name}.txt")))
    tree = build_tree(document)
    layout = time.process_time() - start
    start = time.process_time()
    plan = extract_plan(tree, document.source)
    extract = time.process_time() - start
    print(
        f"{name:<18} {lines:>8} {len(text.encode()) / 1e6:>7.2f} {layout:>9.2f} {extract:>9.2f}"
        f" {1000 * extract / lines:>10.3f} {len(plan.deadlines):>8} {len(plan.targets):>8}",
        flush=True,
    )
    return layout, extract


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000, 8000, 32000])
    parser.add_argument("--paragraph", type=int, nargs="*", default=[2000, 8000])
    parser.add_argument("--mb", type=float, default=10.0, help="0 to skip the sectioned plan")
    parser.add_argument("--budget", type=float, default=300.0)
    args = parser.parse_args()
    print(
        f"{'plan':<18} {'lines':>8} {'MB':>7} {'layout s':>9} {'extract s':>9}"
        f" {'s/1k lines':>10} {'deadl':>8} {'targets':>8}"
    )
    spent = 0.0
    for lines in args.sizes:
        if spent > args.budget:
            print(f"flat-{lines:<13} skipped: the previous size ran {spent:.0f} s")
            continue
        spent = max(measure(f"flat-{lines}", flat_plan(lines)))
    spent = 0.0
    for lines in args.paragraph:
        if spent > args.budget:
            print(f"paragraph-{lines:<8} skipped: the previous size ran {spent:.0f} s")
            continue
        spent = max(measure(f"paragraph-{lines}", paragraph_plan(lines)))
    if args.mb:
        text = sectioned_plan(args.mb)
        measure(f"sectioned-{args.mb:g}MB", text)


if __name__ == "__main__":
    main()
