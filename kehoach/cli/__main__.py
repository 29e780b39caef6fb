"""``python -m kehoach.cli``: the ``kehoach`` command."""

from __future__ import annotations

from kehoach.cli import run

run()
