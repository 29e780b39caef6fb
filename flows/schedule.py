"""Tasks in flight, and what to do with each when it ends; no Prefect here.

The flows submit a task only once its inputs are values, never futures: a document is read and
processed by one task, and its follow-up (saving it) runs in the flow's own thread. No worker (and
no thread of Prefect's process pool) waits on another task's result.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol


class Future(Protocol):
    """What the window needs of a task's future (Prefect's, or ``concurrent.futures``')."""

    def add_done_callback(self, fn: Callable[[Any], None]) -> None: ...


FollowUp = Callable[[Any], None]


def _put(finished: queue.Queue[tuple[FollowUp, Any]], then: FollowUp, future: Any) -> None:
    finished.put((then, future))


class TaskWindow:
    """At most ``size`` tasks in flight; each finished task's follow-up runs in the flow's thread.

    Follow-ups run one at a time in the thread that calls ``wait``, so they may write the dataset
    (the flow's process is its one writer) and submit further tasks without locks.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.in_flight = 0
        self._finished: queue.Queue[tuple[FollowUp, Any]] = queue.Queue()

    def add(self, future: Future, then: FollowUp) -> None:
        """Track ``future``; ``then(future)`` runs in ``wait`` once it has finished."""
        self.in_flight += 1
        future.add_done_callback(partial(_put, self._finished, then))

    def wait(self) -> None:
        """Block until a task finishes, then run its follow-up."""
        then, future = self._finished.get()
        self.in_flight -= 1
        then(future)

    def make_room(self) -> None:
        """Wait until fewer than ``size`` tasks are in flight."""
        while self.in_flight >= self.size:
            self.wait()

    def drain(self) -> None:
        """Wait for every task in flight, and for the tasks their follow-ups submit."""
        while self.in_flight:
            self.wait()
