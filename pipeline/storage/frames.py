"""The dataset for notebooks: every table as a pandas DataFrame.

```python
from pipeline.storage.frames import load_dataset
frames = load_dataset("data/kehoach.duckdb")
frames["obligations"].query("agency == 'Công an tỉnh'")
```
"""

from __future__ import annotations

from pathlib import Path

import pandas

from pipeline.storage.store import DATA_TABLES, Dataset

# Works and versions: count facts of ``current_versions`` only (copies and drafts are versions).
WORK_FRAMES = ("works", "versions", "copies", "current_versions", "work_status")


def load_dataset(db: Path | str, *, texts: bool = False) -> dict[str, pandas.DataFrame]:
    """Every table (documents, facts, runs) as a DataFrame, plus the ``quarantine`` view.

    The documents' full texts (``raw_text``, ``text``: pages, lines and word boxes as JSON) are
    large and left out unless ``texts`` is true; the plan JSON is always there.
    """
    frames: dict[str, pandas.DataFrame] = {}
    with Dataset(Path(db), read_only=True) as dataset:
        for table in (*DATA_TABLES, *WORK_FRAMES, "runs", "quarantine"):
            columns = "* EXCLUDE (raw_text, text)" if table == "documents" and not texts else "*"
            frames[table] = dataset.connection.execute(f"SELECT {columns} FROM {table}").df()
    return frames
