"""The ``kehoach`` command: parses arguments and calls the library, nothing more.

Heavy libraries (Prefect, spaCy, pandas, Tesseract wrappers) are imported inside the commands so
that ``kehoach --help`` answers at once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from kehoach import DEFAULT_DB
from schemas.settings import Limits

_LIMIT_DEFAULTS = Limits()

app = typer.Typer(
    name="kehoach",
    help="Vietnamese provincial plans (Kế hoạch UBND) into structured, comparable data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score the pipeline against gold.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

EXIT_BATCH_FAILURES = 1
EXIT_BAD_INPUT = 3
EXIT_DATABASE_LOCKED = 4
EXIT_INTERNAL = 5

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB dataset file.")]
FileArgument = Annotated[Path, typer.Argument(help="A PDF, image or legacy OCR .txt file.")]


def _fail(error: Exception) -> NoReturn:
    """Print a KehoachError the way a person can act on it and exit with its code."""
    from schemas import ErrorCode, KehoachError

    if isinstance(error, KehoachError):
        typer.echo(f"kehoach: {error.path}: {error.reason} [{error.code}]", err=True)
        code = EXIT_DATABASE_LOCKED if error.code == ErrorCode.DATABASE_LOCKED else EXIT_BAD_INPUT
        raise typer.Exit(code)
    raise error


@app.callback()
def main(
    ctx: typer.Context,
    max_bytes: Annotated[
        int, typer.Option(help="Largest file accepted, in bytes.")
    ] = _LIMIT_DEFAULTS.max_bytes,
    max_pages: Annotated[
        int, typer.Option(help="Most pages read from one document.")
    ] = _LIMIT_DEFAULTS.max_pages,
    max_pixels: Annotated[
        int, typer.Option(help="Most pixels in one page or image.")
    ] = _LIMIT_DEFAULTS.max_pixels,
    ocr_timeout: Annotated[
        float, typer.Option(help="OCR seconds per page before giving up on it.")
    ] = _LIMIT_DEFAULTS.ocr_seconds_per_page,
) -> None:
    """Limits that protect a batch from one hostile file apply to every command."""
    ctx.obj = Limits(
        max_bytes=max_bytes,
        max_pages=max_pages,
        max_pixels=max_pixels,
        ocr_seconds_per_page=ocr_timeout,
    )


def _settings(ctx: typer.Context, restore: bool = True):  # type: ignore[no-untyped-def]
    from schemas import PipelineSettings

    return PipelineSettings(restore=restore, limits=ctx.obj or _LIMIT_DEFAULTS)


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


@app.command()
def text(
    ctx: typer.Context,
    file: FileArgument,
    as_json: Annotated[
        bool, typer.Option("--json", help="Pages, lines and words with boxes.")
    ] = False,
    restore: Annotated[bool, typer.Option(help="Restore diacritics where needed.")] = False,
) -> None:
    """Print the text of FILE (NFC), one line per line of the page."""
    from schemas import KehoachError

    try:
        from pipeline.process import read_text, restore_text

        settings = _settings(ctx, restore=restore)
        document = restore_text(read_text(file, settings), settings)
    except KehoachError as error:
        _fail(error)
    if as_json:
        _print_json(document.model_dump(mode="json"))
    else:
        sys.stdout.write(document.text + "\n")


@app.command()
def restore(
    ctx: typer.Context,
    file: FileArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Tokens with confidence.")] = False,
) -> None:
    """Print FILE with Vietnamese diacritics restored, one output line per input line."""
    from schemas import KehoachError

    try:
        from diacritics import restore as restore_diacritics
        from pipeline.process import read_text

        source_text = read_text(file, _settings(ctx, restore=False)).text
    except KehoachError as error:
        _fail(error)
    result = restore_diacritics(source_text)
    if as_json:
        _print_json(result.model_dump(mode="json"))
    else:
        sys.stdout.write(result.text + "\n")


@app.command()
def extract(
    ctx: typer.Context,
    file: FileArgument,
    restore: Annotated[bool, typer.Option(help="Restore diacritics where needed.")] = True,
) -> None:
    """Run the whole chain on FILE and print the plan as JSON (the gold format, plus provenance)."""
    from schemas import KehoachError

    try:
        from pipeline.process import process_file

        processed = process_file(file, _settings(ctx, restore=restore))
    except KehoachError as error:
        _fail(error)
    _print_json(processed.plan.model_dump(mode="json"))


@app.command()
def structure(
    ctx: typer.Context,
    file: FileArgument,
    restore: Annotated[bool, typer.Option(help="Restore diacritics where needed.")] = True,
) -> None:
    """Print FILE's tree as JSON: {"nodes": [{id, parent, kind, label, heading, path, provenance}]}."""
    from schemas import KehoachError

    try:
        from pipeline.process import process_file

        processed = process_file(file, _settings(ctx, restore=restore))
    except KehoachError as error:
        _fail(error)
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
    from schemas import KehoachError

    try:
        from flows.ingest import run_ingest

        summary = run_ingest(
            [str(p) for p in paths],
            db=db,
            workers=workers,
            dask_address=dask_address,
            settings=_settings(ctx, restore=restore),
        )
    except KehoachError as error:
        _fail(error)
    if summary.failed:
        raise typer.Exit(EXIT_BATCH_FAILURES)


