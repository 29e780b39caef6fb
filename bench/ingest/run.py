"""Ingestion benchmark: documents per minute with 1 and 2 local workers and a 2-worker Dask cluster.

Run from the repository root:
    .venv/bin/python bench/ingest/run.py [--kinds plans texts scans] [--limit N] [--modes ...]
    .venv/bin/python bench/ingest/run.py --summary   # issue 20's figures side by side (summary.py)

Kinds: ``plans`` (the 14 real plan texts of ../shared/corpus/plans), ``texts`` (600 legal corpus
documents cut to a plan's length and stripped of diacritics: a bulk batch of legacy OCR dumps),
``scans`` (the 22 scanned PDFs of ../shared/corpus/scans).

Each (kind, mode) runs in its own child process with an empty dataset and an empty Prefect result
cache, so no mode profits from another's work. The child samples the memory of every process it
starts. Then ``kehoach ingest`` runs again over the same files and the same dataset, as a person
would run it, and that second run's wall time is compared with the first's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.common import load_average  # noqa: E402

SHARED = REPO.parent / "shared"
MODES = {
    "threads-1": (1, False),
    "processes-2": (2, False),
    "dask-2": (2, True),
    "threads-2": (2, False),  # for comparison: OCR runs in Tesseract processes, outside the GIL
}
DEFAULT_MODES = ["threads-1", "processes-2", "dask-2"]
KINDS = ["plans", "texts", "scans"]
TEXT_DOCS = 600
TEXT_CHARS = 30_000
MB = 1024 * 1024


# --------------------------------------------------------------------------- the child


@dataclass
class MemorySampler:
    """Peak resident memory of this process and every process under it, sampled in a thread."""

    interval: float = 0.5  # a Tesseract page lasts seconds; sampling costs CPU the workers share
    peaks: dict[int, tuple[str, int]] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)  # CPU seconds, as last seen
    _stop: threading.Event = field(default_factory=threading.Event)

    @staticmethod
    def role(process: Any) -> str:
        """What a process is, from its command line."""
        import psutil

        try:
            command = " ".join(process.cmdline())
        except Exception:
            return "gone"
        if process.pid == os.getpid():
            return "main"
        if command == " ".join(psutil.Process().cmdline()):  # forked from this process
            # with two workers on text the forkserver is a fork of the command
            # (flows.forkserver.fork_forkserver), and the workers forks of it
            return "forkserver" if process.ppid() == os.getpid() else "worker"
        if "tesseract" in process.name():
            return "tesseract"
        if "forkserver" in command:  # the local workers' forkserver, and the workers it forks
            return "forkserver" if process.ppid() == os.getpid() else "worker"
        if "resource_tracker" in command:
            return "helper"
        if "uvicorn" in command or "prefect" in command and "server" in command:
            return "prefect-server"
        if "spawn_main" in command:
            return "worker"
        return "other"

    def sample(self) -> None:
        import psutil

        me = psutil.Process()
        for process in [me, *me.children(recursive=True)]:
            try:
                rss = process.memory_info().rss
                times = process.cpu_times()
            except Exception:
                continue
            role, peak = self.peaks.get(process.pid, (self.role(process), 0))
            self.peaks[process.pid] = (role, max(peak, rss))
            self.cpu[process.pid] = times.user + times.system

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> MemorySampler:
        # kehoach's own name: it holds nothing a fork of this process needs
        # (flows.forkserver.fork_forkserver forks no process running others' threads)
        threading.Thread(target=self.run, name="kehoach-bench-memory", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds each kind of process used (as last sampled), the whole call included."""
        totals: dict[str, float] = {}
        for pid, (role, _) in self.peaks.items():
            totals[role] = round(totals.get(role, 0.0) + self.cpu.get(pid, 0.0), 1)
        return totals

    def peak_mb(self, role: str) -> float:
        values = [peak for r, peak in self.peaks.values() if r == role]
        return round(max(values, default=0) / MB, 1)


