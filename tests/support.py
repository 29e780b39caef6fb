"""What several test modules build: documents for the dataset, plan files, scans; no tests here.

The gold plans of ../shared and a small plan built here (store, compare, obligations, report),
and saving documents or files into a dataset;
short plan files and bad files for batches (flows, CLI); a scanned plan and a TIFF (pages, flows).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from extractors import extract_plan
from extractors.obligations import plan_obligations
from extractors.outline import sections_of
from pipeline.evaluation.synthetic import Block, layout_document, render_layout, save_scanned_pdf
from pipeline.layout import build_tree, document_from_text
from pipeline.process import process_file
from pipeline.storage.store import Dataset
from schemas import (
    Assignment,
    Award,
    CriteriaGroup,
    Deadline,
    DocHeader,
    DocumentText,
    Line,
    PageText,
    PipelineSettings,
    PlanDocument,
    ProcessedDocument,
    Provenance,
    SourceDocument,
    SourceKind,
    TextMethod,
    nfc,
)

VERSION = "test+1"


def text_of(source: SourceDocument, lines: list[str], per_page: int = 60) -> DocumentText:
    """A plain-text DocumentText, ``per_page`` lines a page."""
    pages = [
        PageText(
            page_no=index // per_page + 1,
            lines=tuple(Line(text=line) for line in lines[index : index + per_page]),
            method=TextMethod.PLAIN,
        )
        for index in range(0, max(len(lines), 1), per_page)
    ]
    return DocumentText(source=source, pages=tuple(pages))


def processed(
    plan: PlanDocument,
    raw_lines: list[str],
    restored_lines: list[str] | None = None,
    *,
    name: str = "plan.txt",
    version: str = VERSION,
) -> ProcessedDocument:
    """A ProcessedDocument for ``plan`` whose identity is the hash of its raw lines."""
    data = "\n".join(raw_lines).encode("utf-8")
    source = SourceDocument(
        path=Path(name),
        sha256=hashlib.sha256(data).hexdigest(),
        kind=SourceKind.TEXT,
        size_bytes=len(data),
    )
    keyed = plan.model_copy(update={"sha256": source.sha256, "source": name})
    text = text_of(source, restored_lines or raw_lines)
    return ProcessedDocument(
        source=source,
        raw_text=text_of(source, raw_lines),
        text=text,
        plan=keyed,
        obligations=tuple(plan_obligations(keyed, source.sha256)),
        sections=sections_of(build_tree(text)),
        pipeline_version=version,
    )


def gold_documents(shared: Path, version: str = VERSION) -> list[ProcessedDocument]:
    """The seeds of ../shared with their gold extraction as the plan."""
    found = []
    for gold_path in sorted((shared / "gold").glob("*.gold.json")):
        stem = gold_path.name.removesuffix(".gold.json")
        seed = shared / "seeds" / f"{stem}.txt"
        if not seed.is_file():  # gold of a corpus plan (corpus/plans), not of a seed
            continue
        raw = nfc(seed.read_text(encoding="utf-8")).splitlines()
        restored_path = shared / "gold" / f"{stem}.restored.txt"
        restored = (
            nfc(restored_path.read_text(encoding="utf-8")).splitlines()
            if restored_path.is_file()
            else None
        )
        plan = PlanDocument.model_validate(json.loads(gold_path.read_text(encoding="utf-8")))
        found.append(processed(plan, raw, restored, name=f"seeds/{stem}.txt", version=version))
    return found


SMALL_LINES = [
    "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA",
    "KẾ HOẠCH",
    "Triển khai phong trào thi đua bảo vệ an ninh Tổ quốc",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "- Phát huy sức mạnh tổng hợp của cả hệ thống chính trị.",
    "II. NỘI DUNG THI ĐUA",
    "- Đối với các sở, ban, ngành: ban hành kế hoạch thực hiện phong trào.",
    "III. KHEN THƯỞNG",
    "- Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh.",
    "IV. TỔ CHỨC THỰC HIỆN",
    "1. Công an tỉnh chủ trì, phối hợp với Sở Nội vụ hướng dẫn, đôn đốc thực hiện Kế hoạch.",
    "2. Các sở, ban, ngành báo cáo kết quả về Công an tỉnh trước ngày 15/11 hằng năm.",
    "3. Sở Nội vụ tổng hợp, đề xuất khen thưởng trong quý IV năm 2026.",
]


def _at(line: int) -> Provenance:
    return Provenance(page=1, line_start=line, line_end=line)


def small_plan(province: str = "Khánh Hòa", report_day: str = "15/11") -> PlanDocument:
    """A plan written here, so that tests run without ../shared."""
    day, month = report_day.split("/")
    return PlanDocument(
        doc=DocHeader(
            province=province,
            issuer=f"Ủy ban nhân dân tỉnh {province}",
            doc_type="Kế hoạch",
            number="12/KH-UBND",
            issue_date="2026-02-03",
            title="Triển khai phong trào thi đua bảo vệ an ninh Tổ quốc",
        ),
        purposes=("Phát huy sức mạnh tổng hợp của cả hệ thống chính trị.",),
        criteria=(
            CriteriaGroup(
                target="Đối với các sở, ban, ngành",
                items=("Ban hành kế hoạch thực hiện phong trào.",),
                provenance=_at(7),
            ),
        ),
        awards=(
            Award(form="Bằng khen", grantor="Chủ tịch Ủy ban nhân dân tỉnh", provenance=_at(9)),
        ),
        deadlines=(
            Deadline(
                text=f"trước ngày {report_day} hằng năm",
                date=f"--{month}-{day}",
                recurrence="yearly",
                action="báo cáo kết quả về Công an tỉnh",
                agency="Các sở, ban, ngành",
                provenance=_at(12),
            ),
            Deadline(
                text="trong quý IV năm 2026",
                date="2026-Q4",
                recurrence="once",
                action="tổng hợp, đề xuất khen thưởng",
                agency="Sở Nội vụ",
                provenance=_at(13),
            ),
        ),
        assignments=(
            Assignment(
                agency="Công an tỉnh",
                role="lead",
                tasks=(SMALL_LINES[10].removeprefix("1. "),),
                provenance=_at(11),
            ),
            Assignment(
                agency="Các sở, ban, ngành",
                role="responsible",
                tasks=(SMALL_LINES[11].removeprefix("2. ").replace("15/11", report_day),),
                provenance=_at(12),
            ),
            Assignment(
                agency="Sở Nội vụ",
                role="responsible",
                tasks=("Sở Nội vụ tổng hợp, đề xuất khen thưởng trong quý IV năm 2026.",),
                provenance=_at(13),
            ),
        ),
        recipients=("Bộ Công an", "Lưu: Văn thư"),
    )


def small_document(
    province: str = "Khánh Hòa", report_day: str = "15/11", version: str = VERSION
) -> ProcessedDocument:
    """The small plan as a ProcessedDocument; a different province gives a different hash."""
    lines = [line.replace("KHÁNH HÒA", province.upper()) for line in SMALL_LINES]
    lines = [line.replace("15/11", report_day) for line in lines]
    return processed(
        small_plan(province, report_day), lines, name=f"{province}.txt", version=version
    )


def plan_of(text: str) -> PlanDocument:
    """The plan extracted from ``text`` read as one plain page, as written (no restoration)."""
    document = document_from_text(text)
    return extract_plan(build_tree(document), document.source)


def save_documents(db: Path, documents: Sequence[ProcessedDocument]) -> list[str]:
    """Save ``documents`` into the dataset ``db``, each under its source's path; what each save
    did ("inserted", "unchanged", ...)."""
    with Dataset(db) as dataset:
        return [
            dataset.save(document, run_id="r", path=str(document.source.path))
            for document in documents
        ]


def dataset_of(tmp_path: Path, documents: list[ProcessedDocument]) -> Path:
    """A dataset file holding ``documents``, saved in one run."""
    db = tmp_path / "k.duckdb"
    save_documents(db, documents)
    return db


def ingest_files(
    db: Path, paths: Sequence[Path], settings: PipelineSettings | None = None
) -> list[str]:
    """Read, process and save each of ``paths`` into the dataset ``db`` (a batch, no Prefect);
    what each save did."""
    settings = settings or PipelineSettings()
    return save_documents(db, [process_file(path, settings) for path in paths])


# --------------------------------------------------------------------------- plan files


PLAN_TEMPLATE = """ỦY BAN NHÂN DÂN
TỈNH {province_upper}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: {number}/KH-UBND
{province}, ngày {day} tháng 3 năm 2026
KẾ HOẠCH
Tuyên truyền cải cách hành chính năm 2026 trên địa bàn tỉnh {province}
Thực hiện Kế hoạch số 9669/KH-UBND ngày 24/12/2025 của UBND tỉnh về cải cách hành chính nhà nước
năm 2026, UBND tỉnh ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2026 như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
a) Nâng cao nhận thức của cán bộ, công chức, viên chức và người dân về cải cách hành chính.
b) Tạo sự đồng thuận của xã hội trong thực hiện các nhiệm vụ cải cách hành chính của tỉnh.
2. Yêu cầu
a) Công tác tuyên truyền bảo đảm kịp thời, thiết thực, hiệu quả.
b) Nội dung tuyên truyền phù hợp với từng đối tượng, địa bàn.
II. NỘI DUNG TUYÊN TRUYỀN
1. Tuyên truyền các chủ trương, chính sách của Đảng, pháp luật của Nhà nước về cải cách hành chính.
2. Tuyên truyền kết quả thực hiện Đề án 06 và chuyển đổi số trong cơ quan nhà nước.
III. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch; báo cáo kết quả về UBND tỉnh
trước ngày {day}/11/2026.
2. Sở Văn hóa, Thể thao và Du lịch phối hợp với Sở Nội vụ tổ chức tuyên truyền.
3. UBND các xã, phường căn cứ Kế hoạch này triển khai thực hiện tại địa phương.
Nơi nhận:
- Bộ Nội vụ;
- Thường trực Tỉnh ủy;
- Lưu: VT, SNV.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn {signer}
"""
PROVINCES = ("Lâm Đồng", "Quảng Ngãi", "Đồng Tháp", "Hưng Yên", "Gia Lai", "Cà Mau")
SIGNERS = ("An", "Bình", "Cường", "Dũng", "Hùng", "Khoa", "Long", "Minh", "Nam", "Phúc")


def write_plans(folder: Path, count: int, start: int = 0) -> list[Path]:
    """``count`` short Vietnamese plans, each with distinct content (so a distinct sha256)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(start, start + count):
        province = PROVINCES[index % len(PROVINCES)]
        text = PLAN_TEMPLATE.format(
            province=province,
            province_upper=province.upper(),
            number=100 + index,
            day=1 + index % 28,
            signer=SIGNERS[index % len(SIGNERS)],
        )
        path = folder / f"plan-{index:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def write_legacy_texts(folder: Path, count: int) -> list[Path]:
    """``count`` distinct legacy texts (the bundled OCR sample stripped of its diacritics and
    repeated, about 60 KB each): a text batch worth two workers (``flows.runners.batch_workers``:
    a legacy text is estimated at 9.4 CPU s a MB)."""
    from diacritics.orthography import strip_marks
    from kehoach import SAMPLES_DIR

    sample = strip_marks((SAMPLES_DIR / "plan-legacy-ocr.txt").read_text(encoding="utf-8"))
    repeats = max(1, 60_000 // len(sample.encode()))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"legacy-{number:03d}.txt"
        path.write_text(sample * repeats + f"\nBan sao so {number}\n", encoding="utf-8")
        paths.append(path)
    return paths


def write_bad_files(folder: Path) -> dict[str, str]:
    """An empty file (fails on identification) and a broken PDF (fails inside a worker task)."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> garbage, no xref\n")
    return {"empty.txt": "empty", "broken.pdf": "corrupt"}


# --------------------------------------------------------------------------- scans


HEADER = Block(
    left=("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI", "Số: 46/KH-UBND"),
    right=(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ngãi, ngày 12 tháng 02 năm 2026",
    ),
)
BODY = [
    "KẾ HOẠCH",
    "Chuyển đổi số trong cơ quan nhà nước năm 2026",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Nâng cao hiệu quả cung cấp dịch vụ công trực tuyến toàn trình cho người dân và doanh "
    "nghiệp; bảo đảm kết nối, chia sẻ dữ liệu giữa các cơ quan, đơn vị trên địa bàn tỉnh.",
    "Các cơ quan, đơn vị chủ động bố trí kinh phí, nhân lực để thực hiện các nhiệm vụ được "
    "giao, báo cáo kết quả định kỳ hằng quý về Sở Khoa học và Công nghệ.",
]


def untimed(document: DocumentText) -> DocumentText:
    """The document without reading times, which differ from one reading to the next."""
    pages = tuple(page.model_copy(update={"seconds": 0.0}) for page in document.pages)
    return document.model_copy(update={"pages": pages})


def two_frame_tiff(path: Path, *, cut_second: bool = False) -> Path:
    """A two-page TIFF of blank frames; ``cut_second`` truncates the second frame's pixels."""
    frames = [Image.new("L", (800, 600), 255), Image.new("L", (800, 600), 230)]
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:])
    if cut_second:
        path.write_bytes(path.read_bytes()[:-1000])
    return path


def write_scan(path: Path, pages: int = 2) -> Path:
    """A scanned plan of ``pages`` pages (image-only PDF)."""
    layouts = layout_document(BODY * max(6, 3 * pages), HEADER)[:pages]
    return save_scanned_pdf([render_layout(layout) for layout in layouts], path)
