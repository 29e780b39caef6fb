"""What the forkserver of local workers (``flows.workers``) imports once, before any worker is
forked from it: Prefect and the tasks, the reading chain, and the models and vocabularies a text
needs (``pipeline.process.warm_up``). Importing this module does that work; nothing else imports
it."""

from __future__ import annotations

import flows.tasks  # noqa: F401  (Prefect and the task definitions the workers run)
from pipeline.process import warm_up

warm_up()
