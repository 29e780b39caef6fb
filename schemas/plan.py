"""The extraction result: a superset of ../shared/gold/GOLD_FORMAT.md.

Gold's fields keep their names and types; kehoach adds provenance and confidence beside them.
String-list fields of gold (purposes, requirements, criteria items, recipients) stay string lists;
their provenance sits in ``PlanDocument.provenance`` under the field's name, index for index.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from schemas.common import SCHEMA_VERSION, Frozen, NFCStr, Provenance
from schemas.structure import Node

Role = Literal["lead", "coordinate", "responsible"]
IssuerLevel = Literal["central", "province", "district", "commune"]
RelationKind = Literal[
    "can_cu",  # "Căn cứ …": the legal basis
    "thuc_hien",  # "Thực hiện / Triển khai …": implements
    "sua_doi",  # amends ("Sửa đổi, bổ sung …")
    "bo_sung",  # supplements
    "thay_the",  # replaces
    "bai_bo",  # repeals ("Bãi bỏ …", "… hết hiệu lực kể từ …")
    "huong_dan",  # guides ("hướng dẫn thi hành …")
    "hop_nhat",  # consolidates (văn bản hợp nhất)
    "dan_chieu",  # any other citation in the body
]
RelationSource = Literal["preamble", "body", "portal"]
ValidityStatus = Literal["in_force", "not_yet_in_force", "expired", "partly_expired", "unknown"]
AwardCategory = Literal["annual", "final", "other"]
Recurrence = Literal["yearly", "once", "periodic", "none"]


FACT_FIELDS = (
    "legal_basis",
    "purposes",
    "requirements",
    "criteria",
    "awards",
    "deadlines",
    "assignments",
    "targets",
    "recipients",
)
"""The list fields of a plan, in the gold's order: what analysts count and compare."""


class Signer(Frozen):
    name: NFCStr | None = None
    title: NFCStr | None = None
    on_behalf: NFCStr | None = None


class PortalAttributes(Frozen):
    """The attribute block of a legal portal's page (vbpl.vn "Thuộc tính"), as written there."""

    number: NFCStr | None = Field(default=None, description='"Số hiệu"')
    doc_type: NFCStr | None = Field(default=None, description='"Loại văn bản"')
    issuer: NFCStr | None = Field(default=None, description='"Cơ quan ban hành"')
    issue_date: str | None = Field(default=None, description='"Ngày ban hành", ISO')
    effective_date: str | None = Field(default=None, description='"Ngày có hiệu lực", ISO')
    expiry_date: str | None = Field(default=None, description='"Ngày hết hiệu lực", ISO')
    signer_name: NFCStr | None = Field(default=None, description='"Người ký"')
    signer_title: NFCStr | None = Field(default=None, description='"Chức danh"')
    status: NFCStr | None = Field(
        default=None, description='"Còn hiệu lực", "Hết hiệu lực toàn bộ"'
    )


class DocHeader(Frozen):
    province: NFCStr | None = Field(
        default=None, description="only for local issuers; null for central bodies"
    )
    issuer: NFCStr | None = None
    doc_type: NFCStr | None = None
    number: NFCStr | None = None
    issue_date: str | None = Field(default=None, description="ISO date; ?? where illegible")
    title: NFCStr | None = None
    signer: Signer = Signer()
    place: NFCStr | None = None
    issuer_parent: NFCStr | None = Field(
        default=None, description='the body above the issuer in the header ("Bộ Công an")'
    )
    issuer_level: IssuerLevel | None = None
    authority: NFCStr | None = Field(
        default=None, description='the authority line before the preamble ("Thủ tướng Chính phủ")'
    )
    portal: PortalAttributes | None = None
    effective_date: str | None = Field(
        default=None, description='ISO date the document takes effect ("có hiệu lực … từ ngày …")'
    )
    expiry_date: str | None = Field(
        default=None, description='ISO date the document ceases to have effect ("hết hiệu lực")'
    )