def child(mode: str, db: Path, files: list[str]) -> dict[str, Any]:
    """Ingest ``files`` into ``db`` once in this process; return the figures as a dict."""
    from flows.ingest import run_ingest
    from flows.progress import SilentReporter

    workers, dask = MODES[mode]
    flow_start = _trace_flow_start()
    started = time.perf_counter()
    with MemorySampler() as memory:
        if dask:
            from distributed import LocalCluster

            with LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster:
                summary = run_ingest(
                    files,
                    db=db,
                    dask_address=cluster.scheduler_address,
                    reporter=SilentReporter(),
                )
        else:
            runner: Any = None
            if mode.startswith("threads-") and workers > 1:
                from flows.runners import thread_runner

                runner = thread_runner(workers)
            summary = run_ingest(
                files, db=db, workers=workers, reporter=SilentReporter(), runner=runner
            )
    wall = time.perf_counter() - started
    worker_role = "main" if mode.startswith("threads-") else "worker"
    return {
        "mode": mode,
        "files": len(files),
        "ingested": len(summary.ingested),
        "failed": len(summary.failed),
        "failures": [f"{Path(o.path).name}: {o.error.code}" for o in summary.failed if o.error],
        "flow_seconds": round(summary.seconds, 2),
        "stage_seconds": round(sum(o.seconds for o in summary.ingested), 2),
        "call_seconds": round(wall, 2),
        "peak_worker_mb": memory.peak_mb(worker_role),
        "peak_main_mb": memory.peak_mb("main"),
        "peak_tesseract_mb": memory.peak_mb("tesseract"),
        "workers_seen": sum(1 for r, _ in memory.peaks.values() if r == "worker"),
        "cpu_seconds": memory.cpu_seconds(),
        # this process's CPU seconds (all its threads) from the flow's start to its end: with
        # two workers, the command's side of the critical path on an otherwise idle machine
        "command_cpu_in_flow": round(time.process_time() - flow_start.get("cpu", 0.0), 1),
    }


def _trace_flow_start() -> dict[str, float]:
    """Where this process's CPU clock stood when the flow began its work (the flow bundles the
    batch's files right after it starts): filled in by the flow, read after it."""
    import flows.batch  # no Prefect: flows.definitions, imported later, takes this bundle

    found: dict[str, float] = {}
    plain = flows.batch.bundle

    def traced(*args: Any, **kwargs: Any) -> Any:
        found.setdefault("cpu", time.process_time())
        return plain(*args, **kwargs)

    flows.batch.bundle = traced  # type: ignore[assignment]
    return found


# --------------------------------------------------------------------------- the driver


