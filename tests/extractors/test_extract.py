"""Extraction on small plans written here: every field, with provenance, and the date normaliser."""

from __future__ import annotations

import subprocess
import sys

import pytest

from extractors.agencies import canonical_agency, split_agencies, subject_of
from extractors.awards import awards_in_text, split_grantors
from extractors.deadlines import normalize_date, recurrence_of
from extractors.obligations import obligations_of
from schemas import PlanDocument, Provenance
from tests.support import plan_of

MINI = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND
Quảng Ngãi, ngày 05 tháng 3 năm 2026

KẾ HOẠCH
Phát động phong trào thi đua
bảo vệ môi trường năm 2026

Căn cứ Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020;
Căn cứ Quyết định số 45/2025/QĐ-UBND ngày 10/12/2025 của Ủy ban nhân dân tỉnh ban hành Quy chế;
Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Nâng cao nhận thức của cán bộ, công chức và Nhân
dân về bảo vệ môi trường.
- Phát huy vai trò của các cơ quan, đơn vị.
2. Yêu cầu
- Phong trào được triển khai sâu rộng, thiết thực.
II. TIÊU CHÍ THI ĐUA VÀ HÌNH THỨC KHEN THƯỞNG
1. Tiêu chí thi đua
a) Đối với các sở, ban, ngành tỉnh
- Ban hành kế hoạch hưởng ứng phong trào.
- Phấn đấu 100% cơ quan phân loại rác tại nguồn.
b) Đối với UBND các xã, phường
- Xây dựng ít nhất 02 mô hình tự quản về môi trường.
2. Hình thức khen thưởng
- Khen thưởng hằng năm: Bằng khen của Chủ tịch UBND tỉnh; Giấy khen của Thủ trưởng sở,
ban, ngành, Chủ tịch UBND xã, phường.
- Khen thưởng tổng kết: Cờ thi đua của Ủy ban nhân dân tỉnh.
III. THỜI GIAN THỰC HIỆN
- Phong trào được triển khai từ ngày ban hành Kế hoạch; định kỳ hằng năm sơ kết và tổng
kết giai đoạn 05 năm/lần.
IV. TỔ CHỨC THỰC HIỆN
1. Sở Nông nghiệp và Môi trường: chủ trì, phối hợp với Sở Tài chính hướng dẫn thực hiện Kế hoạch.
2. UBND các xã, phường:
a) Xây dựng kế hoạch trong quý II năm 2026.
b) Báo cáo kết quả về Sở Nông nghiệp và Môi trường trước ngày 15/11 hằng năm.
3. Đề nghị Ủy ban MTTQ VN tỉnh, các tổ chức chính trị - xã hội tỉnh: vận động hội viên tham gia.
Trên đây là Kế hoạch phát động phong trào thi đua./.

