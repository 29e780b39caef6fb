"""Whether the work in this thread may take a second core now.

A scan's pages are read on two cores: Tesseract on one, everything else on the other
(``pipeline.page_pipeline``). Splitting our own work over both cores while Tesseract runs would
only take time from it, and Tesseract is what the reader waits for; but while no Tesseract of
ours runs (before the first page's, after the last page's, and after a short page's, when its
Tesseract is done before the next page is cleaned) a core is idle, and the work then in hand is
split in two threads (``image_bands``, ``second_reader``, the skew search).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

THREADS = 2  # the machines this is for have two cores

_SPARE: ContextVar[bool] = ContextVar("kehoach_spare_core", default=False)
_running = [0]  # Tesseract processes of this process running now
_counting = threading.Lock()


def has_spare_core() -> bool:
    """True inside ``on_spare_core`` while no Tesseract of this process runs."""
    return _SPARE.get() and _running[0] == 0


def on_spare_core(work: Callable[[], Result]) -> Result:
    """``work()``, allowed to split itself over two threads whenever no Tesseract runs."""
    token = _SPARE.set(True)
    try:
        return work()
    finally:
        _SPARE.reset(token)


@contextmanager
def core_taken() -> Iterator[None]:
    """Around a Tesseract run (``pipeline.ocr.run_tesseract``): the core is not spare."""
    with _counting:
        _running[0] += 1
    try:
        yield
    finally:
        with _counting:
            _running[0] -= 1


def spare_map(work: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """``[work(item) for item in items]``, in two threads when a core is spare (the threads do
    not split their own work again). The results keep the items' order."""
    listed = list(items)
    if not has_spare_core() or len(listed) < 2:
        return [work(item) for item in listed]
    return list(_threads().map(work, listed))


@lru_cache(maxsize=1)
def _threads() -> ThreadPoolExecutor:
    """The process's two threads for work on a spare core, started on first use."""
    return ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="kehoach-spare")
