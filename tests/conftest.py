"""Fixtures shared by every test: the ../shared folder when it is beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach import REPO_ROOT

SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (gold, seeds, corpus); the test skips when a new user has none."""
    if not (SHARED_DIR / "gold" / "GOLD_FORMAT.md").is_file():
        pytest.skip("needs ../shared (gold, seeds, corpus) beside the repository; CI has it")
    return SHARED_DIR
