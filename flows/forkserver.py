"""The forkserver local worker processes are forked from, started before Prefect is imported.

Prefect's ``ProcessPoolTaskRunner`` starts each worker with ``spawn``: a fresh interpreter that
imports Prefect and the reading chain and loads the models again, about 3 CPU s a worker before
its first document. Here workers are forked from a ``forkserver`` that did that once
(``flows.worker_preload``). The command starts it as soon as it knows a batch needs a worker
process, before it imports Prefect itself, so the preload runs on the other core while the
command imports Prefect and starts the flow run: by the time the flow submits its first task the
forkserver is (nearly) ready. The forkserver is a process of its own with no threads, so forking
it is safe where forking the command (Prefect's threads, the dataset's watcher) is not. Each
worker holds the pipe by which the forkserver would see the command end, so the workers watch
the command themselves (``flows.tasks.warm_worker``) and the forkserver ends after them.

Nothing here imports Prefect: the command calls ``start_forkserver`` before it does.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing import forkserver

START_METHOD = "forkserver"
PRELOAD = ["flows.worker_preload"]
COMMAND_PID_VARIABLE = "KEHOACH_COMMAND_PID"  # the command a worker exits with
LEGACY_VARIABLE = "KEHOACH_PRELOAD_LEGACY"  # "0": the batch's texts all have their diacritics


def use_preload() -> None:
    """Have the forkserver, when it starts, import ``PRELOAD`` before forking any worker; the
    workers learn the command's pid from the environment the forkserver inherits."""
    os.environ[COMMAND_PID_VARIABLE] = str(os.getpid())
    multiprocessing.get_context(START_METHOD).set_forkserver_preload(PRELOAD)


def start_forkserver(legacy: bool = True) -> None:
    """Start the forkserver and its preload now (it runs while the caller goes on); later
    workers are forked from it. Without ``legacy`` (no text of the batch lacks diacritics) the
    preload leaves out the restoration decoder's warm-up (``pipeline.process.warm_up``); a
    worker that meets such a text after all loads what it needs then. A second call does
    nothing."""
    os.environ[LEGACY_VARIABLE] = "1" if legacy else "0"
    use_preload()
    forkserver.ensure_running()


def preload_legacy() -> bool:
    """In the forkserver: whether its preload warms up the restoration decoder too."""
    return os.environ.get(LEGACY_VARIABLE, "1") != "0"
