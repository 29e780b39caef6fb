"""Local worker processes forked from the preloaded forkserver (``flows.forkserver``), and a
runner that makes the command's own process one of the workers.

``ForkedProcessPoolTaskRunner`` is Prefect's process pool with its workers forked instead of
spawned. ``CommandAndForkedTaskRunner`` runs one task at a time in a thread of the command's
process and the others in forked processes: with two workers on two cores, one forked process
instead of two. Measured on 300 corpus texts (bench/ingest): a second forked process paid
Prefect's start and a client per task, its results were pickled to the command and unpickled
there, and the command's own core, which also saves every document, was left to the saving and
Prefect; the command's thread does that half of the work without any of it, as the one-worker
mode does.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from typing import Any

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.forkserver import START_METHOD, use_preload
from flows.tasks import warm_worker


def prefect_pool_initializer() -> Callable[..., None]:
    """Prefect's initializer of a process-pool worker (events and logs forwarded to the
    command), the one private name of Prefect used here.

    Prefect 3.9.1 (the newest release on 2026-12-03) offers no way to give its process pool a
    start method: ``ProcessPoolTaskRunner.__enter__`` hard-codes ``spawn``. So
    ``ForkedProcessPoolTaskRunner.__enter__`` repeats Prefect's with the forkserver's context,
    and needs this initializer. ``tests/flows/test_workers.py`` fails when Prefect changes
    either (the initializer's parameters, or what its ``__enter__`` sets up), and when a
    release lets the start method be chosen, so that this copy can go.
    """
    from prefect.task_runners import _initialize_process_pool_worker

    return _initialize_process_pool_worker


class ForkedProcessPoolTaskRunner(ProcessPoolTaskRunner):
    """Prefect's process pool, its workers forked from the preloaded forkserver.

    Only the start method differs from Prefect's ``__enter__`` (Prefect 3.9): events and logs
    still travel to the command through Prefect's queue, results back through the pool.
    """

    def __init__(self, max_workers: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initializer", warm_worker)
        super().__init__(max_workers=max_workers, **kwargs)

    def __enter__(self) -> ForkedProcessPoolTaskRunner:
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
                initializer=prefect_pool_initializer(),
                initargs=(self._subprocess_message_queue, self._initializer, self._initargs),
            )
            self._resolver_executor = ThreadPoolExecutor(max_workers=self._max_workers)
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self


class CommandAndForkedTaskRunner(TaskRunner[Any]):
    """``max_workers`` tasks at once: one in a thread of the command's own process, the others
    in processes forked from the preloaded forkserver.

    A task goes to the command's thread when the thread has none (the first task: it starts at
    once, while the forkserver may still be loading), else to the forked processes: the
    command's thread shares its process with the saving of every document, so it takes a task
    only when it is free, and the forked processes take the rest, one waiting behind each
    running one (``flows.runners.window_size``) so that Prefect's start of the next task in
    them does not wait for the command.

    The two sides are started on the first task: Prefect enters a copy of the flow's runner in
    every task a worker process runs, where nothing is ever submitted to it.
    """

    def __init__(self, max_workers: int = 2) -> None:
        super().__init__()
        if max_workers < 2:
            raise ValueError("a command thread and forked processes need max_workers >= 2")
        self._max_workers = max_workers
        self._sides: tuple[ThreadPoolTaskRunner[Any], ForkedProcessPoolTaskRunner] | None = None
        self._capacity = (1, max_workers - 1)
        self._queued = [0, 0]
        self._lock = threading.Lock()

    def duplicate(self) -> CommandAndForkedTaskRunner:
        return type(self)(max_workers=self._max_workers)

    def __getstate__(self) -> dict[str, Any]:
        """What travels with the flow to a worker process: the settings, not the running sides
        (their threads and locks)."""
        return {"max_workers": self._max_workers}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(max_workers=state["max_workers"])  # type: ignore[misc]

    def _started_sides(self) -> tuple[ThreadPoolTaskRunner[Any], ForkedProcessPoolTaskRunner]:
        if self._sides is None:
            in_command: ThreadPoolTaskRunner[Any] = ThreadPoolTaskRunner(max_workers=1)
            in_command.__enter__()
            try:
                forked = ForkedProcessPoolTaskRunner(max_workers=self._max_workers - 1).__enter__()
            except Exception:
                in_command.__exit__(None, None, None)
                raise
            self._sides = (in_command, forked)
        return self._sides

    def _choose(self) -> int:
        """0 for the command's thread when it has no task, else 1 for the forked processes."""
        with self._lock:
            side = 0 if self._queued[0] < self._capacity[0] else 1
            self._queued[side] += 1
        return side

    def _done(self, side: int, future: Any) -> None:
        with self._lock:
            self._queued[side] -= 1

    def submit(  # type: ignore[override]
        self,
        task: Any,
        parameters: dict[str, Any],
        wait_for: Iterable[Any] | None = None,
        dependencies: dict[str, Any] | None = None,
    ) -> Any:
        if not self._started:
            raise RuntimeError("Task runner is not started")
        sides = self._started_sides()
        side = self._choose()
        future = sides[side].submit(task, parameters, wait_for, dependencies)
        future.add_done_callback(partial(self._done, side))
        return future

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        sides, self._sides = self._sides, None
        try:
            if sides is not None:
                in_command, forked = sides
                try:
                    forked.__exit__(exc_type, exc_value, traceback)
                finally:
                    in_command.__exit__(exc_type, exc_value, traceback)
        finally:
            super().__exit__(exc_type, exc_value, traceback)
