"""What a person watching a batch sees: a progress bar while it runs, a summary table after.

The flow reports to whichever reporter the command installed; run without one (a Prefect
deployment, a test) it reports nowhere. On a terminal the bar is drawn; in a log file each
document gets one line instead, so an operator can follow a long batch with ``tail -f``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from flows.batch import DocumentOutcome, IngestSummary
from schemas.errors import printable_path


class Reporter(Protocol):
    """Receives a batch's progress."""

    def start(self, total: int, title: str) -> None: ...

    def advance(self, outcome: DocumentOutcome) -> None: ...

    def note(self, message: str) -> None: ...

    def stop(self) -> None: ...


class SilentReporter:
    """Reports nowhere."""

    def start(self, total: int, title: str) -> None:
        """Ignore the start."""

    def advance(self, outcome: DocumentOutcome) -> None:
        """Ignore a document."""

    def note(self, message: str) -> None:
        """Ignore a remark."""

    def stop(self) -> None:
        """Ignore the end."""


class ConsoleReporter:
    """A rich progress bar on a terminal, one line per document elsewhere."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._done = 0
        self._total = 0

    def start(self, total: int, title: str) -> None:
        """Begin a batch of ``total`` files."""
        self._total, self._done = total, 0
        if self.console.is_terminal:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[last]}"),
                console=self.console,
            )
            self._task = self._progress.add_task(title, total=total, last="")
            self._progress.start()
        else:
            self.console.print(f"{title}: {total} files", soft_wrap=True)

    def advance(self, outcome: DocumentOutcome) -> None:
        """One more file settled."""
        self._done += 1
        if self._progress is not None and self._task is not None:
            last = f"{outcome.outcome} {printable_path(Path(outcome.path).name)}"
            self._progress.update(self._task, advance=1, last=last)
            return
        reason = f" — {outcome.error.reason} [{outcome.error.code}]" if outcome.error else ""
        where = printable_path(outcome.path)
        self.console.print(
            f"[{self._done}/{self._total}] {outcome.outcome} {where}{reason}",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )

    def note(self, message: str) -> None:
        """A remark while nothing else moves (the Prefect server starting, say)."""
        self.console.print(message, style="dim", soft_wrap=True, markup=False, highlight=False)

    def stop(self) -> None:
        """The batch is over."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


_current: Reporter = SilentReporter()


def current() -> Reporter:
    """The reporter the running command installed, or a silent one."""
    return _current


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Install ``reporter`` for the flows run inside this block."""
    global _current
    previous, _current = _current, reporter
    try:
        yield reporter
    finally:
        reporter.stop()
        _current = previous


def summary_table(summary: IngestSummary) -> Table:
    """Counts per outcome: ingested, skipped as unchanged (or repeated), failed."""
    table = Table()
    table.add_column("outcome")
    table.add_column("files", justify="right")
    unchanged = sum(1 for o in summary.skipped if o.note == "unchanged")
    repeated = len(summary.skipped) - unchanged
    table.add_row("ingested", str(len(summary.ingested)))
    table.add_row("skipped, unchanged", str(unchanged))
    if repeated:
        table.add_row("skipped, repeated in the batch", str(repeated))
    table.add_row("failed", str(len(summary.failed)))
    return table


def failure_lines(summary: IngestSummary) -> list[str]:
    """One line per failed file, path whole (copy-pasteable), then the reason and the code."""
    return [
        f"failed: {printable_path(o.path)} — {o.error.reason} [{o.error.code}]"
        for o in summary.failed
        if o.error is not None
    ]


def print_summary(summary: IngestSummary, console: Console | None = None, title: str = "") -> None:
    """Print the summary table to standard output."""
    console = console or Console()
    heading = f"{title or 'kehoach ingest'}: run {summary.run_id}, {summary.seconds:.1f} s"
    console.print(heading, soft_wrap=True, markup=False, highlight=False)
    console.print(summary_table(summary))
    for line in failure_lines(summary):
        console.print(line, soft_wrap=True, markup=False, highlight=False)
    errors = Console(stderr=True) if console.file is sys.stdout else console
    for outcome in summary.partial:  # stored, but a person should know pages are missing
        line = f"kehoach: warning: {printable_path(outcome.path)}: {outcome.note}"
        errors.print(line, soft_wrap=True, markup=False, highlight=False)
    if summary.failed:
        console.print("(failed files are listed in the quarantine view of the dataset)")


def artifact_markdown(summary: IngestSummary, title: str) -> str:
    """The run's summary as Markdown, for the Prefect UI."""
    lines = [
        f"# {title}",
        "",
        "| outcome | files |",
        "|---|---|",
        f"| ingested | {len(summary.ingested)} |",
        f"| skipped (unchanged) | {len(summary.skipped)} |",
        f"| failed | {len(summary.failed)} |",
    ]
    if summary.failed:
        lines += ["", "## Failed files", "", "| file | code | reason |", "|---|---|---|"]
        for failure in summary.failed:
            error = failure.error
            code, reason = (str(error.code), error.reason) if error else ("", "")
            lines.append(f"| {failure.path} | {code} | {reason.replace('|', '/')} |")
    return "\n".join(lines)


def artifact_rows(summary: IngestSummary) -> list[dict[str, str | float | None]]:
    """One row per file, for a Prefect table artifact."""
    return [
        {
            "path": o.path,
            "sha256": o.sha256,
            "outcome": o.outcome,
            "code": str(o.error.code) if o.error else None,
            "reason": o.error.reason if o.error else o.note,
            "seconds": round(o.seconds, 2),
        }
        for o in summary.outcomes
    ]
