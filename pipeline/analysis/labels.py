"""Display labels of fields, sections, roles and recurrences (data/report/labels.json)."""

from __future__ import annotations

import json
from functools import cache

from kehoach import DATA_DIR
from schemas import nfc


@cache
def display_labels() -> dict[str, str]:
    """Name → label ("purposes" → "Mục đích", "lead" → "chủ trì")."""
    raw = json.loads((DATA_DIR / "report" / "labels.json").read_text(encoding="utf-8"))
    return {name: nfc(label) for name, label in raw.items()}
