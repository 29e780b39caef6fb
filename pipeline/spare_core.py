"""Whether the work in this thread may take more cores now, and how many.

A scan's pages are read on two cores: Tesseract on one, everything else on the other
(``pipeline.page_pipeline``). Splitting our own work over both cores while Tesseract runs would
only take time from it, and Tesseract is what the reader waits for; but while no Tesseract of
ours runs (before the first page's, after the last page's, and after a short page's, when its
Tesseract is done before the next page is cleaned) a core is idle, and the work then in hand is
split in threads (``image_bands``, ``second_reader``, the skew search). The cores are those this
process may run on: on one core nothing is ever split; on more than two, the cores beyond our
running Tesseracts are used.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Other = TypeVar("Other")


def usable_cores() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


CORES = usable_cores()

_SPARE: ContextVar[bool] = ContextVar("kehoach_spare_core", default=False)
_running = [0]  # Tesseract processes of this process running now
_counting = threading.Lock()


def spare_threads() -> int:
    """How many threads the work in hand may use now: inside ``on_spare_core``, one per core
    that no Tesseract of this process is running on; else one."""
    if not _SPARE.get():
        return 1
    return max(1, CORES - _running[0])


def has_spare_core() -> bool:
    """True inside ``on_spare_core`` while a core is free of our Tesseract runs besides this
    thread's (on two cores: while no Tesseract of this process runs)."""
    return spare_threads() > 1


def on_spare_core(work: Callable[[], Result]) -> Result:
    """``work()``, allowed to split itself over threads whenever cores are spare."""
    token = _SPARE.set(True)
    try:
        return work()
    finally:
        _SPARE.reset(token)


@contextmanager
def core_taken() -> Iterator[None]:
    """Around a Tesseract run (``pipeline.ocr.run_tesseract``): its core is not spare."""
    with _counting:
        _running[0] += 1
    try:
        yield
    finally:
        with _counting:
            _running[0] -= 1


def spare_map(work: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """``[work(item) for item in items]``, in threads when cores are spare (the threads do not
    split their own work again). The results keep the items' order."""
    listed = list(items)
    threads = min(spare_threads(), len(listed))
    if threads < 2:
        return [work(item) for item in listed]
    return list(_threads(threads).map(work, listed))


@cache
def _threads(count: int) -> ThreadPoolExecutor:
    """The process's ``count`` threads for work on spare cores, started on first use."""
    return ThreadPoolExecutor(max_workers=count, thread_name_prefix="kehoach-spare")


def side_by_side(first: Callable[[], Result], second: Callable[[], Other]) -> tuple[Result, Other]:
    """``(first(), second())``, the two at once where there are two cores: for two Tesseract
    runs of one page that do not depend on each other (a closing block's two columns), each a
    process of its own, so that the reader waits for the longer rather than for both."""
    if CORES < 2:
        return first(), second()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kehoach-beside") as beside:
        later = beside.submit(second)
        return first(), later.result()
