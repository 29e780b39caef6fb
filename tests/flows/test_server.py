"""The batch's Prefect API: the operator's when PREFECT_API_URL is set, else one
``prefect server start`` for the batch, stopped at its end; Prefect's telemetry notice never in
kehoach's output."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import flows  # noqa: F401  (kehoach's Prefect defaults, before Prefect is imported)
from flows.server import prefect_api, server_command, server_environment


def _children() -> list[str]:
    import psutil

    return [" ".join(child.cmdline()) for child in psutil.Process().children(recursive=True)]


def test_a_configured_api_is_used_and_nothing_is_started() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    configured = "http://127.0.0.1:9/api"  # nothing listens there: it must not be called
    with temporary_settings(updates={PREFECT_API_URL: configured}), prefect_api() as api_url:
        assert api_url == configured
        assert not any("prefect server start" in line for line in _children())


def test_the_batch_server_is_prefects_public_command_without_idle_services() -> None:
    command = server_command(4321)
    assert command[1:5] == ["-m", "prefect", "server", "start"]
    assert command[5:7] == ["--host", "127.0.0.1"] and "--no-ui" in command
    assert "--analytics-off" in command
    env = server_environment({"PREFECT_API_URL": "http://elsewhere/api"})
    assert "PREFECT_API_URL" not in env
    assert env["PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED"] == "false"
    kept = server_environment({"PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "true"})
    assert kept["PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED"] == "true"  # the operator's wins


@pytest.mark.slow
def test_a_batch_without_an_api_starts_one_server_and_stops_it(tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: None}):
        assert get_current_settings().api.url is None
        with prefect_api() as api_url:
            servers = [line for line in _children() if "prefect server start" in line]
            assert len(servers) == 1 and "--no-ui" in servers[0]
            assert os.environ["PREFECT_API_URL"] == api_url  # worker processes inherit it
            with urllib.request.urlopen(f"{api_url}/health", timeout=10) as response:
                assert response.status == 200
        assert not any("prefect server start" in line for line in _children())
        assert "PREFECT_API_URL" not in os.environ or os.environ["PREFECT_API_URL"] != api_url


NOTICE = "anonymous usage data"


def _on_a_terminal(code: str, home: Path) -> str:
    """What ``python -c code`` prints with a terminal as stdout and stderr, as a person sees it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DO_NOT_TRACK", "CI")}
    env.update(PREFECT_HOME=str(home), PYTHONPATH=os.getcwd())
    env = {k: v for k, v in env.items() if not k.endswith("_CI") and k != "GITHUB_ACTIONS"}
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=120)
    os.close(leader)
    return output.decode(errors="replace")


@pytest.mark.slow
def test_prefects_telemetry_notice_never_appears_in_kehoachs_output(tmp_path: Path) -> None:
    from prefect._internal.analytics.ci_detection import is_ci_environment

    if is_ci_environment():
        pytest.skip("Prefect shows no notice in CI, so there is nothing to check here")
    # A first use of Prefect on a terminal: without kehoach's defaults the notice shows ...
    bare = _on_a_terminal("import prefect", tmp_path / "bare")
    assert NOTICE in bare
    # ... through kehoach's flows it does not.
    ours = _on_a_terminal("import flows.ingest, prefect.flows", tmp_path / "ours")
    assert NOTICE not in ours


@pytest.mark.slow
def test_a_batch_with_its_own_server_ends_cleanly(tmp_path: Path) -> None:
    """Every log reaches the batch's server before it stops: no "Error logging to API" after
    the summary, and no server left running."""
    import psutil

    from kehoach import SAMPLES_DIR

    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PYTHONPATH=os.getcwd())
    command = [
        sys.executable,
        "-m",
        "kehoach.cli",
        "ingest",
        str(SAMPLES_DIR / "plan-legacy-ocr.txt"),
    ]
    command += ["--db", str(tmp_path / "k.duckdb")]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err.decode()
    output = out.decode() + err.decode()
    assert "ingested" in output
    assert "Error logging to API" not in output and "connection attempts failed" not in output
    assert NOTICE not in output
    leftover = [
        p
        for p in psutil.process_iter(["cmdline", "environ"])
        if "prefect server start" in " ".join(p.info["cmdline"] or [])
        and (p.info["environ"] or {}).get("PREFECT_HOME") == env["PREFECT_HOME"]
    ]
    assert leftover == []
