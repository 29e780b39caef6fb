"""The committed JSON Schemas of the outputs are those the models give."""

from __future__ import annotations

import json

from schemas.json.export import FOLDER, MODELS, render


def test_json_schema_files_are_current() -> None:
    for name, model in MODELS.items():
        path = FOLDER / f"{name}.schema.json"
        assert path.read_text(encoding="utf-8") == render(model), (
            "run python -m schemas.json.export"
        )
    plan = json.loads((FOLDER / "plan.schema.json").read_text(encoding="utf-8"))
    for field in (
        "doc",
        "legal_basis",
        "purposes",
        "requirements",
        "criteria",
        "awards",
        "deadlines",
        "assignments",
        "targets",
        "recipients",
        "schema_version",
    ):
        assert field in plan["properties"]
