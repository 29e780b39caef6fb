"""Export the JSON Schema of kehoach's output models into ``schemas/json/*.schema.json``.

Run ``python -m schemas.json.export`` (or call :func:`export_schemas`) after changing a model; the
test suite checks the committed files are current.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from schemas import SCHEMA_VERSION, DocumentTree, Obligation, PlanDocument, ProcessedDocument

FOLDER = Path(__file__).resolve().parent
MODELS: dict[str, type[BaseModel]] = {
    "plan": PlanDocument,
    "obligation": Obligation,
    "document_tree": DocumentTree,
    "processed_document": ProcessedDocument,
}


def schema_of(model: type[BaseModel]) -> dict[str, object]:
    """The JSON Schema of one model, with the schema version it describes."""
    schema = model.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["x-kehoach-schema-version"] = SCHEMA_VERSION
    return schema


def render(model: type[BaseModel]) -> str:
    """The file text for one model's schema."""
    return json.dumps(schema_of(model), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def export_schemas(folder: Path = FOLDER) -> list[Path]:
    """Write one ``<name>.schema.json`` per output model; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in MODELS.items():
        path = folder / f"{name}.schema.json"
        path.write_text(render(model), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in export_schemas(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER):
        print(written_path)
