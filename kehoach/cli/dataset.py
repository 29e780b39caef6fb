"""Dataset commands: ``ingest``, ``watch``, ``rebuild`` build it; ``compare``, ``obligations``,
``cites``, ``search``, ``report``, ``browse``, ``export`` read it; ``eval`` scores the pipeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kehoach import DEFAULT_DB
from kehoach.cli.base import (
    EXIT_BATCH_FAILURES,
    DaskAddressOption,
    DbOption,
    JsonOption,
    WorkersOption,
    app,
    eval_app,
    print_json,
    settings_of,
)


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or globs.")],
    db: DbOption = DEFAULT_DB,
    workers: WorkersOption = 1,
    dask_address: DaskAddressOption = None,
    restore: Annotated[bool, typer.Option(help="Restore diacritics where needed.")] = True,
) -> None:
    """Ingest plans into the dataset: unchanged files are skipped, failures recorded."""
    from flows.ingest import run_ingest

    summary = run_ingest(
        [str(p) for p in paths],
        db=db,
        workers=workers,
        dask_address=dask_address,
        settings=settings_of(ctx, restore=restore),
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
        digest = watch_once(folder, db, digests, settings=settings_of(ctx, restore=True))
        print_json(digest)
        return
    serve_watch(folder, db, interval, digests)


@app.command()
def rebuild(
    ctx: typer.Context,
    db: DbOption = DEFAULT_DB,
    workers: WorkersOption = 1,
    dask_address: DaskAddressOption = None,
) -> None:
    """Re-extract every stored document from its stored text (no OCR), after an extractor change."""
    from flows.ingest import run_rebuild

    settings = settings_of(ctx)
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
    as_json: JsonOption = False,
) -> None:
    """Side-by-side table of FIELD across documents, matching items aligned."""
    from pipeline.analysis.compare import compare_field, render_comparison

    table = compare_field(db, field, documents=documents, reference=reference)
    if as_json:
        print_json(table.model_dump(mode="json"))
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
    print_json(obligations_json(found, issued))
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
    as_json: JsonOption = False,
) -> None:
    """Who cites or implements REF, by province; with --compare, their plans side by side."""
    from pipeline.analysis.citations import citing_compared, render_citing
    from pipeline.analysis.compare import render_comparison

    answer, table = citing_compared(db, ref, kinds=kind, field=compare_field)
    if as_json:
        answer["comparison"] = table.model_dump(mode="json") if table else None
        print_json(answer)
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
    as_json: JsonOption = False,
) -> None:
    """Full-text search of the stored documents (current versions), best matches first."""
    from pipeline.analysis.citations import render_hits, search_dataset

    hits = search_dataset(
        db, text, doc_type=doc_type, issuer=issuer, province=province, year=year, limit=limit
    )
    if as_json:
        print_json([{k: v for k, v in hit.items()} for hit in hits])
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