Nơi nhận:
- Bộ Nông nghiệp và Môi trường;
- CT, các PCT UBND tỉnh;
- UBND các xã, phường;
- Lưu: VT, KT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Trần Văn Minh
"""


@pytest.fixture(scope="module")
def plan() -> PlanDocument:
    return plan_of(MINI)


def test_header_and_signer(plan: PlanDocument) -> None:
    doc = plan.doc
    assert (doc.province, doc.issuer, doc.doc_type) == (
        "Quảng Ngãi",
        "Ủy ban nhân dân tỉnh Quảng Ngãi",
        "Kế hoạch",
    )
    assert (doc.number, doc.issue_date) == ("12/KH-UBND", "2026-03-05")
    assert doc.title == "Phát động phong trào thi đua bảo vệ môi trường năm 2026"
    assert (doc.signer.name, doc.signer.title, doc.signer.on_behalf) == (
        "Trần Văn Minh",
        "Phó Chủ tịch",
        "KT. Chủ tịch",
    )
    assert plan.schema_version and plan.sha256 and len(plan.sha256) == 64


def test_legal_basis(plan: PlanDocument) -> None:
    assert [(b.ref, b.doc_type, b.date, b.issuer) for b in plan.legal_basis] == [
        ("Luật Bảo vệ môi trường", "Luật", "2020-11-17", None),
        ("45/2025/QĐ-UBND", "Quyết định", "2025-12-10", "Ủy ban nhân dân tỉnh"),
    ]


def test_purposes_and_requirements_with_provenance(plan: PlanDocument) -> None:
    assert plan.purposes == (
        "Nâng cao nhận thức của cán bộ, công chức và Nhân dân về bảo vệ môi trường.",
        "Phát huy vai trò của các cơ quan, đơn vị.",
    )
    assert plan.requirements == ("Phong trào được triển khai sâu rộng, thiết thực.",)
    first = plan.provenance["purposes"][0]
    assert (first.page, first.line_start, first.line_end) == (1, 18, 19)


def test_criteria_and_targets(plan: PlanDocument) -> None:
    assert [(g.target, len(g.items)) for g in plan.criteria] == [
        ("Đối với các sở, ban, ngành tỉnh", 2),
        ("Đối với UBND các xã, phường", 1),
    ]
    assert [(t.value, t.unit) for t in plan.targets] == [(100.0, "%"), (2.0, "mô hình")]


def test_awards(plan: PlanDocument) -> None:
    assert [(a.form, a.grantor, a.category) for a in plan.awards] == [
        ("Bằng khen", "Chủ tịch Ủy ban nhân dân tỉnh", "annual"),
        ("Giấy khen", "Thủ trưởng sở, ban, ngành", "annual"),
        ("Giấy khen", "Chủ tịch Ủy ban nhân dân xã, phường", "annual"),
        ("Cờ thi đua", "Ủy ban nhân dân tỉnh", "final"),
    ]


def test_awards_survive_missing_marks_and_ocr_slips() -> None:
    prov = Provenance(page=1, line_start=1, line_end=1)
    text = (
        "Bang khen cua Thu tướng Chính phủ; Béng khen của Chủ tịch Ủy ban nhân dân tỉnh; "
        "Giéy khen của Thủ trưởng sở, ban, ngành, Chu tich Uy ban nhan dan xã, phường; "
        "Huan chuong Lao dong."
    )
    found = [(a.form, a.grantor) for a in awards_in_text(text, "final", prov)]
    assert found == [
        ("Bằng khen", "Thủ tướng Chính phủ"),
        ("Bằng khen", "Chủ tịch Ủy ban nhân dân tỉnh"),
        ("Giấy khen", "Thủ trưởng sở, ban, ngành"),
        ("Giấy khen", "Chu tich Uy ban nhan dan xã, phường"),
        ("Huân chương Lao động", None),
    ]


def test_award_forms_need_their_own_words() -> None:
    prov = Provenance(page=1, line_start=1, line_end=1)
    # "Bằng" alone and "khen thưởng" name no form; a short word ("gửi") is never mended.
    text = "Bằng nhiều hình thức, khen thưởng kịp thời; gửi khen tặng cho tập thể."
    assert awards_in_text(text, "annual", prov) == []


def test_grantor_lists_split_only_at_a_new_grantor() -> None:
    assert split_grantors("Giám đốc Sở Nội vụ, Phó Chủ tịch Ủy ban nhân dân tỉnh") == [
        "Giám đốc Sở Nội vụ, Phó Chủ tịch Ủy ban nhân dân tỉnh"
    ]
    assert split_grantors("Chủ tịch Ủy ban nhân dân tỉnh và Thủ trưởng các sở") == [
        "Chủ tịch Ủy ban nhân dân tỉnh",
        "Thủ trưởng các sở",
    ]


def test_spacy_loads_only_where_phrases_are_matched() -> None:
    code = (
        "import sys, extractors, extractors.awards, kehoach.cli, pipeline.process;"
        "print('spacy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_deadlines(plan: PlanDocument) -> None:
    found = [(d.text, d.date, d.recurrence) for d in plan.deadlines]
    assert found == [
        ("từ ngày ban hành Kế hoạch", "2026-03-05", "once"),
        ("định kỳ hằng năm", None, "yearly"),
        ("giai đoạn 05 năm/lần", None, "periodic"),
        ("trong quý II năm 2026", "2026-Q2", "once"),
        ("trước ngày 15/11 hằng năm", "--11-15", "yearly"),
    ]
    assert plan.deadlines[3].agency == "Ủy ban nhân dân các xã, phường"
    assert plan.deadlines[4].action and plan.deadlines[4].action.startswith("Báo cáo kết quả")


def test_assignments(plan: PlanDocument) -> None:
    found = {(a.agency, a.role): len(a.tasks) for a in plan.assignments}
    assert found == {
        ("Sở Nông nghiệp và Môi trường", "lead"): 1,
        ("Sở Tài chính", "coordinate"): 1,
        ("Ủy ban nhân dân các xã, phường", "responsible"): 2,
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "responsible"): 1,
        ("Các tổ chức chính trị - xã hội tỉnh", "responsible"): 1,
    }
    for assignment in plan.assignments:
        assert assignment.provenance is not None
        assert len(assignment.task_provenance) == len(assignment.tasks)


def test_obligations_carry_their_deadline(plan: PlanDocument) -> None:
    obligations = obligations_of(plan)
    report = next(o for o in obligations if o.task.startswith("Báo cáo kết quả"))
    assert report.agency == "Ủy ban nhân dân các xã, phường"
    assert report.deadline is not None and report.deadline.date == "--11-15"
    assert report.document_sha256 == plan.sha256 and report.province == "Quảng Ngãi"


def test_recipients(plan: PlanDocument) -> None:
    assert plan.recipients == (
        "Bộ Nông nghiệp và Môi trường",
        "Chủ tịch, các Phó Chủ tịch Ủy ban nhân dân tỉnh",
        "Ủy ban nhân dân các xã, phường",
        "Lưu: Văn thư, KT",
    )
    assert len(plan.provenance["recipients"]) == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trước ngày 30/01 hằng năm", "--01-30"),
        ("trước ngày 10 tháng 11 hằng năm", "--11-10"),
        ("trong tháng 01/2026", "2026-01"),
        ("từ tháng 12 năm 2025", "2025-12"),
        ("trong quý IV năm 2025", "2025-Q4"),
        ("vào đầu tháng 11 của năm", "--11"),
        ("từ ngày 01/02/2025 - 31/12/2025", "2025-12-31"),
        ("từ ngày 01/3 đến ngày 30/6/2026", "2026-06-30"),
        ("trước ngày 25 tháng 10 năm 2025", "2025-10-25"),
        ("chậm nhất là ngày 15/01/2026", "2026-01-15"),
        ("từ khi ban hành đến hết năm 2030", "2030-12-31"),
        ("giai đoạn 05 năm/lần", None),
        ("định kỳ hằng năm", None),
        ("cuối năm", None),
        ("trước ngày 31/13/2025", None),
    ],
)
def test_normalize_date(text: str, expected: str | None) -> None:
    assert normalize_date(text) == expected


def test_normalize_date_from_issue() -> None:
    assert normalize_date("từ ngày ban hành Kế hoạch", "2025-12-??") == "2025-12"
    assert normalize_date("từ ngày ban hành Kế hoạch", "2026-03-05") == "2026-03-05"
    assert normalize_date("từ ngày ban hành Kế hoạch") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trước ngày 15/11 hàng năm", "yearly"),
        ("giai đoạn 05 năm/lần", "periodic"),
        ("trong tháng 01/2026", "once"),
        ("định kỳ hằng quý", "periodic"),
    ],
)
def test_recurrence(text: str, expected: str) -> None:
    assert recurrence_of(text) == expected


def test_agency_names_are_split_and_normalised() -> None:
    assert split_agencies(
        "Công an tỉnh, Sở Văn hóa, Thể thao và Du lịch và đề nghị Ủy ban MTTQ VN tỉnh"
    ) == [
        "Công an tỉnh",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    ]
    assert (
        canonical_agency("Ban Tuyên giáo và Dân vận tỉnh ủy") == "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    )
    assert canonical_agency("Bộ CHQS tỉnh") == "Bộ Chỉ huy quân sự tỉnh"
    subject = subject_of("Công an tỉnh chủ trì, phối hợp với Sở Nội vụ triển khai Kế hoạch.")
    assert subject is not None and subject.agencies == ("Công an tỉnh",) and subject.role == "lead"
    assert subject_of("Tăng cường sự lãnh đạo của cấp ủy.") is None


MINISTRY = """BỘ CÔNG AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: /KH-BCA-C04 Hà Nội, ngày tháng 10 năm 2025
KẾ HOẠCH
Tổ chức Hội nghị triển khai Chương trình

