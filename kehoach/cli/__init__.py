"""The ``kehoach`` command: parses arguments and calls the library, nothing more.

Heavy libraries (Prefect, spaCy, pandas, Tesseract wrappers) are imported inside the commands so
that ``kehoach --help`` answers at once. ``base`` holds the application and its one error
handler; ``documents`` and ``dataset`` register the commands on it.
"""

from __future__ import annotations

import sys

import typer

from kehoach.cli import dataset, documents  # noqa: F401 - registers the commands on ``app``
from kehoach.cli.base import EXIT_INTERNAL, app, hoist_global_options

__all__ = ["app", "hoist_global_options", "run"]


def run() -> None:
    """Console entry point: an unexpected exception is a bug, reported with exit code 5."""
    try:
        app()
    except Exception as error:  # noqa: BLE001 - the last line of defence, it re-reports
        typer.echo(f"kehoach: internal error: {type(error).__name__}: {error}", err=True)
        typer.echo("please report it with the file that caused it", err=True)
        sys.exit(EXIT_INTERNAL)
