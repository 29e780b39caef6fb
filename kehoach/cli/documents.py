"""Single-file commands: ``text``, ``restore``, ``extract``, ``structure``.

One file in (or standard input), its text, restored text, plan or tree out; none of them imports
Prefect or pandas (``tests/kehoach/test_cli.py``).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kehoach.cli.base import (
    EXIT_BATCH_FAILURES,
    FileArgument,
    ProgressOption,
    app,
    input_file,
    limits_of,
    page_progress,
    print_json,
    settings_of,
)
from schemas import DocumentText, ErrorCode, KehoachError, RestoreResult
from schemas.errors import printable_path

PAGE_SEPARATOR = "\f"  # pdftotext's: a line holding only a form feed between two pages


def warn_unread_pages(document: DocumentText) -> None:
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


def print_text(
    value: DocumentText | RestoreResult, as_json: bool, separator: str = PAGE_SEPARATOR
) -> None:
    """The text, or with ``--json`` the whole value (pages, lines, words; or tokens).

    A document's pages are separated by a line holding ``separator`` (a form feed by default).
    """
    if as_json:
        print_json(value.model_dump(mode="json"))
    elif isinstance(value, DocumentText) and separator:
        sys.stdout.write(f"\n{separator}\n".join(page.text for page in value.pages) + "\n")
    else:
        sys.stdout.write(value.text + "\n")


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

    settings = settings_of(ctx, restore=restore)
    with input_file(file, settings.limits) as path, page_progress(path, progress) as on_page:
        raw = read_text(path, settings, on_page)
    document = restore_text(raw, settings)
    print_text(document, as_json, page_separator)
    warn_unread_pages(document)


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

    with input_file(file, limits_of(ctx)) as path:
        document = read_text(path, settings_of(ctx, restore=False))
    print_text(restore_diacritics(document.text), as_json)
    warn_unread_pages(document)


class OutputFormat(StrEnum):
    json = "json"
    md = "md"


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
    from pipeline.analysis.markdown import render_plan
    from pipeline.process import process_file

    if output_dir is None and len(files) > 1:
        raise KehoachError(
            ErrorCode.USAGE, files[1], "several files need -o/--output-dir FOLDER to write into"
        )
    settings = settings_of(ctx, restore=restore)
    used: set[Path] = set()
    failed = 0
    for file in files:
        try:
            with (
                input_file(file, settings.limits) as path,
                page_progress(path, progress) as on_page,
            ):
                processed = process_file(path, settings, on_page)
        except KehoachError as error:
            if len(files) == 1:
                raise
            message = f"{printable_path(error.path)}: {error.reason} [{error.code}]"
            typer.echo(f"kehoach: {message}", err=True)
            failed += 1
            continue
        rendered = render_plan(processed.plan, to.value, str(file))
        if output_dir is None:
            sys.stdout.write(rendered)
        else:
            target = _output_path(output_dir, file, to, used)
            output_dir.mkdir(parents=True, exist_ok=True)
            target.write_text(rendered, encoding="utf-8")
            typer.echo(str(target))
        try:
            warn_unread_pages(processed.raw_text)
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

    processed = process_file(file, settings_of(ctx, restore=restore))
    print_json({"nodes": [node.model_dump(mode="json") for node in processed.plan.nodes]})
