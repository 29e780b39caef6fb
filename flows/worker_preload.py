"""What the forkserver of local workers (``flows.forkserver``) imports once, before any worker
is forked from it: Prefect and the tasks, the reading chain, and the models and vocabularies a
text needs (``pipeline.process.warm_up``). Importing this module does that work; nothing else
imports it.

Then every object made so far is moved out of the garbage collector's reach (``gc.freeze``):
a collection in a worker would otherwise write to the header of every preloaded object, and so
copy every page the worker shares with the forkserver (copy-on-write), in each worker.
"""

from __future__ import annotations

import gc

import flows.tasks  # noqa: F401  (Prefect and the task definitions the workers run)
from flows.forkserver import preload_legacy
from pipeline.process import warm_up

warm_up(legacy=preload_legacy())
gc.collect()
gc.freeze()
