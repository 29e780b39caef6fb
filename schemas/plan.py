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


class DocHeader(Frozen):
    province: NFCStr | None = None
    issuer: NFCStr | None = None
    doc_type: NFCStr | None = None
    number: NFCStr | None = None
    issue_date: str | None = Field(default=None, description="ISO date; ?? where illegible")
    title: NFCStr | None = None
    signer: Signer = Signer()
    place: NFCStr | None = None


class LegalBasis(Frozen):
    ref: NFCStr
    doc_type: NFCStr | None = None
    date: str | None = None
    issuer: NFCStr | None = None
    provenance: Provenance | None = None


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
    provenance: dict[str, tuple[Provenance, ...]] = Field(
        default_factory=dict,
        description="provenance of string-list fields: purposes, requirements, recipients",
    )
    nodes: tuple[Node, ...] = Field(
        default=(), description="the document's tree (schemas.structure), attached documents included"
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
