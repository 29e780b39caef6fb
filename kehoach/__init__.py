"""kehoach: Vietnamese provincial plans into structured, comparable data."""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

PIPELINE_VERSION = f"{__version__}+9"
"""Bump the suffix when restoration or extraction output changes: stored documents re-extract."""

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
"""The checkout (tests, bench, ../shared beside it); site-packages when installed."""

DATA_DIR = (PACKAGE_DIR / "data").resolve()
"""Models, vocabularies, encodings, report template, samples: the one home of data paths.

In a checkout ``kehoach/data`` is a link to ``data/``; an installed package carries the files."""
MODELS_DIR = DATA_DIR / "models"
SAMPLES_DIR = DATA_DIR / "samples"
IN_CHECKOUT = (REPO_ROOT / "pyproject.toml").is_file()
DEFAULT_DB = DATA_DIR / "kehoach.duckdb" if IN_CHECKOUT else Path("kehoach.duckdb")
"""In a checkout beside the data; installed, in the folder the command runs in."""
