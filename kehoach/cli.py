"""The ``kehoach`` command: parses arguments and calls the library, nothing more.

Heavy libraries (Prefect, spaCy, pandas, Tesseract wrappers) are imported inside the commands so
that ``kehoach --help`` answers at once.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from kehoach import DEFAULT_DB
from schemas import DocumentText, ErrorCode, KehoachError, PlanDocument, RestoreResult
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
            _exit_with(error)
        except OSError as error:  # a read-only output folder, a full disk: not a bug
            found = os_error(error)
            if found is None:
                raise
            _exit_with(found)


def _exit_with(error: KehoachError) -> NoReturn:
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


def _settings(ctx: typer.Context, restore: bool = True):  # type: ignore[no-untyped-def]
    from schemas import PipelineSettings

    force_ocr = bool(ctx.find_root().meta.get("force_ocr", False))
    return PipelineSettings(restore=restore, limits=_limits(ctx), force_ocr=force_ocr)


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


PAGE_SEPARATOR = "\f"  # pdftotext's: a line holding only a form feed between two pages


def _warn_unread_pages(document: DocumentText) -> None:
    """Say on standard error which pages OCR gave up on, and end with exit code 1 if any."""
    from pipeline.process import ocr_timed_out

    pages = ocr_timed_out(document)
    if pages:
        listed = ", ".join(map(str, pages))
        where = printable_path(document.source.path)
        typer.echo(
            f"kehoach: warning: {where}: OCR ran out of time on page(s) {listed}, left empty; "
            "raise --ocr-timeout [ocr-timeout]",
            err=True,
        )
        raise typer.Exit(EXIT_BATCH_FAILURES)


def _print_text(
    value: DocumentText | RestoreResult, as_json: bool, separator: str = PAGE_SEPARATOR
) -> None:
    """The text, or with ``--json`` the whole value (pages, lines, words; or tokens).

    A document's pages are separated by a line holding ``separator`` (a form feed by default).
    """
    if as_json:
        _print_json(value.model_dump(mode="json"))
    elif isinstance(value, DocumentText) and separator:
        sys.stdout.write(f"\n{separator}\n".join(page.text for page in value.pages) + "\n")
    else:
        sys.stdout.write(value.text + "\n")


ProgressOption = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Pages read, on stderr (default: only when stderr is a terminal).",
    ),
]


@contextmanager
def _page_progress(path: Path, wanted: bool | None) -> Iterator[PageCallback | None]:
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
def _input_file(file: Path, limits: Limits) -> Iterator[Path]:
    """``file`` itself, or for "-" standard input saved to a temporary file named "stdin"."""
    if str(file) != "-":
        yield file
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kehoach-") as folder:
        path = Path(folder) / "stdin"
        path.write_bytes(sys.stdin.buffer.read(limits.max_bytes + 1))  # ingest refuses the excess
        yield path


def _limits(ctx: typer.Context) -> Limits:
    return ctx.obj or _LIMIT_DEFAULTS


@app.command()
def text(
    ctx: typer.Context,
    file: FileArgument,
    as_json: Annotated[
        bool, typer.Option("--json", help="Pages, lines and words with boxes.")
    ] = False,
    restore: Annotated[bool, typer.Option(help="Restore diacritics where needed.")] = False,
    page_separator: Annotated[
        str, typer.Option(help="Line printed between pages; '' for none.")
    ] = PAGE_SEPARATOR,
    progress: ProgressOption = None,
) -> None:
    """Print the text of FILE ("-": standard input) in NFC, one line per line of the page; pages
    are separated by a line holding a form feed (as pdftotext does)."""
    from pipeline.process import read_text, restore_text

    settings = _settings(ctx, restore=restore)
    with _input_file(file, settings.limits) as path, _page_progress(path, progress) as on_page:
        raw = read_text(path, settings, on_page)
    document = restore_text(raw, settings)
    _print_text(document, as_json, page_separator)
    _warn_unread_pages(document)


@app.command()
def restore(
    ctx: typer.Context,
    file: FileArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Tokens with confidence.")] = False,
) -> None:
    """Print FILE ("-": standard input) with Vietnamese diacritics restored, one output line per
    input line."""
    from diacritics import restore as restore_diacritics
    from pipeline.process import read_text

    with _input_file(file, _limits(ctx)) as path:
        document = read_text(path, _settings(ctx, restore=False))
    _print_text(restore_diacritics(document.text), as_json)
    _warn_unread_pages(document)


class OutputFormat(StrEnum):
    json = "json"
    md = "md"


def _render_plan(plan: PlanDocument, to: OutputFormat, source: str) -> str:
    if to is OutputFormat.md:
        from pipeline.analysis.markdown import plan_markdown

        return plan_markdown(plan, source)
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def _output_path(folder: Path, source: Path, to: OutputFormat, used: set[Path]) -> Path:
    """FOLDER/<name>.json (or .md); a second input of the same name gets "-2", "-3"..."""
    stem = source.stem if str(source) != "-" else "stdin"
    target, number = folder / f"{stem}.{to.value}", 1
    while target in used:
        number += 1
        target = folder / f"{stem}-{number}.{to.value}"
    used.add(target)
    return target


@app.command()
def extract(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(help="PDF, image, .txt, .docx or .html files; '-' standard input."),
    ],
    restore: Annotated[bool, typer.Option(help="Restore diacritics where needed.")] = True,
    to: Annotated[OutputFormat, typer.Option(help="json (the gold format) or md.")] = (
        OutputFormat.json
    ),
    output_dir: Annotated[
        Path | None,
        typer.Option("-o", "--output-dir", help="Write one file per input here (for several)."),
    ] = None,
    progress: ProgressOption = None,
) -> None:
    """Run the whole chain on each FILE and print its plan (JSON: the gold format plus
    provenance); with -o, write FOLDER/<name>.json or .md per file and print their paths."""
    from pipeline.process import process_file

    if output_dir is None and len(files) > 1:
        raise KehoachError(
            ErrorCode.USAGE, files[1], "several files need -o/--output-dir FOLDER to write into"
        )
    settings = _settings(ctx, restore=restore)
    used: set[Path] = set()
    failed = 0
    for file in files:
        try:
            with (
                _input_file(file, settings.limits) as path,
                _page_progress(path, progress) as on_page,
            ):
                processed = process_file(path, settings, on_page)
        except KehoachError as error:
            if len(files) == 1:
                raise
            message = f"{printable_path(error.path)}: {error.reason} [{error.code}]"
            typer.echo(f"kehoach: {message}", err=True)
            failed += 1
            continue
        rendered = _render_plan(processed.plan, to, str(file))
        if output_dir is None:
            sys.stdout.write(rendered)
        else:
            target = _output_path(output_dir, file, to, used)
            output_dir.mkdir(parents=True, exist_ok=True)
            target.write_text(rendered, encoding="utf-8")
            typer.echo(str(target))
        try:
            _warn_unread_pages(processed.raw_text)
        except typer.Exit:  # said on stderr; the other files go on, the exit code says it
            failed += 1
    if failed:
        raise typer.Exit(EXIT_BATCH_FAILURES)


@app.command()
def structure(
    ctx: typer.Context,
    file: FileArgument,
    restore: Annotated[bool, typer.Option(help="Restore diacritics where needed.")] = True,
) -> None:
    """Print FILE's tree as JSON: {"nodes": [{id, parent, kind, label, heading, path, …}]}."""
    from pipeline.process import process_file

    processed = process_file(file, _settings(ctx, restore=restore))
    _print_json({"nodes": [node.model_dump(mode="json") for node in processed.plan.nodes]})


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or globs.")],
    db: DbOption = DEFAULT_DB,
    workers: Annotated[int, typer.Option(help="Local worker processes.")] = 1,
    dask_address: Annotated[
        str | None, typer.Option(help="Run on a Dask cluster, e.g. tcp://10.0.0.5:8786.")
    ] = None,
    restore: Annotated[bool, typer.Option(help="Restore diacritics where needed.")] = True,
) -> None:
    """Ingest plans into the dataset: unchanged files are skipped, failures recorded."""
    from flows.ingest import run_ingest

    summary = run_ingest(
        [str(p) for p in paths],
        db=db,
        workers=workers,
        dask_address=dask_address,
        settings=_settings(ctx, restore=restore),
    )
    if summary.failed or summary.partial:
        raise typer.Exit(EXIT_BATCH_FAILURES)


