"""Documents for the dataset tests: the gold plans of ../shared, and a small plan built here.

Imported by the store, compare, obligations and report tests; it holds no tests itself.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from extractors.obligations import plan_obligations
from extractors.outline import sections_of
from pipeline.layout import build_tree
from schemas import (
    Assignment,
    Award,
    CriteriaGroup,
    Deadline,
    DocHeader,
    DocumentText,
    Line,
    PageText,
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
