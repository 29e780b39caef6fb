"""Environment defaults for Prefect and Tesseract, applied before Prefect is imported.

Every value is a default only: a variable the operator has set is left as it is.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

DEFAULTS: dict[str, str] = {
    # The ephemeral server takes 12-20 s to start on a fresh 2-core machine; Prefect's 20 s
    # default times out there, and a busy machine is slower still.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    # The command prints its own progress and summary; Prefect's console lines would bury them.
    # Logs still reach the Prefect API (and UI) at Prefect's own level.
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    # Nothing may call out at run time; the telemetry service also contends for the SQLite file.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}


def _writable(folder: Path) -> bool:
    """True when ``folder`` exists and can be written, or can be created."""
    probe = folder if folder.exists() else folder.parent
    return os.access(probe, os.W_OK)


def prefect_home(environ: MutableMapping[str, str]) -> str | None:
    """A PREFECT_HOME to set when Prefect's default (~/.prefect) cannot be written, else None."""
    if "PREFECT_HOME" in environ:
        return None
    if _writable(Path.home() / ".prefect"):
        return None
    return str(Path(tempfile.gettempdir()) / f"kehoach-prefect-{os.getuid()}")


def apply_defaults(environ: MutableMapping[str, str] | None = None) -> None:
    """Set kehoach's defaults in ``environ`` (the process environment) where they are unset."""
    target = os.environ if environ is None else environ
    for name, value in DEFAULTS.items():
        target.setdefault(name, value)
    home = prefect_home(target)
    if home is not None:
        target["PREFECT_HOME"] = home
