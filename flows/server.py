"""One Prefect API for a whole batch, the command's own process and every local worker alike.

With ``PREFECT_API_URL`` set (a ``prefect server start`` of the operator's, or Prefect Cloud),
every run goes there and nothing is started. Without it, Prefect would start a temporary
("ephemeral") server in each process that needs one: a worker process or a Dask worker on this
machine would then spend 15-40 s starting a server of its own before its first task, and
Prefect's own temporary server outlives a command killed with kill -9. So a batch starts one
server with Prefect's public command, ``prefect server start`` (loopback, a free port, no UI,
no analytics, only the services a batch's runs need), hands its address to every process it
starts through the environment, and stops it at the end; the server is asked to die with the
command (Linux: the parent-death signal). Single-file commands never come here. A Dask cluster
of several machines needs a server of the operator's, reachable from every worker.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PR_SET_PDEATHSIG = 1
LOOPBACK_HOST = "127.0.0.1"
START_ATTEMPTS = 3  # a free port can be taken between choosing it and the server binding it

# Services of a full server that a batch's runs never use (deployments, schedules, work pools,
# pauses): switched off by Prefect's own settings, which leaves about what Prefect's temporary
# server runs (the task run recorder and event persister that feed the UI's run pages).
IDLE_SERVICES = (
    "CANCELLATION_CLEANUP",
    "FOREMAN",
    "LATE_RUNS",
    "PAUSE_EXPIRATIONS",
    "REPOSSESSOR",
    "SCHEDULER",
    "CLEANUP_RECONCILER",
)


def _free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK_HOST, 0))
        return int(probe.getsockname()[1])


def server_command(port: int) -> list[str]:
    """``prefect server start`` for one batch, in this interpreter's environment."""
    return [
        sys.executable,
        "-m",
        "prefect",
        "server",
        "start",
        "--host",
        LOOPBACK_HOST,
        "--port",
        str(port),
        "--no-ui",
        "--analytics-off",
        "--log-level",
        "ERROR",
    ]


def server_environment(environ: dict[str, str]) -> dict[str, str]:
    """The server's environment: the command's, with the idle services off where unset."""
    env = dict(environ)
    env.pop("PREFECT_API_URL", None)  # the server is not a client of another server
    for service in IDLE_SERVICES:
        env.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")
    return env


def _die_with(parent: int) -> None:
    """Run in the server's process before Prefect starts: SIGTERM when the command dies."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))
    if os.getppid() != parent:  # the command died before the request took effect
        os._exit(0)


def _healthy(api_url: str) -> bool:
    """True when the server at ``api_url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server (SIGTERM, then SIGKILL after 10 s) and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _log_tail(log: Path, limit: int = 2000) -> str:
    """The end of the server's own output, for an error message."""
    try:
        return log.read_text(errors="replace")[-limit:].strip()
    except OSError:
        return ""


def start_server(
    timeout: float, log: Path, environ: dict[str, str]
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``prefect server start`` on a free loopback port; the process and its API URL.

    Its output goes to ``log`` (read back only when it fails to start). Raises RuntimeError,
    with the end of that output, when it does not answer within ``timeout`` seconds.
    """
    parent = os.getpid()
    for _ in range(START_ATTEMPTS):
        port = _free_port()
        api_url = f"http://{LOOPBACK_HOST}:{port}/api"
        with log.open("ab") as output:
            process = subprocess.Popen(
                server_command(port),
                env=server_environment(environ),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                preexec_fn=lambda: _die_with(parent),  # runs in the child, before Prefect
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if _healthy(api_url):
                return process, api_url
            time.sleep(0.2)
        if process.poll() is None:  # still starting at the deadline
            _stop(process)
            break
    raise RuntimeError(
        f"the Prefect server (prefect server start) did not start within {timeout:.0f} s; "
        f"its output ({log}):\n{_log_tail(log)}"
    )


def send_pending() -> None:
    """Send the logs and events Prefect still holds for the API (it sends them in the
    background, in batches): before the batch's server stops, so none is refused."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # waits until sent, 5 s at most
    EventsWorker.drain_all(timeout=5)


@contextmanager
def prefect_api() -> Iterator[str]:
    """The API every process of this batch talks to: the configured one, or one started here."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    settings = get_current_settings()
    if settings.api.url:
        yield str(settings.api.url)
        return
    timeout = float(settings.server.ephemeral.startup_timeout_seconds)
    # Settings given in code (temporary_settings) reach the server as they reach the workers.
    environ = {**os.environ, **settings.to_environment_variables(exclude_unset=True)}
    handle, name = tempfile.mkstemp(prefix="kehoach-prefect-server-", suffix=".log")
    os.close(handle)
    log = Path(name)
    process, api_url = start_server(timeout, log, environ)  # the log stays when it fails
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api_url  # worker processes inherit it
    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            yield api_url
            send_pending()
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
        _stop(process)
        log.unlink(missing_ok=True)


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
