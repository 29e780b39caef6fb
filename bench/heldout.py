"""Documents set aside before the structure and extraction rules were reworked (December 2026).

Rules are tuned on everything else; figures on these are reported last and apart, as the test of
documents nobody here has seen. Nothing in the library may read this list: it only tells the
benchmarks which documents to report separately. The corpus side reuses the restoration split
(``diacritics.text.is_heldout``, ~3% of ``legal_vi.jsonl.gz`` by a hash of the id), so one hash
decides what every model and every rule never saw.
"""

from __future__ import annotations

HELDOUT_PLANS = frozenset(
    {
        "lamdong-kh-tong-ket-chien-luoc-phong-chong-ma-tuy.txt",
        "lamdong-kh-cchc-giai-doan-2026-2030.txt",
        "lamdong-kh-cchc-giai-doan-2026-2030_du-thao.txt",
    }
)
"""Plan texts under ``../shared/corpus/plans`` kept out of rule tuning (none has gold)."""

HELDOUT_SCANS = frozenset(
    {
        "bnv-qd-932.pdf",
        "lamdong-cat-416-totrinh-pcmt.pdf",
        "quangngai-46-tb-ubnd-2025.pdf",
        "quangngai-89-qd-ct-2025.pdf",
    }
)
"""Scanned PDFs under ``../shared/corpus/scans`` kept out of header/closing tuning."""


def is_heldout_corpus(doc_id: str) -> bool:
    """True for legal-corpus documents that no model trained on and no rule was tuned on."""
    from diacritics.text import is_heldout

    return is_heldout(doc_id)
