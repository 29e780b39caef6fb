"""The files a batch names: folders walked, globs matched, symbolic links checked.

A walk never follows a link to a folder (two links to "." made ``glob('**')`` run without end),
and every entry it cannot use is reported rather than dropped: a link that loops or dangles, a
pipe, a folder it may not read, a link leading out of the folder it was given. Hidden entries
(editor and OS litter) are left out, as ``glob`` does.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from schemas import ErrorCode, ErrorReport, KehoachError
from schemas.errors import os_error, printable_path, storable_path

GLOB_CHARACTERS = frozenset("*?[")


@dataclass
class Expansion:
    """Paths to identify, in order, and entries refused while finding them."""

    files: list[Path] = field(default_factory=list)
    refused: list[ErrorReport] = field(default_factory=list)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _is_dir(path: Path | os.DirEntry[str], follow: bool = True) -> bool:
    """Whether ``path`` is a folder; False when it cannot be told (a folder above it is closed:
    identification then names the file with ``permission-denied``)."""
    try:
        return path.is_dir() if follow else path.is_dir(follow_symlinks=False)  # type: ignore[call-arg]
    except OSError:
        return False


def _is_link(path: Path | os.DirEntry[str]) -> bool:
    try:
        return path.is_symlink()
    except OSError:
        return False


def _entries(folder: Path, found: Expansion) -> list[os.DirEntry[str]]:
    """A folder's entries, sorted; a folder that cannot be listed is reported."""
    try:
        with os.scandir(folder) as scan:
            return sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        refusal = os_error(error, folder) or KehoachError(
            ErrorCode.PERMISSION_DENIED, folder, f"the folder cannot be listed: {error.strerror}"
        )
        found.refused.append(refusal.report())
        return []


def _inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


def _link(path: Path, root: Path, found: Expansion) -> None:
    """A symbolic link met in a walk: kept when it leads to a file inside ``root``.

    A broken link is kept so that identification names what is wrong with it; a link to a folder
    inside ``root`` is dropped, the walk reaches that folder's files by their own path.
    """
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling or looping: ``identify`` says which
        found.files.append(path)
        return
    if not _inside(target, root):
        what = "folder" if _is_dir(target) else "file"
        reason = (
            f"a link to the {what} {printable_path(target)}, outside {printable_path(root)}; "
            "not followed: name that path itself to ingest it"
        )
        found.refused.append(
            ErrorReport(code=ErrorCode.UNSAFE_PATH, path=storable_path(path), reason=reason)
        )
    elif not _is_dir(target):
        found.files.append(path)


def walk(folder: Path, root: Path, found: Expansion) -> None:
    """Every non-hidden non-folder entry under ``folder``; no link to a folder is followed."""
    for entry in _entries(folder, found):
        if _hidden(entry.name):
            continue
        path = Path(entry.path)
        if _is_link(entry):
            _link(path, root, found)
        elif _is_dir(entry, follow=False):
            walk(path, root, found)
        else:
            found.files.append(path)  # pipes and devices too: ``identify`` refuses them


def _match(folder: Path, parts: tuple[str, ...], found: Expansion) -> Iterator[Path]:
    """Paths under ``folder`` matching glob ``parts``; ``**`` never crosses a link to a folder."""
    if not parts:
        yield folder
        return
    head, rest = parts[0], parts[1:]
    if head == "**" and not rest:  # the folder and all below it: the walk of the folder
        yield folder
        return
    if head == "**":
        yield from _match(folder, rest, found)
        for entry in _entries(folder, found):
            if not _hidden(entry.name) and _is_dir(entry, follow=False):
                yield from _match(Path(entry.path), parts, found)
        return
    if not GLOB_CHARACTERS & set(head):
        candidate = folder / head
        if not rest and os.path.lexists(candidate):
            yield candidate
        elif rest and _is_dir(candidate):
            yield from _match(candidate, rest, found)
        return
    for entry in _entries(folder, found):
        if _hidden(entry.name) and not head.startswith("."):
            continue
        if fnmatch.fnmatchcase(entry.name, head):
            if not rest:
                yield Path(entry.path)
            elif _is_dir(entry):  # one level through a link at most: bounded
                yield from _match(Path(entry.path), rest, found)


def _glob_root(pattern: str) -> tuple[Path, tuple[str, ...]]:
    """The folder before the first wildcard, and the parts to match from there."""
    parts = Path(pattern).parts
    first = next(i for i, part in enumerate(parts) if GLOB_CHARACTERS & set(part))
    return Path(*parts[:first]) if first else Path("."), parts[first:]


def _add_match(path: Path, root: Path, found: Expansion) -> None:
    if _is_link(path):
        _link(path, root, found)
    elif _is_dir(path):
        walk(path, root, found)
    else:
        found.files.append(path)


def expand(pattern: str, found: Expansion) -> None:
    """Add a file, the files of a folder, or the matches of a glob; a missing name stays as
    given (its identification says it does not exist)."""
    before = len(found.files)
    if GLOB_CHARACTERS & set(pattern):
        folder, parts = _glob_root(pattern)
        root = folder.resolve()
        matches = sorted(set(_match(folder, parts, found)))
        for match in matches:
            _add_match(match, root, found)
        if matches:
            found.files[before:] = sorted(found.files[before:])
            return
    path = Path(pattern)
    if _is_dir(path):
        walk(path, path.resolve(), found)
        found.files[before:] = sorted(found.files[before:])
    else:
        found.files.append(path)  # named by the person: followed wherever it leads
