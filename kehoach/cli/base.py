"""The ``kehoach`` application: its global options, its one error handler, and what every
command shares (settings from the options, standard input as a file, a page progress line, JSON).

The commands register on ``app`` from ``documents`` (one file in, its text or plan out) and
``dataset`` (a dataset built, queried, served, exported, scored).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from schemas import ErrorCode, KehoachError
from schemas.errors import os_error, printable_path
from schemas.settings import Limits

_LIMIT_DEFAULTS = Limits()

EXIT_USAGE = 2
EXIT_BATCH_FAILURES = 1
EXIT_BAD_INPUT = 3
EXIT_DATABASE_LOCKED = 4
EXIT_INTERNAL = 5
PageCallback = Callable[[int, int], None]  # pipeline.text.PageCallback, without importing it
EXIT_CODES = {ErrorCode.USAGE: EXIT_USAGE, ErrorCode.DATABASE_LOCKED: EXIT_DATABASE_LOCKED}


# The limits (and --version) belong to `kehoach` itself; people also write them after the command
# ("kehoach text scan.pdf --max-pages 800"), so they are moved in front before parsing.
GLOBAL_OPTIONS = (
    "--max-bytes",
    "--max-pages",
    "--max-pixels",
    "--ocr-timeout",
    "--restore-timeout",
    "--extract-timeout",
    "--read-timeout",
)
GLOBAL_FLAGS = ("--force-ocr",)


def hoist_global_options(args: list[str]) -> list[str]:
    """``args`` with the global options (and their values) found after the command moved first."""
    hoisted, rest, index = [], [], 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        name = arg.split("=", 1)[0]
        if arg in GLOBAL_FLAGS:
            hoisted.append(arg)
            index += 1
            continue
        if name in GLOBAL_OPTIONS:
            takes_next = "=" not in arg and index + 1 < len(args)
            hoisted += args[index : index + (2 if takes_next else 1)]
            index += 2 if takes_next else 1
            continue
        rest.append(arg)
        index += 1
    return hoisted + rest


class _Commands(TyperGroup):
    """The one handler of the project's errors, for every command: print, exit with the code."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(list(args)))

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KehoachError as error:
            exit_with(error)
        except OSError as error:  # a read-only output folder, a full disk: not a bug
            found = os_error(error)
            if found is None:
                raise
            exit_with(found)


def exit_with(error: KehoachError) -> NoReturn:
    """Print the error, its file name escaped, and exit with its code."""
    typer.echo(f"kehoach: {printable_path(error.path)}: {error.reason} [{error.code}]", err=True)
    raise typer.Exit(EXIT_CODES.get(error.code, EXIT_BAD_INPUT)) from None


app = typer.Typer(
    cls=_Commands,
    name="kehoach",
    help="Vietnamese provincial plans (Kế hoạch UBND) into structured, comparable data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score the pipeline against gold.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB dataset file.")]
WorkersOption = Annotated[int, typer.Option(help="Local worker processes.")]
DaskAddressOption = Annotated[
    str | None, typer.Option(help="Run on a Dask cluster, e.g. tcp://10.0.0.5:8786.")
]
JsonOption = Annotated[bool, typer.Option("--json")]  # the dataset's answers as JSON, not a table
FileArgument = Annotated[
    Path, typer.Argument(help="A PDF, image, legacy OCR .txt, Word .docx or saved .html page.")
]


def _print_version(value: bool) -> None:
    if value:
        from kehoach import PIPELINE_VERSION, __version__

        typer.echo(f"kehoach {__version__} (pipeline {PIPELINE_VERSION})")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    max_bytes: Annotated[
        int, typer.Option(min=1, help="Largest file accepted, in bytes.")
    ] = _LIMIT_DEFAULTS.max_bytes,
    max_pages: Annotated[
        int, typer.Option(min=1, help="Most pages read from one document.")
    ] = _LIMIT_DEFAULTS.max_pages,
    max_pixels: Annotated[
        int, typer.Option(min=1, help="Most pixels in one page or image.")
    ] = _LIMIT_DEFAULTS.max_pixels,
    ocr_timeout: Annotated[
        float, typer.Option(min=0.001, help="OCR seconds per page before giving up on it.")
    ] = _LIMIT_DEFAULTS.ocr_seconds_per_page,
    force_ocr: Annotated[
        bool,
        typer.Option(
            "--force-ocr", help="OCR every PDF page, ignoring its text layer (for layers that lie)."
        ),
    ] = False,
    restore_timeout: Annotated[
        float, typer.Option(help="Seconds restoring one document's diacritics before giving up.")
    ] = _LIMIT_DEFAULTS.restore_seconds,
    extract_timeout: Annotated[
        float, typer.Option(help="Seconds structuring and extracting one document.")
    ] = _LIMIT_DEFAULTS.extract_seconds,
    read_timeout: Annotated[
        float, typer.Option(help="Seconds reading one Word file or web page before giving up.")
    ] = _LIMIT_DEFAULTS.read_seconds,
) -> None:
    """Limits that protect a batch from one hostile file apply to every command."""
    ctx.meta["force_ocr"] = force_ocr
    ctx.obj = Limits(
        max_bytes=max_bytes,
        max_pages=max_pages,
        max_pixels=max_pixels,
        ocr_seconds_per_page=ocr_timeout,
        restore_seconds=restore_timeout,
        extract_seconds=extract_timeout,
        read_seconds=read_timeout,
    )


def settings_of(ctx: typer.Context, restore: bool = True):  # type: ignore[no-untyped-def]
    from schemas import PipelineSettings

    force_ocr = bool(ctx.find_root().meta.get("force_ocr", False))
    return PipelineSettings(restore=restore, limits=limits_of(ctx), force_ocr=force_ocr)


def print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


ProgressOption = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Pages read, on stderr (default: only when stderr is a terminal).",
    ),
]


@contextmanager
def page_progress(path: Path, wanted: bool | None) -> Iterator[PageCallback | None]:
    """A callback printing "scan.pdf: page 3/8" in place on stderr, for documents of 2+ pages."""
    if not (sys.stderr.isatty() if wanted is None else wanted):
        yield None
        return
    open_line = False

    def on_page(done: int, total: int) -> None:
        nonlocal open_line
        if total < 2:
            return
        sys.stderr.write(f"\r{path.name}: page {done}/{total}")
        open_line = done < total
        sys.stderr.write("" if open_line else "\n")
        sys.stderr.flush()

    try:
        yield on_page
    finally:
        if open_line:  # stopped part-way (an error, Ctrl-C): end the line before the message
            sys.stderr.write("\n")


@contextmanager
def input_file(file: Path, limits: Limits) -> Iterator[Path]:
    """``file`` itself, or for "-" standard input saved to a temporary file named "stdin"."""
    if str(file) != "-":
        yield file
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kehoach-") as folder:
        path = Path(folder) / "stdin"
        path.write_bytes(sys.stdin.buffer.read(limits.max_bytes + 1))  # ingest refuses the excess
        yield path


def limits_of(ctx: typer.Context) -> Limits:
    return ctx.obj or _LIMIT_DEFAULTS
