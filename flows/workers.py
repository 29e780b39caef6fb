"""Local worker processes forked from one that has already loaded kehoach's models.

Prefect's ``ProcessPoolTaskRunner`` starts each worker with ``spawn``: a fresh interpreter that
imports Prefect and the reading chain and loads the models again, about 3 CPU s a worker before
its first document, on a 2-core machine as much as a 300-text batch's whole restoration. Here the
workers are forked from a ``forkserver`` that imported all of that once (``flows.worker_preload``)
and is started as soon as a batch knows it needs workers, beside the Prefect server's start: a
worker's start is then a fork (milliseconds), the models shared copy-on-write. The forkserver is
a process of its own with no threads, so forking it is safe where forking the command (Prefect's
threads, the dataset's watcher) is not. Each worker holds the pipe by which the forkserver would
see the command end, so the workers watch the command themselves (``flows.tasks.warm_worker``)
and the forkserver ends after them.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import forkserver
from typing import Any

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner

from flows.tasks import COMMAND_PID_VARIABLE, warm_worker

START_METHOD = "forkserver"
PRELOAD = ["flows.worker_preload"]


def use_preload() -> None:
    """Have the forkserver, when it starts, import ``PRELOAD`` before forking any worker; the
    workers learn the command's pid from the environment the forkserver inherits."""
    os.environ[COMMAND_PID_VARIABLE] = str(os.getpid())
    multiprocessing.get_context(START_METHOD).set_forkserver_preload(PRELOAD)


def start_forkserver() -> None:
    """Start the forkserver and its preload now (it runs while the caller goes on); later
    workers are forked from it. A second call does nothing."""
    use_preload()
    forkserver.ensure_running()


class ForkedProcessPoolTaskRunner(ProcessPoolTaskRunner):
    """Prefect's process pool, its workers forked from the preloaded forkserver.

    Only the start method differs from Prefect's ``__enter__`` (Prefect 3.9): events and logs
    still travel to the command through Prefect's queue, results back through the pool.
    """

    def __init__(self, max_workers: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initializer", warm_worker)
        super().__init__(max_workers=max_workers, **kwargs)

    def __enter__(self) -> ForkedProcessPoolTaskRunner:
        from prefect.task_runners import _initialize_process_pool_worker

        TaskRunner.__enter__(self)
        # Not started here: Prefect enters a copy of the flow's runner inside every worker too,
        # and the pool starts its processes (and so the forkserver) only when given a task.
        use_preload()
        context = multiprocessing.get_context(START_METHOD)
        self._subprocess_message_queue = context.Queue()
        self._message_forwarding_thread = threading.Thread(
            target=self._forward_subprocess_messages,
            name="ProcessPoolTaskRunnerMessageForwarder",
            daemon=True,
        )
        self._message_forwarding_thread.start()
        try:
            self._executor = ProcessPoolExecutor(
                max_workers=self._max_workers,
                mp_context=context,
                initializer=_initialize_process_pool_worker,
                initargs=(self._subprocess_message_queue, self._initializer, self._initargs),
            )
            self._resolver_executor = ThreadPoolExecutor(max_workers=self._max_workers)
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self
