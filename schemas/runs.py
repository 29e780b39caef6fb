"""One entry of the ``runs`` log: what a run did to one file."""

from __future__ import annotations

from typing import Literal

from schemas.common import Frozen, NFCStr
from schemas.errors import ErrorReport

RunOutcome = Literal["ingested", "skipped", "failed"]
"""What the log says of a file; a document replacing an older pipeline version's is "ingested"."""


class RunEntry(Frozen):
    """What a run did to one file; a failed file keeps its code and reason (its quarantine entry).

    Built once by the batch that ran, taken by ``Dataset.record_runs`` and written as one row of
    ``runs`` by ``pipeline.storage.writes.run_row``.
    """

    run_id: str
    path: NFCStr
    sha256: str | None = None
    outcome: RunOutcome
    pipeline_version: str
    error: ErrorReport | None = None
    seconds: float = 0.0
