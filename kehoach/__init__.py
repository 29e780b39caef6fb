"""kehoach: Vietnamese provincial plans into structured, comparable data."""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

PIPELINE_VERSION = f"{__version__}+2"
"""Bump the suffix when restoration or extraction output changes: stored documents re-extract."""

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
MODELS_DIR = DATA_DIR / "models"
SAMPLES_DIR = DATA_DIR / "samples"
DEFAULT_DB = DATA_DIR / "kehoach.duckdb"
