"""The document tree in the dataset: one ``nodes`` row per node, addressable by citation."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pipeline.process import process_file
from pipeline.storage.rows import citation
from pipeline.storage.store import Dataset, export_parquet
from schemas import PipelineSettings
from tests.support import ingest_files

DECREE = """CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 45/2024/NĐ-CP
Hà Nội, ngày 15 tháng 4 năm 2024
NGHỊ ĐỊNH
Quy định về quản lý hoạt động thử nghiệm
Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
Theo đề nghị của Bộ trưởng Bộ Khoa học và Công nghệ;
Chính phủ ban hành Nghị định quy định về quản lý hoạt động thử nghiệm.
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Nghị định này quy định về quản lý hoạt động thử nghiệm sản phẩm, hàng hóa.
Điều 2. Đối tượng áp dụng
1. Tổ chức, cá nhân hoạt động thử nghiệm.
2. Cơ quan quản lý nhà nước có liên quan.
Chương II
QUẢN LÝ HOẠT ĐỘNG THỬ NGHIỆM
Điều 3. Điều kiện hoạt động
1. Có tư cách pháp nhân theo quy định của pháp luật.
2. Có phòng thử nghiệm đáp ứng yêu cầu.
Điều 4. Hồ sơ đăng ký
Hồ sơ gồm đơn đăng ký và bản sao giấy chứng nhận.
Điều 5. Trách nhiệm của tổ chức thử nghiệm
1. Thực hiện thử nghiệm theo đúng quy trình đã đăng ký.
2. Báo cáo định kỳ về hoạt động thử nghiệm như sau:
a) Báo cáo sáu tháng trước ngày 15 tháng 6 hằng năm;
b) Báo cáo năm trước ngày 15 tháng 12 hằng năm.
3. Lưu trữ hồ sơ thử nghiệm trong thời hạn 05 năm.
Chương III
ĐIỀU KHOẢN THI HÀNH
Điều 6. Hiệu lực thi hành
Nghị định này có hiệu lực thi hành từ ngày 01 tháng 6 năm 2024.
Nơi nhận:
- Các bộ, cơ quan ngang bộ;
- Lưu: VT, KGVX.
TM. CHÍNH PHỦ
THỦ TƯỚNG
Nguyễn Văn A
"""


def test_a_point_of_a_decree_is_addressable_by_its_citation(tmp_path: Path) -> None:
    path = tmp_path / "decree.txt"
    path.write_text(DECREE, encoding="utf-8")
    db = tmp_path / "k.duckdb"
    assert ingest_files(db, [path]) == ["inserted"]
    with Dataset(db, read_only=True) as dataset:
        point = dataset.query(
            "SELECT n.kind, n.label, n.heading, n.path, n.line_start, p.citation AS parent "
            "FROM nodes n JOIN nodes p ON p.sha256 = n.sha256 AND p.node_id = n.parent "
            "WHERE n.citation = 'điểm a khoản 2 Điều 5'"
        )
        kinds = dict(
            (row["kind"], row["n"])
            for row in dataset.query("SELECT kind, count(*) AS n FROM nodes GROUP BY kind")
        )
        count = dataset.table_counts()["nodes"]
    assert point == [
        {
            "kind": "point",
            "label": "a",
            "heading": "Báo cáo sáu tháng trước ngày 15 tháng 6 hằng năm;",
            "path": "Chương II > Điều 5 > khoản 2 > điểm a",
            "line_start": 28,
            "parent": "khoản 2 Điều 5",
        }
    ]
    assert kinds["chapter"] == 3 and kinds["article"] == 6 and kinds["clause"] == 7
    assert kinds["point"] == 2
    assert ingest_files(db, [path]) == ["unchanged"]
    with Dataset(db, read_only=True) as dataset:
        assert dataset.table_counts()["nodes"] == count


def test_a_new_version_replaces_the_tree_and_it_is_exported(tmp_path: Path) -> None:
    path = tmp_path / "decree.txt"
    path.write_text(DECREE, encoding="utf-8")
    db = tmp_path / "k.duckdb"
    processed = process_file(path, PipelineSettings())
    with Dataset(db) as dataset:
        dataset.save(processed, run_id="r", path=str(path))
        again = processed.model_copy(update={"pipeline_version": "other"})
        assert dataset.save(again, run_id="r2", path=str(path)) == "replaced"
        rows = dataset.query("SELECT pipeline_version, count(*) AS n FROM nodes GROUP BY 1")
    assert rows == [{"pipeline_version": "other", "n": len(processed.plan.nodes)}]
    written = export_parquet(db, tmp_path / "parquet")
    exported = tmp_path / "parquet" / "nodes.parquet"
    assert exported in written
    counted = duckdb.sql(f"SELECT count(*) FROM '{exported}'").fetchall()
    assert counted == [(len(processed.plan.nodes),)]


def test_a_dataset_from_before_the_tree_opens_and_gains_it(tmp_path: Path) -> None:
    path = tmp_path / "decree.txt"
    path.write_text(DECREE, encoding="utf-8")
    db = tmp_path / "old.duckdb"
    ingest_files(db, [path])
    with duckdb.connect(str(db)) as connection:  # as a kehoach without the nodes table left it
        connection.execute("DROP TABLE nodes")
    with Dataset(db, read_only=True) as dataset:
        found = dataset.query("SELECT path FROM nodes WHERE citation = 'Điều 6'")
    assert found == [{"path": "Chương III > Điều 6"}]


def test_citations_name_the_article_not_the_chapter_above_it() -> None:
    assert citation("Chương II > Điều 5 > khoản 2 > điểm a") == "điểm a khoản 2 Điều 5"
    assert citation("Phần I > Chương II > Mục 1 > Điều 12") == "Điều 12"
    assert citation("Mục II > khoản 1 > điểm a") == "điểm a khoản 1 Mục II"
    assert citation("") == ""


PLAN_WITH_TABLE = """ỦY BAN NHÂN DÂN
TỈNH LÂM ĐỒNG
Số: 12/KH-UBND
Lâm Đồng, ngày 10 tháng 3 năm 2026
KẾ HOẠCH
Kiểm tra công tác cải cách hành chính năm 2026
I. LỊCH KIỂM TRA
| STT | Đơn vị được kiểm tra | Thời gian kiểm tra |
|---|---|---|
| 1 | Sở Xây dựng | Tháng 7/2026 |
| 2 | Sở Y tế | Tháng 8/2026 |
II. TỔ CHỨC THỰC HIỆN
Sở Nội vụ chủ trì thực hiện Kế hoạch này.
"""


def test_a_table_row_keeps_its_cells_under_the_column_headers(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN_WITH_TABLE, encoding="utf-8")
    db = tmp_path / "k.duckdb"
    ingest_files(db, [path])

    with duckdb.connect(str(db), read_only=True) as connection:
        table = connection.execute(
            "SELECT table_columns FROM nodes WHERE kind = 'table'"
        ).fetchall()
        rows = connection.execute(
            "SELECT label, cells FROM nodes WHERE kind = 'row' ORDER BY ordinal"
        ).fetchall()

    assert [json.loads(t[0]) for t in table] == [
        ["STT", "Đơn vị được kiểm tra", "Thời gian kiểm tra"]
    ]
    assert [(label, json.loads(cells)) for label, cells in rows] == [
        ("1", {"Đơn vị được kiểm tra": "Sở Xây dựng", "Thời gian kiểm tra": "Tháng 7/2026"}),
        ("2", {"Đơn vị được kiểm tra": "Sở Y tế", "Thời gian kiểm tra": "Tháng 8/2026"}),
    ]
