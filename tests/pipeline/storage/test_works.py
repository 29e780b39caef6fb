"""Works and versions: byte-variants are one version, a draft and its signed text one work,
facts counted once per work, validity from later documents, and older datasets upgraded."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import duckdb

from pipeline.analysis.obligations import query_obligations
from pipeline.storage.identity import content_key, identity_of, is_draft
from pipeline.storage.store import Dataset
from schemas import DocHeader, Relation
from tests.support import SMALL_LINES, processed, save_documents, small_plan


def _variants() -> dict[str, list[str]]:
    """The small plan's lines as four files of other bytes: LF, CRLF, trailing spaces, NFD."""
    return {
        "lf.txt": list(SMALL_LINES),
        "crlf.txt": [line + "\r" for line in SMALL_LINES],
        "trailing.txt": [line + "   " for line in SMALL_LINES] + ["", "  "],
        "nfd.txt": [unicodedata.normalize("NFD", line) for line in SMALL_LINES],
    }


def test_byte_variants_are_one_version_and_obligations_are_not_multiplied(tmp_path: Path) -> None:
    documents = [processed(small_plan(), lines, name=name) for name, lines in _variants().items()]
    assert len({d.source.sha256 for d in documents}) == 4
    assert len({content_key(d.raw_text.text) for d in documents}) == 1
    db = tmp_path / "k.duckdb"
    assert save_documents(db, documents) == ["inserted", "copy", "copy", "copy"]
    with Dataset(db, read_only=True) as dataset:
        counts = dataset.query(
            "SELECT (SELECT count(*) FROM works) AS works, (SELECT count(*) FROM versions) AS v,"
            " (SELECT count(*) FROM copies) AS copies"
        )[0]
        # a second run finds every variant already stored: nothing to process again
        assert all(dataset.is_current(d.source.sha256, d.pipeline_version) for d in documents)
    assert counts == {"works": 1, "v": 1, "copies": 3}
    assert len(query_obligations(db)) == len(documents[0].obligations)


def test_a_draft_and_its_signed_text_are_one_work_and_the_signed_one_counts(
    tmp_path: Path,
) -> None:
    unsigned = small_plan().doc.model_copy(update={"number": None, "issue_date": None})
    draft_plan = small_plan().model_copy(update={"doc": unsigned})
    draft_lines = [*SMALL_LINES[:2], "DỰ THẢO", *SMALL_LINES[2:]]
    draft = processed(draft_plan, draft_lines, name="ke-hoach_du-thao.txt")
    signed = processed(small_plan(), list(SMALL_LINES), name="ke-hoach.txt")
    db = tmp_path / "k.duckdb"
    assert save_documents(db, [draft, signed]) == ["inserted", "inserted"]
    with Dataset(db, read_only=True) as dataset:
        versions = dataset.query("SELECT work_id, is_draft FROM versions ORDER BY is_draft")
        current = dataset.query("SELECT sha256 FROM current_versions")
        work = dataset.query("SELECT number FROM works")
        plans = dataset.plans()
    assert len({v["work_id"] for v in versions}) == 1
    assert [v["is_draft"] for v in versions] == [False, True]
    assert current == [{"sha256": signed.source.sha256}]
    assert work == [{"number": "12/KH-UBND"}]  # the signed text brought the number
    assert [record["sha256"] for record, _ in plans] == [signed.source.sha256]
    assert len(query_obligations(db)) == len(signed.obligations)


def test_two_numbered_documents_with_one_title_are_two_works() -> None:
    header = small_plan().doc
    other = header.model_copy(update={"number": "13/KH-UBND"})
    first, second = identity_of("a", header), identity_of("b", other)
    assert first.title_key == second.title_key
    assert first.number_key != second.number_key


def test_draft_marks() -> None:
    assert is_draft("ỦY BAN NHÂN DÂN\nDự thảo lần 2\nKẾ HOẠCH")
    assert is_draft("ỦY BAN NHÂN DÂN\nKẾ HOẠCH", "/in/lamdong-kh-cchc-2026_du-thao.txt")
    assert not is_draft("ỦY BAN NHÂN DÂN\nLấy ý kiến về dự thảo văn bản\nKẾ HOẠCH", "kh.txt")


def test_a_stored_repeal_makes_its_target_repealed(tmp_path: Path) -> None:
    target = processed(small_plan(), list(SMALL_LINES), name="old.txt")
    repeal_doc = DocHeader(
        province="Khánh Hòa",
        issuer="Ủy ban nhân dân tỉnh Khánh Hòa",
        doc_type="Quyết định",
        number="99/QĐ-UBND",
        issue_date="2026-06-01",
        title="Bãi bỏ Kế hoạch số 12/KH-UBND",
    )
    repeal = Relation(kind="bai_bo", ref="12/KH-UBND", key="12/KH-UBND", doc_type="Kế hoạch")
    citing = Relation(kind="can_cu", ref="12/KH-UBND", key="12/KH-UBND", source="preamble")
    repealing = small_plan().model_copy(update={"doc": repeal_doc, "relations": (repeal, citing)})
    lines = ["QUYẾT ĐỊNH", "Bãi bỏ Kế hoạch số 12/KH-UBND ngày 03/02/2026."]
    db = tmp_path / "k.duckdb"
    save_documents(db, [target, processed(repealing, lines, name="repeal.txt")])
    with Dataset(db, read_only=True) as dataset:
        status = dataset.query("SELECT number, status, status_basis FROM work_status ORDER BY 1")
        sources = dataset.query("SELECT kind, source FROM relations ORDER BY kind")
    assert status[0] == {
        "number": "12/KH-UBND",
        "status": "repealed",
        "status_basis": "bai_bo by 99/QĐ-UBND",
    }
    assert status[1]["status"] != "repealed"
    assert sources == [
        {"kind": "bai_bo", "source": "body"},
        {"kind": "can_cu", "source": "preamble"},
    ]


def test_a_dataset_from_before_works_opens_and_gains_them(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    document = processed(small_plan(), list(SMALL_LINES))
    save_documents(db, [document])
    with duckdb.connect(str(db)) as connection:  # as an older kehoach left it
        for table in ("versions", "works", "copies", "search_texts", "relations"):
            connection.execute(f"DROP TABLE {table} CASCADE")
    with Dataset(db, read_only=True) as dataset:
        current = dataset.query("SELECT sha256 FROM current_versions")
    assert current == [{"sha256": document.source.sha256}]
    assert len(query_obligations(db)) == len(document.obligations)