_ Thực hiện Nghị quyết số 163/2024/QH15 ngày 27 tháng 11 năm 2024 của Quốc hội;
I. MỤC ĐÍCH, YÊU CẦU
1. Quán triệt, triển khai thực hiện Chương trình.
II. PHÂN CÔNG NHIỆM VỤ
1. C04: Chủ trì, phối hợp với V01 chuẩn bị nội dung Hội nghị.
2. Công an các địa phương
- Mời và triệu tập đại biểu dự Hội nghị.
- In và phát tài liệu cho đại biểu./.
Nơi nhận:
- Công an các tỉnh, TP trực thuộc TW;
- Lưu: VT, C04.
KT. BỘ TRƯỞNG
THỨ TRƯỞNG
Thượng tướng Nguyễn Văn Long
"""


def test_a_ministry_plan_with_unit_codes_and_agency_headings() -> None:
    plan = plan_of(MINISTRY)
    assert (plan.doc.issuer, plan.doc.province, plan.doc.number) == ("Bộ Công an", None, None)
    assert plan.doc.signer.name == "Nguyễn Văn Long" and plan.doc.signer.title == "Thứ trưởng"
    assert [b.ref for b in plan.legal_basis] == ["163/2024/QH15"]
    assert plan.purposes == ("Quán triệt, triển khai thực hiện Chương trình.",)
    found = {(a.agency, a.role): len(a.tasks) for a in plan.assignments}
    assert found == {
        ("C04", "lead"): 1,
        ("V01", "coordinate"): 1,
        ("Công an các địa phương", "responsible"): 2,
    }
    assert plan.recipients == ("Công an các tỉnh, TP trực thuộc Trung ương", "Lưu: Văn thư, C04")


ANNEX_PLAN = """KẾ HOẠCH
Cải cách hành chính năm 2026

