"""Make the bundled samples in data/samples/ from corpus text: a born-digital PDF, a scanned PDF,
a legacy OCR dump, each with its truth beside them in data/samples-truth/ (``<name>.txt``): a
folder of its own, so that ingesting data/samples ingests the documents and not their truth.

Run from the repository root with ../shared beside it:  .venv/bin/python bench/make_samples.py
The samples are committed, so new users need neither ../shared nor this script.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kehoach import DATA_DIR, SAMPLES_DIR  # noqa: E402
from pipeline.evaluation.synthetic import (  # noqa: E402
    Block,
    Degradation,
    default_closing,
    layout_document,
    render_pages,
    save_scanned_pdf,
    save_text_pdf,
    split_plan_header,
)

SHARED = REPO.parent / "shared"
OUT = SAMPLES_DIR
TRUTH = DATA_DIR / "samples-truth"
PLAN = SHARED / "corpus" / "plans" / "lamdong-kh-kiem-tra-cchc-2026.txt"
SEED_DUMP = SHARED / "seeds" / "000_008183cd73cd5139.txt"
SEED_GOLD = SHARED / "gold" / "000_008183cd73cd5139.restored.txt"
BODY_PARAGRAPHS = {"born-digital": 26, "scanned": 14}  # 3 pages and 2 pages
# a light scan with little sensor noise: noise is what makes JPEG pages large
SAMPLE_SCAN = Degradation(max_angle=0.5, blur=0.9, noise=3.0, contrast=(40, 230), speckles=150)
SIGNER = "Nguyễn Văn An"  # a placeholder: the corpus text has no signer line


def _plan_parts() -> tuple[Block | None, list[str]]:
    header, body = split_plan_header(PLAN.read_text("utf-8").splitlines())
    return header, [" ".join(line.split()) for line in body]


def truth_path(sample: Path) -> Path:
    """Where the truth of a sample document is kept."""
    return TRUTH / f"{sample.stem}.txt"


def _write_truth(path: Path, pages: list[str]) -> None:
    TRUTH.mkdir(parents=True, exist_ok=True)
    truth_path(path).write_text("\n".join(pages) + "\n", "utf-8")


def born_digital() -> Path:
    """Three A4 pages with a real text layer (Liberation Serif embedded)."""
    header, body = _plan_parts()
    layouts = layout_document(
        body[: BODY_PARAGRAPHS["born-digital"]], header, default_closing(SIGNER)
    )
    path = save_text_pdf(layouts, OUT / "plan-born-digital.pdf")
    _write_truth(path, [layout.truth for layout in layouts])
    return path


def scanned() -> Path:
    """Two lightly degraded scanned pages with a red seal and a blue signature, image only."""
    header, body = _plan_parts()
    pages = render_pages(
        body[: BODY_PARAGRAPHS["scanned"]],
        header,
        default_closing(SIGNER),
        level=SAMPLE_SCAN,
        seed=7,
        stamps=True,
    )
    path = save_scanned_pdf([p.image for p in pages], OUT / "plan-scanned.pdf", quality=50)
    _write_truth(path, [page.truth for page in pages])
    return path


def legacy_dump() -> Path:
    """A real legacy OCR dump (English-model OCR of a plan) with its hand restoration as truth."""
    path = OUT / "plan-legacy-ocr.txt"
    shutil.copyfile(SEED_DUMP, path)
    TRUTH.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SEED_GOLD, truth_path(path))
    return path


def main() -> None:
    if not PLAN.is_file():
        sys.exit(f"needs ../shared beside the repository ({PLAN} is missing)")
    OUT.mkdir(parents=True, exist_ok=True)
    for path in (born_digital(), scanned(), legacy_dump()):
        print(f"{path.relative_to(REPO)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
