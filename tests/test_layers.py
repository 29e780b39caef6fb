"""Layers: every import of the project points down (docs/architecture.md, "Layers").

Imports inside functions count as much as those at the top: a lazy import is still a dependency.
Two packages on the same layer (analysis, evaluation) do not import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kehoach import REPO_ROOT

# (layer, module prefix), lowest first; a module belongs to the longest prefix naming it.
LAYERS: tuple[tuple[int, str], ...] = (
    (0, "schemas"),
    (0, "kehoach"),  # the package's constants (paths, versions); the CLI is kehoach.cli
    (1, "diacritics"),
    (2, "extractors"),
    (3, "pipeline"),  # the reading chain: file → ProcessedDocument
    (4, "pipeline.storage"),
    (5, "pipeline.analysis"),
    (5, "pipeline.evaluation"),
    (6, "diacritics.training"),  # renders pages with pipeline.evaluation.synthetic
    (7, "flows"),
    (8, "kehoach.cli"),
    (8, "bench"),
)
PACKAGES = ("schemas", "kehoach", "diacritics", "extractors", "pipeline", "flows", "bench")
PREFECT = ("prefect", "prefect_dask")  # bench may start a Dask cluster to measure the flows


def layer_of(module: str) -> tuple[int, str] | None:
    """The (layer, prefix) of a project module; None for a module outside the project."""
    named = [(len(p), rank, p) for rank, p in LAYERS if module == p or module.startswith(p + ".")]
    if not named:
        return None
    _, rank, prefix = max(named)
    return rank, prefix


def module_name(path: Path, root: Path = REPO_ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, at any depth; ``from a import b`` gives a.b."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def project_files() -> list[Path]:
    return sorted(f for package in PACKAGES for f in (REPO_ROOT / package).rglob("*.py"))


def upward_imports(files: list[Path], root: Path = REPO_ROOT) -> list[str]:
    """Each import from a higher layer, or from a sibling package of the same layer."""
    wrong: dict[tuple[Path, int, str], str] = {}
    for path in files:
        source = module_name(path, root)
        here = layer_of(source)
        assert here is not None, f"{source} is on no layer: add it to LAYERS and the docs' table"
        for line, target in imported(ast.parse(path.read_text("utf-8"), str(path))):
            there = layer_of(target)
            if there is None or there[1] == here[1]:
                continue
            if there[0] > here[0] or (there[0] == here[0] and not target.startswith(here[1])):
                where = path.relative_to(root)
                wrong.setdefault(  # "from a import b": a, unless b is a module of another layer
                    (path, line, there[1]),
                    f"{where}:{line}: {source} (layer {here[0]}) imports {target} "
                    f"(layer {there[0]})",
                )
    return sorted(wrong.values())


def test_every_import_points_down() -> None:
    assert upward_imports(project_files()) == []


def test_an_upward_import_is_caught(tmp_path: Path) -> None:
    # The check itself, on a copy of the tree with one import pointing up from inside a function.
    probe = tmp_path / "extractors" / "probe.py"
    probe.parent.mkdir()
    probe.write_text("def f():\n    from pipeline.storage.store import Dataset\n    return Dataset")
    sibling = tmp_path / "pipeline" / "analysis" / "probe.py"
    sibling.parent.mkdir(parents=True)
    sibling.write_text("import pipeline.evaluation.metrics\n")
    assert upward_imports([probe, sibling], tmp_path) == [
        "extractors/probe.py:2: extractors.probe (layer 2) imports "
        "pipeline.storage.store (layer 4)",
        "pipeline/analysis/probe.py:1: pipeline.analysis.probe (layer 5) imports "
        "pipeline.evaluation.metrics (layer 5)",
    ]


@pytest.mark.parametrize("package", [p for p in PACKAGES if p != "flows"])
def test_prefect_is_imported_only_by_flows(package: str) -> None:
    for path in (REPO_ROOT / package).rglob("*.py"):
        for line, target in imported(ast.parse(path.read_text("utf-8"))):
            assert target.split(".")[0] not in PREFECT, f"{path}:{line} imports {target}"
