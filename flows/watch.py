"""A watched folder: each poll ingests only new or changed files and writes a digest of the run.

``watch_once`` is one poll, without Prefect when nothing changed (no run rows pile up, no
server starts); ``serve_watch`` serves it as a Prefect deployment on an interval, so each poll is
a flow run in the Prefect UI (``prefect server start``, then ``PREFECT_API_URL`` set for the
command). The digest says what the poll changed in the works: new works, changed works (a new
current version; the previous one superseded), versions added that are not current (a late
draft), copies of stored texts, and failures.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.batch import expand_paths, plan_batch
from flows.progress import Reporter
from kehoach import DEFAULT_DB
from schemas import PipelineSettings

CURRENT_SQL = """
SELECT c.work_id, c.sha256, d.path, d.doc_type, d.number, d.title
FROM current_versions c JOIN documents d USING (sha256)
"""


def _current(db: Path) -> dict[str, dict[str, Any]]:
    """The current version of every work: work_id → row."""
    from pipeline.storage.store import Dataset

    if not Path(db).is_file():
        return {}
    with Dataset(db, read_only=True) as dataset:
        return {row["work_id"]: row for row in dataset.query(CURRENT_SQL)}


def _pending(folder: Path, db: Path, settings: PipelineSettings) -> int:
    """How many files of the folder need work (new or changed bytes); nothing is recorded."""
    from pipeline.storage.store import Dataset

    with Dataset(db) as dataset:
        return len(plan_batch(expand_paths([folder], exclude=db), dataset, settings).pending)


def digest_of(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], summary: Any
) -> dict[str, Any]:
    """What a poll changed, from the current versions before and after it and its outcomes."""
    new = [after[w] for w in after if w not in before]
    changed = [
        {"work_id": w, "current": after[w], "superseded": before[w]}
        for w in after
        if w in before and after[w]["sha256"] != before[w]["sha256"]
    ]
    current = {row["sha256"] for row in after.values()}
    outcomes = summary.outcomes if summary is not None else ()
    return {
        "run_id": summary.run_id if summary is not None else None,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "new": new,
        "changed": changed,
        "superseded": [entry["superseded"] for entry in changed],
        "versions_not_current": [
            o.path
            for o in outcomes
            if o.outcome in ("ingested", "replaced") and o.sha256 not in current
        ],
        "copies": [o.path for o in outcomes if o.note == "same text as a stored version"],
        "failed": [
            {"path": o.path, "code": str(o.error.code), "reason": o.error.reason}
            for o in outcomes
            if o.outcome == "failed" and o.error is not None
        ],
    }


def watch_once(
    folder: Path,
    db: Path = DEFAULT_DB,
    digests: Path | None = None,
    *,
    workers: int = 1,
    settings: PipelineSettings | None = None,
    reporter: Reporter | None = None,
) -> dict[str, Any]:
    """One poll of ``folder``: ingest what is new or changed, write the digest (JSON) into
    ``digests`` (default: ``<db>.digests/``) when something happened, and return it."""
    from flows.ingest import run_ingest

    folder, db = Path(folder), Path(db)
    settings = settings or PipelineSettings()
    if _pending(folder, db, settings) == 0:
        return digest_of({}, {}, None) | {"new": [], "idle": True}
    before = _current(db)
    summary = run_ingest(
        [str(folder)], db=db, workers=workers, settings=settings, reporter=reporter
    )
    digest = digest_of(before, _current(db), summary)
    folder_out = Path(digests) if digests else Path(str(db) + ".digests")
    folder_out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder_out / f"digest-{stamp}-{summary.run_id[:8]}.json"
    path.write_text(json.dumps(digest, ensure_ascii=False, indent=2, default=str), "utf-8")
    digest["path"] = str(path)
    return digest


def watch_deployment(folder: Path, db: Path, interval: float, digests: Path | None = None) -> Any:
    """The Prefect deployment of a watched folder: one flow run every ``interval`` seconds."""
    from prefect import flow

    @flow(name="kehoach-watch", log_prints=True)
    def watch_flow(folder: str, db: str, digests: str | None = None) -> dict[str, Any]:
        digest = watch_once(Path(folder), Path(db), Path(digests) if digests else None)
        print(
            f"new {len(digest['new'])}, changed {len(digest['changed'])}, "
            f"failed {len(digest['failed'])}"
        )
        return digest

    return watch_flow.to_deployment(
        name=f"watch-{Path(folder).resolve().name}",
        interval=interval,
        parameters={
            "folder": str(folder),
            "db": str(db),
            "digests": str(digests) if digests else None,
        },
    )


def serve_watch(folder: Path, db: Path, interval: float, digests: Path | None = None) -> None:
    """Serve the watched folder until interrupted (needs a Prefect API: ``PREFECT_API_URL``)."""
    from prefect import serve

    serve(watch_deployment(folder, db, interval, digests))
