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
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

PARENT_VARIABLE = "KEHOACH_SERVER_PARENT"
PR_SET_PDEATHSIG = 1


def _server_class() -> type:
    """Prefect's temporary server, started through ``flows.server`` so it dies with the command."""
    import prefect
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import get_current_settings

    class BatchServer(SubprocessASGIServer):
        """Exits when the command exits, even by kill -9: no server is left behind a crash."""

        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            uvicorn_args = [
                "--app-dir",
                str(prefect.__module_path__.parent),
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ]
            env = {
                **os.environ,
                "PREFECT_UI_ENABLED": "0",
                "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1",
                **get_current_settings().to_environment_variables(exclude_unset=True),
                PARENT_VARIABLE: str(os.getpid()),
            }
            command = [sys.executable, "-m", "flows.server", *uvicorn_args]
            return subprocess.Popen(command, env=env)

    return BatchServer


@contextmanager
def prefect_api() -> Iterator[str]:
    """The API every process of this batch talks to: the configured one, or one started here."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    settings = get_current_settings()
    if settings.api.url:
        yield str(settings.api.url)
        return
    # Registered as the process-wide instance, the one Prefect itself would otherwise start.
    server = _server_class()()
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


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def unreachable_api_warning(api_url: str, dask_address: str | None) -> str | None:
    """A warning when Dask workers on other machines could not reach this Prefect API."""
    from urllib.parse import urlsplit

    if not dask_address:
        return None
    api_host = urlsplit(api_url).hostname or ""
    dask_host = urlsplit(dask_address if "://" in dask_address else f"tcp://{dask_address}")
    if api_host in LOOPBACK and (dask_host.hostname or "") not in LOOPBACK:
        return (
            f"the Prefect API ({api_url}) listens on loopback only, so Dask workers on other "
            "machines cannot report to it: start `prefect server start --host 0.0.0.0` on a "
            "machine they reach and set PREFECT_API_URL to it"
        )
    return None


def _die_with_parent() -> None:
    """Linux: ask for SIGTERM when the parent dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))
    if str(os.getppid()) != os.environ.get(PARENT_VARIABLE):
        sys.exit(0)


if __name__ == "__main__":
    _die_with_parent()
    from uvicorn.main import main

    sys.argv = ["uvicorn", *sys.argv[1:]]
    main()