@app.command()
def watch(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="The folder new documents are dropped into.")],
    db: DbOption = DEFAULT_DB,
    interval: Annotated[float, typer.Option(help="Seconds between polls.")] = 300.0,
    digests: Annotated[
        Path | None, typer.Option(help="Folder for the per-run digests (default <db>.digests).")
    ] = None,
    once: Annotated[bool, typer.Option(help="Poll once and exit (for cron).")] = False,
) -> None:
    """Ingest new or changed files of FOLDER every INTERVAL as a Prefect deployment."""
    from flows.watch import serve_watch, watch_once

    if once:
        digest = watch_once(folder, db, digests, settings=_settings(ctx, restore=True))
        _print_json(digest)
        return
    serve_watch(folder, db, interval, digests)


@app.command()
def rebuild(
    ctx: typer.Context,
    db: DbOption = DEFAULT_DB,
    workers: Annotated[int, typer.Option(help="Local worker processes.")] = 1,
    dask_address: Annotated[str | None, typer.Option(help="Run on a Dask cluster.")] = None,
) -> None:
    """Re-extract every stored document from its stored text (no OCR), after an extractor change."""
    from flows.ingest import run_rebuild

    settings = _settings(ctx)
    summary = run_rebuild(db=db, settings=settings, workers=workers, dask_address=dask_address)
    if summary.failed:
        raise typer.Exit(EXIT_BATCH_FAILURES)


