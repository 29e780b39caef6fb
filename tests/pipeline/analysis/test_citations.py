"""``cites`` and ``search``: who implements a decision, by province, matching a text search."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.analysis.citations import citing, plan_shas, search_dataset
from pipeline.analysis.compare import compare_field
from schemas import ErrorCode, KehoachError, Relation
from tests.support import SMALL_LINES, dataset_of, processed, small_plan

DECISION = "Quyết định số 1187/QĐ-BNV"


def _implementing(province: str, number: int) -> object:
    """The small plan of ``province`` implementing the decision (its preamble says so)."""
    plan = small_plan(province)
    doc = plan.doc.model_copy(update={"number": f"{number}/KH-UBND"})
    relation = Relation(
        kind="thuc_hien",
        ref="1187/QĐ-BNV",
        key="1187/QD-BNV",
        source="preamble",
        doc_type="Quyết định",
    )
    lines = [line.replace("KHÁNH HÒA", province.upper()) for line in SMALL_LINES]
    lines.insert(4, f"Thực hiện {DECISION} ngày 10/12/2025 của Bộ Nội vụ;")
    return processed(
        plan.model_copy(update={"doc": doc, "relations": (relation,)}),
        lines,
        name=f"{province}.txt",
    )


def _dataset(tmp_path: Path) -> Path:
    documents = [_implementing("Khánh Hòa", 12), _implementing("Phú Yên", 30)]
    other = processed(small_plan("Lâm Đồng"), [*SMALL_LINES, "Lâm Đồng"], name="other.txt")
    return dataset_of(tmp_path, [*documents, other])


def test_cites_finds_the_implementing_plans_by_province_as_a_search_does(tmp_path: Path) -> None:
    db = _dataset(tmp_path)
    answer = citing(db, "1187/qđ-bnv")  # any case and spelling of the symbol
    provinces = [group["province"] for group in answer["provinces"]]
    assert provinces == ["Khánh Hòa", "Phú Yên"]
    assert answer["count"] == 2 and answer["stored"] is None
    assert answer["provinces"][0]["documents"][0]["kinds"] == "thuc_hien"
    hits = search_dataset(db, "quyet dinh 1187/QĐ-BNV")
    assert {h["sha256"] for h in hits} == set(plan_shas(answer))
    table = compare_field(db, "awards", documents=plan_shas(answer))
    assert len(table.documents) == 2


def test_search_ranks_filters_and_ignores_diacritics(tmp_path: Path) -> None:
    db = _dataset(tmp_path)
    hits = search_dataset(db, "BỘ NỘI VỤ")
    assert len(hits) == 2 and all("Bộ Nội vụ" in h["snippet"] for h in hits)
    assert [h["province"] for h in search_dataset(db, "bo noi vu", province="phu yen")] == [
        "Phú Yên"
    ]
    assert search_dataset(db, "bo noi vu", year=2025) == []
    assert len(search_dataset(db, "thi đua", doc_type="ke hoach")) == 3
    assert search_dataset(db, "   ") == []


def test_an_unknown_relation_kind_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(KehoachError) as caught:
        citing(_dataset(tmp_path), "1187/QĐ-BNV", kinds=["implements"])
    assert caught.value.code == ErrorCode.USAGE
