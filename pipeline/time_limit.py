"""A time bound for a stage that runs Python code: restoration, structure, extraction.

OCR is bounded by killing the Tesseract process; pure-Python stages have no process to kill, so a
timer thread raises ``StageTimedOut`` inside the thread running the stage (CPython's
``PyThreadState_SetAsyncExc``). It lands at the stage's next bytecode, in any thread (Prefect runs
tasks in worker threads, where ``signal.alarm`` cannot reach), so a stage stuck in a slow loop
stops within moments of its limit. A single long call into C (one regular expression over a huge
text) ends first; the stages keep such calls linear.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from schemas import ErrorCode, KehoachError


class StageTimedOut(BaseException):
    """Raised into a stage's thread when its time is up; a BaseException so that no
    ``except Exception`` inside the stage can swallow it."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Schedule ``exception`` in the thread (None clears a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


@contextmanager
def time_limit(seconds: float, stage: str, path: Path | str, option: str) -> Iterator[None]:
    """Run the block for at most ``seconds``; past it raise ``KehoachError`` (STAGE_TIMEOUT).

    ``option`` is the command-line option that raises the limit, named in the message.
    """
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def expire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                _raise_in(target, StageTimedOut)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        try:
            yield
        finally:
            with lock:
                state["done"] = True
                timer.cancel()
                if state["fired"]:
                    _raise_in(target, None)  # not delivered yet: the block ended in time
    except StageTimedOut:
        raise KehoachError(
            ErrorCode.STAGE_TIMEOUT,
            path,
            f"{stage} took longer than {seconds:g} s; raise {option} if the document is genuine",
        ) from None
