"""A document's structure: its frame, its body tree, the documents attached after its signature.

``build_structure`` reads a ``DocumentText`` into ``schemas.DocumentStructure`` (nodes with ids,
kinds, labels, headings, citation paths and provenance) and the ``DocumentTree`` extraction reads
(``pipeline.layout.build_tree``), both from one item tree. Stages: ``lines`` (clean, number) →
``frame`` (segments: parent and attachments; header | body | closing of each) → ``levels``
(numbering read against the sequence, nesting) → ``nodes`` (the two views) and ``tables``.
"""

from __future__ import annotations

from pipeline.structure.build import build_structure, find_node

__all__ = ["build_structure", "find_node"]
