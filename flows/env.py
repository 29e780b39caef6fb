"""Environment defaults for Prefect and Tesseract, applied before Prefect is imported, and the
check that Prefect's task results are read only from a folder no other user can write.

Every value is a default only: a variable the operator has set is left as it is.

Prefect stores task results (for the cache that spares OCR on a re-run) as files whose own
metadata names their serializer, pickle by default, and reads them back with it whatever the
task's serializer says: a file planted under a predictable cache key runs code in the next
ingest. So the result folder must be private: a real folder owned by this user, mode 0700, in
folders only this user or root can change. A folder another user could have written is never
used (a planted file may already be there); a fresh private one replaces it for the run.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path

DEFAULTS: dict[str, str] = {
    # A batch's server (flows.server, and Prefect's own ephemeral one) takes 12-20 s to start on
    # a fresh 2-core machine; Prefect's 20 s default times out there, a busy machine is slower.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    # The command prints its own progress and summary; Prefect's console lines would bury them.
    # Logs still reach the Prefect API (and UI) at Prefect's own level.
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    # Nothing may call out at run time; the telemetry service also contends for the SQLite file.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # The client's side of the same: Prefect's SDK telemetry, and its first-run notice printed
    # into kehoach's output on a terminal, are off only by this variable (Prefect 3.9 reads no
    # PREFECT_ setting for them; the notice itself names it).
    "DO_NOT_TRACK": "1",
}


def _writable(folder: Path) -> bool:
    """True when ``folder`` exists and can be written, or can be created."""
    probe = folder if folder.exists() else folder.parent
    return os.access(probe, os.W_OK)


def _safe_parents(folder: Path) -> bool:
    """No one but this user or root can rename or replace ``folder``: every folder above it is
    theirs, and writable by others only with the sticky bit (as /tmp is)."""
    for parent in folder.parents:
        status = parent.stat()
        if status.st_uid not in (0, os.getuid()):
            return False
        if status.st_mode & 0o022 and not status.st_mode & stat.S_ISVTX:
            return False
    return True


def is_private(folder: Path) -> bool:
    """A real folder (no link) owned by this user, mode 0700, in safe parents."""
    try:
        status = folder.lstat()
        return (
            stat.S_ISDIR(status.st_mode)
            and status.st_uid == os.getuid()
            and stat.S_IMODE(status.st_mode) == 0o700
            and _safe_parents(folder.absolute())
        )
    except OSError:
        return False


def private_folder(folder: Path) -> Path | None:
    """``folder`` made private (created mode 0700, or tightened to 0700 when only this user
    could write it already); None when another user could have written into it."""
    folder = Path(folder).absolute()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        status = folder.lstat()
    except OSError:
        return None
    others_could_write = status.st_mode & 0o022 or status.st_uid != os.getuid()
    if stat.S_ISLNK(status.st_mode) or not stat.S_ISDIR(status.st_mode) or others_could_write:
        return None
    if stat.S_IMODE(status.st_mode) != 0o700:
        os.chmod(folder, 0o700)
    return folder if is_private(folder) else None


def fresh_private_folder(purpose: str) -> Path:
    """A new private folder under the temporary folder (``mkdtemp`` makes it 0700)."""
    return Path(tempfile.mkdtemp(prefix=f"kehoach-{purpose}-{os.getuid()}-"))


def prefect_home(environ: MutableMapping[str, str]) -> str | None:
    """A PREFECT_HOME to set when Prefect's default (~/.prefect) cannot be written, else None.

    The fallback /tmp/kehoach-prefect-<uid> is used only when it is private: another local user
    can create that name first.
    """
    if "PREFECT_HOME" in environ:
        return None
    if _writable(Path.home() / ".prefect"):
        return None
    return str(fallback_home())


def fallback_home() -> Path:
    """/tmp/kehoach-prefect-<uid> when it is private, else a fresh private folder."""
    fallback = Path(tempfile.gettempdir()) / f"kehoach-prefect-{os.getuid()}"
    return private_folder(fallback) or fresh_private_folder("prefect")


@contextmanager
def private_results() -> Iterator[Path]:
    """Run Prefect with its result folder private (see the module's docstring); yields it.

    A result folder another user could write is replaced for this run by a fresh private one,
    with a warning (the cache then starts empty). Set for this process's Prefect settings and,
    through the environment, for worker processes.
    """
    from prefect.settings import (
        PREFECT_LOCAL_STORAGE_PATH,
        get_current_settings,
        temporary_settings,
    )

    configured = Path(get_current_settings().results.local_storage_path).expanduser()
    folder = private_folder(configured)
    if folder is None:
        folder = fresh_private_folder("results")
        print(
            f"kehoach: warning: Prefect's result folder {configured} could be written by another "
            f"user; its cached results are not read, this run uses {folder}",
            file=sys.stderr,
        )
    previous = os.environ.get("PREFECT_LOCAL_STORAGE_PATH")
    os.environ["PREFECT_LOCAL_STORAGE_PATH"] = str(folder)
    try:
        with temporary_settings(updates={PREFECT_LOCAL_STORAGE_PATH: folder}):
            yield folder
    finally:
        if previous is None:
            os.environ.pop("PREFECT_LOCAL_STORAGE_PATH", None)
        else:
            os.environ["PREFECT_LOCAL_STORAGE_PATH"] = previous


def apply_defaults(environ: MutableMapping[str, str] | None = None) -> None:
    """Set kehoach's defaults in ``environ`` (the process environment) where they are unset."""
    target = os.environ if environ is None else environ
    for name, value in DEFAULTS.items():
        target.setdefault(name, value)
    home = prefect_home(target)
    if home is not None:
        target["PREFECT_HOME"] = home