@app.command()
def compare(
    field: Annotated[str, typer.Argument(help="criteria | awards | deadlines | assignments | ...")],
    db: DbOption = DEFAULT_DB,
    documents: Annotated[
        list[str] | None,
        typer.Option("--doc", help="Documents to compare (sha256 prefix or title)."),
    ] = None,
    reference: Annotated[
        str | None, typer.Option(help="Align every plan against this one (sha256 prefix or title).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Side-by-side table of FIELD across documents, matching items aligned."""
    from pipeline.analysis.compare import compare_field, render_comparison

    table = compare_field(db, field, documents=documents, reference=reference)
    if as_json:
        _print_json(table.model_dump(mode="json"))
    else:
        render_comparison(table)


@app.command()
def obligations(
    db: DbOption = DEFAULT_DB,
    agency: Annotated[str | None, typer.Option(help="Canonical or fuzzy agency name.")] = None,
    province: Annotated[str | None, typer.Option(help="Only plans of this province.")] = None,
    ics: Annotated[Path | None, typer.Option(help="Also write the deadlines as iCalendar.")] = None,
) -> None:
    """Print the normalized obligations per agency across all stored documents, as JSON."""
    from pipeline.analysis.obligations import (
        document_issue_days,
        obligations_json,
        query_obligations,
        write_ics,
    )

    found = query_obligations(db, agency=agency, province=province)
    issued = document_issue_days(db)
    _print_json(obligations_json(found, issued))
    if ics is not None:
        events = write_ics(found, ics, issued)
        typer.echo(f"wrote {ics}: {events} dated obligation(s) of {len(found)}", err=True)


@app.command()
def cites(
    ref: Annotated[str, typer.Argument(help='The cited document ("23/CT-TTg", a law\'s name).')],
    db: DbOption = DEFAULT_DB,
    kind: Annotated[
        list[str] | None,
        typer.Option(help="Only these relations: can_cu, thuc_hien, sua_doi, bai_bo, ..."),
    ] = None,
    compare_field: Annotated[
        str | None,
        typer.Option("--compare", help="Then compare this field across the citing plans."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Who cites or implements REF, by province; with --compare, their plans side by side."""
    from pipeline.analysis.citations import citing, plan_shas, render_citing
    from pipeline.analysis.compare import compare_field as compare_plans
    from pipeline.analysis.compare import render_comparison

    answer = citing(db, ref, kinds=kind)
    shas = plan_shas(answer) if compare_field else []
    table = compare_plans(db, compare_field, documents=shas) if shas and compare_field else None
    if as_json:
        answer["comparison"] = table.model_dump(mode="json") if table else None
        _print_json(answer)
        return
    render_citing(answer)
    if table is not None:
        render_comparison(table)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words to find (diacritics and case ignored).")],
    db: DbOption = DEFAULT_DB,
    doc_type: Annotated[str | None, typer.Option("--type", help="Kế hoạch, Quyết định ...")] = None,
    issuer: Annotated[str | None, typer.Option(help="Part of the issuer's name.")] = None,
    province: Annotated[str | None, typer.Option(help="Part of the province's name.")] = None,
    year: Annotated[int | None, typer.Option(help="Year of issue.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many documents.")] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Full-text search of the stored documents (current versions), best matches first."""
    from pipeline.analysis.citations import render_hits, search_dataset

    hits = search_dataset(
        db, text, doc_type=doc_type, issuer=issuer, province=province, year=year, limit=limit
    )
    if as_json:
        _print_json([{k: v for k, v in hit.items()} for hit in hits])
    else:
        render_hits(hits)


@app.command()
def report(
    db: DbOption = DEFAULT_DB,
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write.")] = Path(
        "report.html"
    ),
) -> None:
    """Write a self-contained HTML report of the dataset."""
    from pipeline.analysis.report import write_report

    write_report(db, output)
    typer.echo(f"wrote {output}")


@app.command()
def browse(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="Address to listen on; loopback unless you mean to share it.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free one).")] = 8001,
    row_limit: Annotated[int, typer.Option(help="At most this many rows per query.")] = 1000,
    time_limit: Annotated[float, typer.Option(help="Seconds before a query is stopped.")] = 5.0,
    verbose: Annotated[bool, typer.Option("--verbose", help="Log each request.")] = False,
) -> None:
    """Serve the dataset read-only in a browser: tables, facets, filters, one SELECT at a time."""
    from pipeline.analysis.browse import BrowseSettings, serve

    settings = BrowseSettings(
        db=db, host=host, port=port, row_limit=row_limit, time_limit=time_limit
    )
    serve(settings, (lambda line: typer.echo(line, err=True)) if verbose else None)


@app.command("export")
def export_parquet(
    folder: Annotated[Path, typer.Argument(help="Folder for one Parquet file per table.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Export every table of the dataset to Parquet, one file per table, into FOLDER."""
    from pipeline.storage.store import export_parquet as export

    if (folder.exists() and not folder.is_dir()) or folder.suffix.lower() == ".parquet":
        raise KehoachError(
            ErrorCode.USAGE, folder, "give a folder: export writes one Parquet file per table"
        )

    written = export(db, folder)
    for path in written:
        typer.echo(str(path))


@eval_app.command("restore")
def eval_restore(
    shared: Annotated[
        Path, typer.Option(help="The shared folder with seeds/ gold/ corpus/.")
    ] = Path("../shared"),
) -> None:
    """Syllable accuracy of restoration on the seeds' restoration gold."""
    from pipeline.evaluation.restoration import evaluate_seeds, print_table

    print_table(evaluate_seeds(shared))


@eval_app.command("extract")
def eval_extract(
    shared: Annotated[Path, typer.Option(help="The shared folder with seeds/ and gold/.")] = Path(
        "../shared"
    ),
) -> None:
    """Per-field precision, recall and F1 of extraction against the gold JSON."""
    from pipeline.evaluation.extraction import evaluate_gold, print_scores

    print_scores(evaluate_gold(shared))


def run() -> None:
    """Console entry point: an unexpected exception is a bug, reported with exit code 5."""
    try:
        app()
    except Exception as error:  # noqa: BLE001 - the last line of defence, it re-reports
        typer.echo(f"kehoach: internal error: {type(error).__name__}: {error}", err=True)
        typer.echo("please report it with the file that caused it", err=True)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    run()
