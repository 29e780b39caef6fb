"""A file's pages read as a pipeline: Tesseract never waits for kehoach's own work.

A scanned page costs about 1.6 s of Tesseract (a subprocess, one thread) and 0.6 s of our own
work: rendering and cleaning before it (0.35 s), the second reader and the lines after it
(0.25 s). Read one after another, a two-core machine leaves a core idle and reads 1.4× slower
than Tesseract alone. Here the calling thread runs Tesseract on page k (a subprocess: no GIL),
while one helper thread loads pages k+1 and k+2 (rendering and cleaning) and finishes page k−1
(the second reader's ONNX runs, the lines): PDFium, Pillow, NumPy and onnxruntime release the
GIL. Beside the first page's Tesseract it loads the recogniser and the language model, so that
no page waits for them. Each page's Tesseract process is started as the page's loading begins
(``pipeline.ocr.start_tesseract``): its model is loaded by the time the image is handed over.

One helper thread, not one per stage: two threads of ours beside Tesseract on two cores would
take time from Tesseract, which is what the reader waits for. Only while no Tesseract runs is a
core spare (``pipeline.spare_core``: before the first page's, after the last page's, after a
short page's), and the helper's work in hand is then split in two threads.

Pages come out in order and are the same as read one by one (each stage is the same function
of the same page). At most four pages' images are in memory: two loaded ahead, one in
Tesseract, one finishing (and the page finished before them, as text, until it is handed out).
The open file is only touched by the helper thread (PDFium is not safe across threads). Every
limit holds as before (Tesseract's time per page, the page and pixel limits checked when the
file was opened).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

from pipeline.paged_text import OcrLoad, PageLoad, PageReader
from pipeline.second_reader import warm_up
from pipeline.spare_core import on_spare_core
from schemas import PageText

AHEAD = 2  # pages loaded before Tesseract needs them: a short page (a cover, a list) after a long
# one leaves Tesseract less time than the next page's loading takes


def read_overlapped(reader: PageReader) -> Iterator[PageText]:
    """Every page of an opened file in order, loading, Tesseract and finishing overlapped."""
    if reader.load is None:
        yield from (reader.read(index) for index in range(reader.count))
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kehoach-page") as helper:
        ahead = deque([helper.submit(on_spare_core, partial(reader.load, 0))])
        try:
            yield from _pipelined(reader, helper, ahead)
        finally:  # an error, or the reading given up: pages loaded and never read
            _discard(ahead)


def _pipelined(
    reader: PageReader, helper: ThreadPoolExecutor, ahead: deque[Future[PageLoad]]
) -> Iterator[PageText]:
    """``read_overlapped``'s loop: ``ahead`` holds the pages loading, page 1's first."""
    assert reader.load is not None
    finishing: Future[PageText] | None = None
    unfinished: Callable[[], PageText] | None = None
    warming = False
    for index in range(reader.count):
        loaded = ahead.popleft().result()
        # the helper's order while Tesseract reads this page: the pages ahead first
        # (Tesseract waits for them), then the models once, then the page before
        for later in range(index + 1 + len(ahead), min(index + 1 + AHEAD, reader.count)):
            ahead.append(helper.submit(on_spare_core, partial(reader.load, later)))
        if isinstance(loaded, OcrLoad) and not warming:
            helper.submit(warm_up)  # a failure shows again in the first finishing
            warming = True
        finished = finishing
        finishing = helper.submit(on_spare_core, unfinished) if unfinished else None
        unfinished = _after_tesseract(loaded)  # Tesseract, here
        if finished is not None:
            yield finished.result()
    if finishing is not None:
        yield finishing.result()
    if unfinished is not None:
        yield helper.submit(on_spare_core, unfinished).result()


def _discard(ahead: deque[Future[PageLoad]]) -> None:
    """Pages loaded ahead that will not be read: their Tesseract processes, started and waiting
    for the image, are ended now."""
    for future in ahead:
        if not future.cancel() and future.exception() is None:
            loaded = future.result()
            if isinstance(loaded, OcrLoad):
                loaded.discard()


def _after_tesseract(loaded: PageLoad) -> Callable[[], PageText]:
    """What is left of a loaded page once Tesseract has run on it here, in the calling thread
    (nothing for a text-layer page; a page that is not an ``OcrLoad`` is read whole here)."""
    if isinstance(loaded, PageText):
        return lambda: loaded
    if isinstance(loaded, OcrLoad):
        return loaded.tesseract()
    page = loaded()
    return lambda: page
