"""Extraction against ../shared gold and the corpus plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluation.extraction import (
    APART,
    PIPELINE,
    corpus_counts,
    evaluate_gold,
    match_items,
    similar,
)


@pytest.fixture(scope="module")
def scores(shared_dir: Path):  # type: ignore[no-untyped-def]
    documents = evaluate_gold(shared_dir, pipeline=False).documents
    return {(d.name[:3] if d.name[:3].isdigit() else d.name, d.mode): d for d in documents}


@pytest.mark.parametrize(
    "key",
    [
        ("000", "from restored gold text"),
        ("002", "from its text"),
        ("003", "from restored gold text"),
    ],
)
def test_gold_micro_f1_at_least_090(scores, key) -> None:  # type: ignore[no-untyped-def]
    document = scores[key]
    assert document.error is None
    assert document.micro.f1 >= 0.90, {name: round(s.f1, 3) for name, s in document.fields.items()}


def test_every_gold_is_scored_with_agency_and_role_apart(shared_dir: Path, scores) -> None:  # type: ignore[no-untyped-def]
    stems = {p.name.removesuffix(".gold.json") for p in (shared_dir / "gold").glob("*.gold.json")}
    assert {s[:3] if s[:3].isdigit() else s for s in stems} == {name for name, _ in scores}
    for document in scores.values():
        assert document.error is None, (document.name, document.error)
        assert {"assignments.agency", "assignments.role"} <= set(document.fields)
        pooled = sum(s.tp + s.fn for n, s in document.fields.items() if n not in APART)
        assert document.micro.tp + document.micro.fn == pooled  # the apart fields stay apart


def test_every_corpus_plan_has_purposes_and_assignments(shared_dir: Path) -> None:
    paths = sorted((shared_dir / "corpus" / "plans").glob("*.txt"))
    assert paths
    for name, counts in corpus_counts(paths).items():
        assert not isinstance(counts, str), f"{name}: {counts}"
        assert counts["purposes"] > 0 and counts["assignments"] > 0, (name, counts)


def test_matching_is_one_to_one_and_fuzzy() -> None:
    assert similar("Sở Nội vụ", "sở  nội vụ") == 100
    score = match_items(["Bằng khen | Chủ tịch", "Bằng khen | Chủ tịch"], ["bằng khen | chủ tịch"])
    assert (score.tp, score.fp, score.fn) == (1, 1, 0)


@pytest.mark.slow
def test_legacy_dumps_through_the_whole_chain(shared_dir: Path) -> None:
    """000 and 003 from their raw OCR dumps: read, restore diacritics, extract."""
    documents = [d for d in evaluate_gold(shared_dir).documents if d.mode == PIPELINE]
    assert {d.name[:3] for d in documents} == {"000", "003"}
    for document in documents:
        assert document.error is None, document.error
        assert document.micro.f1 >= 0.90, (document.name, document.micro.f1)