Căn cứ Luật Tổ chức chính quyền địa phương;
I. MỤC TIÊU
- Nâng cao chỉ số hài lòng.
II. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ: theo dõi việc thực hiện Kế hoạch./.
Nơi nhận:
- Lưu: VT.
CHỦ TỊCH
Nguyễn Văn An

Phụ lục
PHÂN CÔNG THỰC HIỆN NHIỆM VỤ
STT
Nhiệm vụ
Sản phẩm
Thời gian
hoàn thành
Chủ trì
Phối hợp
I
Cải cách thể chế

1
Công bố danh mục văn bản hết hiệu lực
Danh mục văn bản
Trước ngày 31/01 hằng năm
Sở Tư pháp; UBND các xã, phường

2
Ban hành kế hoạch kiểm tra
Kế hoạch kiểm tra của tỉnh
Trong tháng 01/2026
Sở Nội vụ
Các cơ quan, đơn vị, địa phương

Kế hoạch tự kiểm tra
Chậm nhất trong tháng 6/2026
Các cơ quan, đơn vị, địa phương

"""


def test_annex_assignment_table() -> None:
    plan = plan_of(ANNEX_PLAN)
    found = {(a.agency, a.role): a.tasks for a in plan.assignments}
    assert found[("Sở Tư pháp", "lead")] == ("Công bố danh mục văn bản hết hiệu lực",)
    assert found[("Ủy ban nhân dân các xã, phường", "lead")] == (
        "Công bố danh mục văn bản hết hiệu lực",
    )
    assert found[("Các cơ quan, đơn vị, địa phương", "coordinate")] == (
        "Ban hành kế hoạch kiểm tra",
    )
    assert found[("Các cơ quan, đơn vị, địa phương", "lead")] == ("Ban hành kế hoạch kiểm tra",)
    dated = {(d.date, d.agency, d.action) for d in plan.deadlines}
    assert (
        "--01-31",
        "Sở Tư pháp, Ủy ban nhân dân các xã, phường",
        "Công bố danh mục văn bản hết hiệu lực",
    ) in dated
    assert ("2026-06", "Các cơ quan, đơn vị, địa phương", "Ban hành kế hoạch kiểm tra") in dated
