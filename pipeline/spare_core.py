"""Whether the work in this thread may take a second core now.

A scan's pages are read on two cores: Tesseract on one, everything else on the other
(``pipeline.page_pipeline``). Splitting our own work over both cores would only take time from
Tesseract, which is what the reader waits for; but before the first page's Tesseract starts and
after the last page's ends, one core is idle, and the work then in hand (cleaning the first page,
the second reader on the last) is split in two threads (``image_bands``, ``second_reader``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from functools import lru_cache
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

THREADS = 2  # the machines this is for have two cores

_SPARE: ContextVar[bool] = ContextVar("kehoach_spare_core", default=False)


def has_spare_core() -> bool:
    """True inside ``on_spare_core``: nothing else of ours runs beside this work."""
    return _SPARE.get()


def on_spare_core(work: Callable[[], Result]) -> Result:
    """``work()``, allowed to split itself over two threads."""
    token = _SPARE.set(True)
    try:
        return work()
    finally:
        _SPARE.reset(token)


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