@app.command()
def rebuild(
    ctx: typer.Context,
    db: DbOption = DEFAULT_DB,
    workers: Annotated[int, typer.Option(help="Local worker processes.")] = 1,
    dask_address: Annotated[str | None, typer.Option(help="Run on a Dask cluster.")] = None,
) -> None:
    """Re-extract every stored document from its stored text (no OCR), after an extractor change."""
    from schemas import KehoachError

    try:
        from flows.ingest import run_rebuild

        summary = run_rebuild(
            db=db, settings=_settings(ctx), workers=workers, dask_address=dask_address
        )
    except KehoachError as error:
        _fail(error)
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
    from pipeline.compare import compare_field, render_comparison
    from schemas import KehoachError

    try:
        table = compare_field(db, field, documents=documents, reference=reference)
    except KehoachError as error:
        _fail(error)
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
    from pipeline.obligations import obligations_json, query_obligations, write_ics
    from schemas import KehoachError

    try:
        found = query_obligations(db, agency=agency, province=province)
    except KehoachError as error:
        _fail(error)
    _print_json(obligations_json(found))
    if ics is not None:
        write_ics(found, ics)


@app.command()
def report(
    db: DbOption = DEFAULT_DB,
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write.")] = Path(
        "report.html"
    ),
) -> None:
    """Write a self-contained HTML report of the dataset."""
    from pipeline.report import write_report
    from schemas import KehoachError

    try:
        write_report(db, output)
    except KehoachError as error:
        _fail(error)
    typer.echo(f"wrote {output}")


@app.command("export")
def export_parquet(
    folder: Annotated[Path, typer.Argument(help="Folder for one Parquet file per table.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Export every table of the dataset to Parquet."""
    from pipeline.store import export_parquet as export
    from schemas import KehoachError

    try:
        written = export(db, folder)
    except KehoachError as error:
        _fail(error)
    for path in written:
        typer.echo(str(path))


@eval_app.command("restore")
def eval_restore(
    shared: Annotated[
        Path, typer.Option(help="The shared folder with seeds/ gold/ corpus/.")
    ] = Path("../shared"),
) -> None:
    """Syllable accuracy of restoration on the seeds' restoration gold."""
    from diacritics.evaluate import evaluate_seeds, print_table

    print_table(evaluate_seeds(shared))


@eval_app.command("extract")
def eval_extract(
    shared: Annotated[Path, typer.Option(help="The shared folder with seeds/ and gold/.")] = Path(
        "../shared"
    ),
) -> None:
    """Per-field precision, recall and F1 of extraction against the gold JSON."""
    from extractors.evaluate import evaluate_gold, print_scores

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
