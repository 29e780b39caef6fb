"""Tasks in flight, and documents whose pages are read by separate tasks; no Prefect here.

The flows submit a task only once its inputs are values, never futures: a document's pages are
read by one task each and put together in the flow's own process, which then submits the
document's processing. No worker (and no thread of Prefect's process pool) waits on another
task's result, and the pages of the next documents keep every worker busy while the last pages
of a long scan are still being read.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from schemas import PageText, SourceDocument


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


@dataclass
class PagedDocument:
    """A document whose pages are read by separate tasks, as the pages come back."""

    source: SourceDocument
    count: int
    pages: dict[int, PageText] = field(default_factory=dict)
    failed: bool = False

    def add(self, index: int, page: PageText) -> bool:
        """Keep page ``index`` (0-based); True once every page is in."""
        self.pages[index] = page
        return len(self.pages) == self.count

    def in_order(self) -> list[PageText]:
        """Every page, in page order."""
        return [self.pages[index] for index in range(self.count)]
