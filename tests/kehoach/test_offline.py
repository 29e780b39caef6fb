"""Nothing is downloaded at run time: the main job runs in a network namespace with no network.

``unshare --net`` gives the command a namespace holding only a loopback interface (brought up, so
the Prefect server a batch starts on 127.0.0.1 still answers): any model, vocabulary or
recogniser that would be fetched at run time fails here instead of working by luck on a
connected machine. The second reader's recogniser is loaded and run explicitly, since a clean
page may give it no unsure line to read.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kehoach import SAMPLES_DIR

pytestmark = pytest.mark.skipif(
    shutil.which("unshare") is None or shutil.which("ip") is None,
    reason="needs unshare and ip (util-linux, iproute2) to run without a network",
)

SECOND_READER_RUN = """
from PIL import Image
from pipeline import second_reader
model = second_reader.line_model()
assert model is not None, "asterocr is not installed"
strip = Image.new("RGB", (256, 32), "white")
print("second reader:", repr(model.read(strip)[0]))
"""


def _offline(*command: str) -> subprocess.CompletedProcess[str]:
    """``command`` in a user and network namespace where only loopback is up."""
    script = 'ip link set lo up && exec "$@"'
    return subprocess.run(
        ["unshare", "--map-root-user", "--net", "sh", "-c", script, "sh", *command],
        capture_output=True,
        text=True,
        timeout=600,
    )


def _namespaces_allowed() -> bool:
    return _offline("true").returncode == 0


def test_the_main_job_runs_without_a_network(tmp_path: Path) -> None:
    if not _namespaces_allowed():
        pytest.skip("this machine does not allow unprivileged network namespaces")
    probe = _offline(
        sys.executable, "-c", "import socket; socket.create_connection(('1.1.1.1', 80), 3)"
    )
    assert probe.returncode != 0, "the namespace still reaches the network"

    reader = _offline(sys.executable, "-c", SECOND_READER_RUN)
    assert reader.returncode == 0, reader.stderr[-2000:]

    db = tmp_path / "offline.duckdb"
    ingest = _offline(
        sys.executable, "-m", "kehoach.cli", "ingest", str(SAMPLES_DIR), "--db", str(db)
    )
    assert ingest.returncode == 0, ingest.stdout[-2000:] + ingest.stderr[-2000:]
    samples = sorted(path for path in SAMPLES_DIR.iterdir() if path.is_file())
    assert db.is_file()
    stored = _offline(
        sys.executable,
        "-c",
        f"import duckdb; print(duckdb.connect({str(db)!r}, read_only=True)"
        ".execute('select count(*) from documents').fetchone()[0])",
    )
    assert stored.returncode == 0, stored.stderr[-2000:]
    assert int(stored.stdout.strip()) == len(samples)
