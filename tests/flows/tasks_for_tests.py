"""Tasks the flow tests submit, in a module of their own: a forked worker imports it to run
them (a test module's import would collect its fixtures and tests again)."""

from __future__ import annotations

import os
import time

from prefect import task


@task
def pid_after(seconds: float) -> int:
    """The process that ran this task, after ``seconds`` (so that no worker takes them all)."""
    time.sleep(seconds)
    return os.getpid()