def measure(kind: str, mode: str, files: list[str], workdir: Path) -> dict[str, Any]:
    """First run in a child process, then the same batch again through ``kehoach ingest``."""
    db = workdir / f"{kind}-{mode}.duckdb"
    env = {
        **os.environ,
        "PREFECT_LOCAL_STORAGE_PATH": str(workdir / f"results-{kind}-{mode}"),
    }
    load_before = load_average()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--db", str(db), *files],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    first_wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{kind}/{mode} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    started = time.perf_counter()
    again = subprocess.run(
        [sys.executable, "-m", "kehoach.cli", "ingest", *files, "--db", str(db)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    second_wall = time.perf_counter() - started
    figures.update(
        kind=kind,
        first_wall=round(first_wall, 2),
        second_wall=round(second_wall, 2),
        second_ratio=round(second_wall / first_wall, 3),
        second_all_skipped=f"skipped, unchanged │ {figures['ingested']:>5}" in again.stdout,
        docs_per_min=round(
            60 * (figures["ingested"] + figures["failed"]) / figures["flow_seconds"], 2
        ),
        load=f"{load_before} → {load_average()}",
    )
    return figures


def print_table(rows: list[dict[str, Any]]) -> None:
    """The benchmark as a Markdown table, then the 2-worker speed-ups."""
    print(
        "| kind | mode | files | ok | failed | flow s | docs/min | 1st run s | 2nd run s | 2nd/1st "
        "| peak MB/worker | peak MB tesseract | CPU s command · server · forkserver · workers "
        "| load 1/5/15 before → after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cpu = r["cpu_seconds"]
        roles = ("main", "prefect-server", "forkserver", "worker")
        cpu_text = " · ".join(str(cpu[role]) if role in cpu else "—" for role in roles)
        print(
            f"| {r['kind']} | {r['mode']} | {r['files']} | {r['ingested']} | {r['failed']} "
            f"| {r['flow_seconds']} | {r['docs_per_min']} | {r['first_wall']} | {r['second_wall']} "
            f"| {r['second_ratio']:.1%}{'' if r['second_all_skipped'] else ' (!)'} "
            f"| {r['peak_worker_mb']} | {r['peak_tesseract_mb']} | {cpu_text} | {r['load']} |"
        )
    print()
    for kind in sorted({r["kind"] for r in rows}):
        by_mode = {r["mode"]: r for r in rows if r["kind"] == kind}
        base = by_mode.get("threads-1")
        for mode in ("processes-2", "dask-2", "threads-2"):
            if base and mode in by_mode:
                ratio = by_mode[mode]["docs_per_min"] / base["docs_per_min"]
                print(f"{kind}: {mode} / threads-1 = {ratio:.2f}x (goal ≥ 1.8x)")


def corpus_texts(
    folder: Path, count: int, max_chars: int = TEXT_CHARS, *, strip: bool = False
) -> list[str]:
    """``count`` legal corpus documents written into ``folder`` as .txt, in file order, each cut
    at a line break near ``max_chars`` (about a plan's length); ``strip`` takes off their
    diacritics."""
    from diacritics.orthography import strip_marks
    from diacritics.text import corpus_documents

    folder.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    for heldout in (True, False):
        for doc_id, text in corpus_documents(SHARED, heldout=heldout):
            cut = text[:max_chars]
            cut = cut[: cut.rfind("\n")] if "\n" in cut else cut
            path = folder / f"{doc_id}.txt"
            path.write_text((strip_marks(cut) if strip else cut) + "\n", encoding="utf-8")
            files.append(str(path))
            if len(files) == count:
                return files
    return files


def legacy_texts(folder: Path, count: int, max_chars: int = TEXT_CHARS) -> list[str]:
    """``count`` corpus documents as legacy OCR dumps (diacritics stripped): the bulk text batch
    an operator ingests (``corpus_texts``)."""
    return corpus_texts(folder, count, max_chars, strip=True)


def corpus_files(kind: str, limit: int | None, workdir: Path) -> list[str]:
    """The files of one kind: the corpus folder's (the first ``limit``), or ``limit`` (default
    ``TEXT_DOCS``) legal texts stripped of their diacritics for ``texts``."""
    if kind == "texts":
        return legacy_texts(workdir / "texts", limit or TEXT_DOCS)
    folder = SHARED / "corpus" / kind
    files = sorted(str(p) for p in folder.iterdir() if p.is_file())
    return files[:limit] if limit else files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", default=KINDS, choices=KINDS)
    parser.add_argument("--modes", nargs="+", default=DEFAULT_MODES, choices=list(MODES))
    parser.add_argument("--limit", type=int, default=None, help="first N files of each kind")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    parser.add_argument(
        "--summary",
        action="store_true",
        help="born-digital pages/min beside pdftotext, --limit (300) texts with 1 and 2 "
        "workers, scans beside raw Tesseract, extraction scores: one run (summary.py)",
    )
    parser.add_argument(
        "--parts",
        nargs="+",
        type=int,
        choices=[1, 2, 3, 4],
        default=[1, 2, 3, 4],
        help="with --summary, only these parts (1 born-digital, 2 texts, 3 scans, 4 accuracy)",
    )
    parser.add_argument("--child", choices=list(MODES), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db, args.files)))
        return
    if args.summary:
        from summary import run_summary

        run_summary(
            docs=args.limit or 300, repeat=2, scan_pages=3, scan_rounds=2, parts=set(args.parts)
        )
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="kehoach-bench-ingest-") as tmp:
        for kind in args.kinds:
            files = corpus_files(kind, args.limit, Path(tmp))
            for mode in args.modes:
                row = measure(kind, mode, files, Path(tmp))
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
