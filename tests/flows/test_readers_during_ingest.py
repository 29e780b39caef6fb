"""Readers during an ingest: ``report``, ``compare``, ``obligations`` and ``load_dataset`` run
while ``kehoach ingest`` writes a batch in another process, and the ingest is not held up."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from kehoach import REPO_ROOT
from pipeline.analysis.compare import compare_field
from pipeline.analysis.obligations import query_obligations
from pipeline.analysis.report import write_report
from pipeline.storage.frames import load_dataset
from pipeline.storage.locks import writer_description
from pipeline.storage.store import Dataset
from tests.support import write_plans


def test_readers_work_while_an_ingest_writes(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    first = write_plans(tmp_path / "first", 1)
    with Dataset(db):  # a dataset exists before the readers start
        pass
    subprocess.run(
        [sys.executable, "-m", "kehoach.cli", "ingest", str(first[0]), "--db", str(db)],
        check=True,
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=300,
    )
    write_plans(tmp_path / "batch", 6, start=1)
    ingest = subprocess.Popen(
        [sys.executable, "-m", "kehoach.cli", "ingest", str(tmp_path / "batch"), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    reads: list[tuple[float, int]] = []
    try:
        while ingest.poll() is None:
            time.sleep(0.5)  # a reader now and then, not a busy loop on a shared machine
            if writer_description(db) is None:  # not yet (or no longer) writing
                continue
            started = time.monotonic()
            documents = len(load_dataset(db)["documents"])
            query_obligations(db)
            compare_field(db, "awards")
            write_report(db, tmp_path / "report.html")
            reads.append((time.monotonic() - started, documents))
        out, err = ingest.communicate(timeout=300)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert ingest.returncode == 0, err
    during = [count for _, count in reads]
    print(
        f"{len(reads)} rounds of four readers during the ingest; documents seen {during}; "
        f"slowest round {max(s for s, _ in reads):.2f} s"
    )
    assert reads, "the ingest ended before any reader ran"
    with Dataset(db, read_only=True) as dataset:
        assert dataset.table_counts()["documents"] == 7