class LegalBasis(Frozen):
    ref: NFCStr
    doc_type: NFCStr | None = None
    date: str | None = None
    issuer: NFCStr | None = None
    provenance: Provenance | None = None
    name: NFCStr | None = Field(
        default=None, description='a named law\'s name beside its number ("Luật Tổ chức Chính phủ")'
    )
    key: str | None = Field(
        default=None, description="canonical key of the cited document, to resolve it to a work"
    )


class Relation(Frozen):
    """One link from this document to another: it cites, implements, amends, repeals ... it."""

    kind: RelationKind
    ref: NFCStr = Field(description='the other document as written ("98/2023/NĐ-CP")')
    key: str = Field(description="canonical key (extractors.legal_basis.ref_key)")
    doc_type: NFCStr | None = None
    date: str | None = None
    issuer: NFCStr | None = None
    source: RelationSource = "body"
    inverse: bool = Field(
        default=False,
        description='true when the other document acts on this one ("được sửa đổi bởi …")',
    )
    scope: NFCStr | None = Field(
        default=None, description='the part concerned, as written ("khoản 2 Điều 5")'
    )
    text: NFCStr | None = Field(default=None, description="the sentence that states it")
    provenance: Provenance | None = None


class Validity(Frozen):
    """When the document applies: from its own provisions, the portal's attributes, relations."""

    effective_date: str | None = None
    expiry_date: str | None = None
    status: ValidityStatus = "unknown"
    basis: NFCStr | None = Field(default=None, description="what the status was derived from")


class CriteriaGroup(Frozen):
    target: NFCStr
    items: tuple[NFCStr, ...] = ()
    provenance: Provenance | None = None


class Award(Frozen):
    form: NFCStr
    grantor: NFCStr | None = None
    category: AwardCategory = "other"
    quantity: int | None = None
    recipients: NFCStr | None = None
    provenance: Provenance | None = None


class Deadline(Frozen):
    text: NFCStr
    date: str | None = None
    recurrence: Recurrence = "none"
    action: NFCStr | None = None
    agency: NFCStr | None = None
    provenance: Provenance | None = None


class Assignment(Frozen):
    agency: NFCStr
    role: Role = "responsible"
    tasks: tuple[NFCStr, ...] = ()
    provenance: Provenance | None = None
    task_provenance: tuple[Provenance, ...] = Field(
        default=(), description="provenance of each task, index for index"
    )


class Target(Frozen):
    text: NFCStr
    value: float | None = None
    unit: NFCStr | None = None
    provenance: Provenance | None = None


class PlanDocument(Frozen):
    """Everything extracted from one plan, in the gold's shape plus provenance."""

    schema_version: str = SCHEMA_VERSION
    sha256: str | None = None
    source: str | None = None
    doc: DocHeader = DocHeader()
    legal_basis: tuple[LegalBasis, ...] = ()
    purposes: tuple[NFCStr, ...] = ()
    requirements: tuple[NFCStr, ...] = ()
    criteria: tuple[CriteriaGroup, ...] = ()
    awards: tuple[Award, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    targets: tuple[Target, ...] = ()
    recipients: tuple[NFCStr, ...] = ()
    relations: tuple[Relation, ...] = ()
    validity: Validity = Validity()
    provenance: dict[str, tuple[Provenance, ...]] = Field(
        default_factory=dict,
        description="provenance of string-list fields: purposes, requirements, recipients",
    )
    nodes: tuple[Node, ...] = Field(
        default=(),
        description="the document's tree (schemas.structure), attached documents included",
    )


class Obligation(Frozen):
    """One agency, one task, its deadline if any, and where the plan says so."""

    agency: NFCStr
    role: Role
    task: NFCStr
    deadline: Deadline | None = None
    document_sha256: str
    document_title: NFCStr | None = None
    province: NFCStr | None = None
    provenance: Provenance | None = None
