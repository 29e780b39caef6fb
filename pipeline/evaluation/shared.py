"""The shared folder the evaluators score against (seeds/, gold/, corpus/ beside the repository)."""

from __future__ import annotations

from pathlib import Path

from schemas import ErrorCode, KehoachError


def shared_folder(shared: Path | str) -> Path:
    """``shared`` when it holds seeds/ and gold/; a usage error (exit code 2) otherwise."""
    folder = Path(shared)
    missing = [name for name in ("seeds", "gold") if not (folder / name).is_dir()]
    if missing:
        raise KehoachError(
            ErrorCode.USAGE, folder, f"no {' or '.join(missing)}/ here: pass --shared FOLDER"
        )
    return folder
