"""One Prefect API for a whole batch, the command's own process and every local worker alike.

Without a configured ``PREFECT_API_URL`` Prefect starts a temporary ("ephemeral") server in each
process that needs one: a worker process or a Dask worker on this machine would then spend 15-40 s
starting a server of its own before its first task. So the command starts that server once, and
hands its address to every process it starts through the environment. Operators with a Prefect
server of their own set ``PREFECT_API_URL`` and nothing is started; a Dask cluster of several
machines needs such a server, reachable from every worker (the temporary one listens on loopback).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def prefect_api() -> Iterator[str]:
    """The API every process of this batch talks to: the configured one, or one started here."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    settings = get_current_settings()
    if settings.api.url:
        yield str(settings.api.url)
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the process-wide instance Prefect itself would start
    server.start(timeout=int(settings.server.ephemeral.startup_timeout_seconds))
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = server.api_url  # worker processes inherit it
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
