"""A file's pages read as a pipeline: Tesseract never waits for kehoach's own work.

A scanned page costs about 1.6 s of Tesseract (a subprocess, one thread) and 0.6 s of our own
work: rendering and cleaning before it (0.35 s), the second reader and the lines after it
(0.25 s). Read one after another, a two-core machine leaves a core idle and reads 1.4× slower
than Tesseract alone. Here three stages run side by side:

- a loading thread renders and cleans page k+1 (PDFium, Pillow and NumPy release the GIL);
- the calling thread runs Tesseract on page k (a subprocess: no GIL at all);
- a finishing thread reads page k−1's unsure lines again (onnxruntime releases the GIL) and
  builds its lines; it loads the recogniser and the language model first, beside page 1's
  Tesseract, so that no page waits for them.

Pages come out in order and are the same as read one by one (each stage is the same pure
function of the same page). At most three pages are in memory: one loading, one in Tesseract,
one finishing. One Tesseract process at a time, one load at a time: the open file is only touched
by the loading thread, as PDFium is not safe across threads. Every limit holds as before
(Tesseract's time per page, the page and pixel limits checked when the file was opened).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from pipeline.paged_text import OcrLoad, PageLoad, PageReader
from pipeline.second_reader import warm_up
from schemas import PageText


def read_overlapped(reader: PageReader) -> Iterator[PageText]:
    """Every page of an opened file in order, loading, Tesseract and finishing overlapped."""
    if reader.load is None:
        yield from (reader.read(index) for index in range(reader.count))
        return
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="kehoach-load") as loader,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="kehoach-finish") as finisher,
    ):
        ahead = loader.submit(reader.load, 0)
        behind: Future[PageText] | None = None
        warming = False
        for index in range(reader.count):
            loaded = ahead.result()
            if index + 1 < reader.count:
                ahead = loader.submit(reader.load, index + 1)
            if isinstance(loaded, OcrLoad) and not warming:
                finisher.submit(warm_up)  # its failure shows again in the first finishing
                warming = True
            current = finisher.submit(_after_tesseract(loaded))
            if behind is not None:
                yield behind.result()
            behind = current
        if behind is not None:
            yield behind.result()


def _after_tesseract(loaded: PageLoad) -> Callable[[], PageText]:
    """What is left of a loaded page once Tesseract has run on it here, in the calling thread
    (nothing for a text-layer page; a page that is not an ``OcrLoad`` is read whole here)."""
    if isinstance(loaded, PageText):
        return lambda: loaded
    if isinstance(loaded, OcrLoad):
        return loaded.tesseract()
    page = loaded()
    return lambda: page
