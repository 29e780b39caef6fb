"""Typed values that flow between kehoach's stages. Imports nothing else of the project."""

from schemas.common import SCHEMA_VERSION, BBox, Provenance, nfc
from schemas.errors import ErrorCode, ErrorReport, KehoachError
from schemas.layout import Block, BlockKind, DocumentTree
from schemas.plan import (
    Assignment,
    Award,
    CriteriaGroup,
    Deadline,
    DocHeader,
    LegalBasis,
    Obligation,
    PlanDocument,
    PortalAttributes,
    Relation,
    Signer,
    Target,
    Validity,
)
from schemas.restore import RestoredToken, RestoreResult
from schemas.result import ProcessedDocument, Section
from schemas.runs import RunEntry, RunOutcome
from schemas.settings import Limits, PipelineSettings
from schemas.source import SourceDocument, SourceKind
from schemas.structure import (
    Attachment,
    DocumentStructure,
    FramePart,
    Node,
    NodeKind,
)
from schemas.text import DocumentText, Line, PageText, TextMethod, Word

__all__ = [
    "SCHEMA_VERSION",
    "Assignment",
    "Attachment",
    "Award",
    "BBox",
    "Block",
    "BlockKind",
    "CriteriaGroup",
    "Deadline",
    "DocHeader",
    "DocumentStructure",
    "DocumentText",
    "DocumentTree",
    "ErrorCode",
    "ErrorReport",
    "FramePart",
    "KehoachError",
    "LegalBasis",
    "Limits",
    "Line",
    "Node",
    "NodeKind",
    "Obligation",
    "PageText",
    "PipelineSettings",
    "PlanDocument",
    "PortalAttributes",
    "ProcessedDocument",
    "Section",
    "Provenance",
    "Relation",
    "RestoreResult",
    "RestoredToken",
    "RunEntry",
    "RunOutcome",
    "Signer",
    "SourceDocument",
    "SourceKind",
    "Target",
    "TextMethod",
    "Validity",
    "Word",
    "nfc",
]
