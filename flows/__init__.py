"""Prefect flows over the pipeline: bulk ingestion and re-extraction of stored documents.

Importing ``flows`` sets kehoach's Prefect defaults (see ``flows.env``) before Prefect itself is
imported, because Prefect reads its settings once, at import. Nothing under ``pipeline/``,
``diacritics/`` or ``extractors/`` imports this package.
"""

from __future__ import annotations

from flows.env import apply_defaults

apply_defaults()
