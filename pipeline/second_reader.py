"""A second reader for the lines Tesseract is unsure of: asterocr's line recogniser (ONNX).

asterocr (PyPI, MIT) ships a 40 MB CTC line recogniser trained on Vietnamese inside its wheel
(``asterocr/assets/asternet.onnx``). Its own ``AsterOCR`` class would fall back to downloading the
model from Hugging Face when the file is missing; here the bundled file is opened directly with
onnxruntime, so nothing is ever downloaded, and when either package is missing the second reader
is simply off (``available()``). It reads single lines only, so it is given the lines Tesseract
found: where Tesseract is unsure of a word, and the header's number and date fields, often written
by hand or stamped. Which reading is kept is decided by ``line_choice`` (evidence, not engine).

The model reads a strip 32 pixels high; lines wider than ``MAX_WIDTH`` page pixels are read in
pieces cut at word gaps. Word boxes inflated by a stroke through the line (a signature, a seal's
ring) would make the strip too tall: the strip's height comes from the median word's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from pipeline.line_choice import Reading, choose, keep_capitals, language_model
from pipeline.scan import Row, Token
from pipeline.spare_core import spare_map

Box = tuple[int, int, int, int]  # left, top, right, bottom in page pixels

MAX_WIDTH = 1024  # page pixels the recogniser reads in one piece
MODEL_STEPS = 256  # positions of the model's positional encoding: its widest input is 4× that
HEIGHT = 32  # the model's input height
MARGIN = 0.25  # of the line height, above, below and beside the words
UNSURE = 0.70  # a lettered word under this Tesseract confidence is read again (0.8: p1 0.82% CER
# but +0.6 s a page; 0.6: 1.05%, +0.3 s; 0.7: 0.91%, +0.45 s)
REACH = 1  # words of context read again on each side of an unsure word


@dataclass(frozen=True)
class LineModel:
    """The ONNX session and its output alphabet, loaded once per process (``line_model``)."""

    session: Any
    input_name: str
    chars: tuple[str, ...]
    blank: int

    def read(self, strip: Image.Image) -> tuple[str, float]:
        """Text of one line strip and the mean probability of its characters."""
        width = max(HEIGHT, round(strip.width * HEIGHT / max(1, strip.height)))
        # The model has MODEL_STEPS positions, one per 4 input pixels: a short, wide strip
        # (small print, a 1,024-pixel piece) is squeezed to fit rather than refused by ONNX.
        width = min((width + 3) // 4 * 4, MODEL_STEPS * 4)
        pixels = np.asarray(
            strip.convert("RGB").resize((width, HEIGHT), Image.Resampling.BILINEAR),
            dtype=np.float32,
        )
        tensor = ((pixels / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[np.newaxis]
        log_probs = self.session.run(None, {self.input_name: tensor})[0][:, 0, :]  # (time, chars)
        return self._decode(log_probs)

    def _decode(self, log_probs: np.ndarray) -> tuple[str, float]:
        """Greedy CTC: the best class per step, repeats merged, blanks dropped."""
        best = log_probs.argmax(axis=1)
        probs = np.exp(log_probs.max(axis=1))
        text, kept, previous = [], [], -1
        for step, index in enumerate(best.tolist()):
            if index != previous and index != self.blank:
                text.append(self.chars[index] if index < len(self.chars) else "")
                kept.append(float(probs[step]))
            previous = index
        return "".join(text), (sum(kept) / len(kept) if kept else 0.0)


def _model_file() -> Path | None:
    try:
        import asterocr  # noqa: F401  (only its bundled files are used)
    except ImportError:
        return None
    path = Path(asterocr.__file__).parent / "assets" / "asternet.onnx"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def line_model() -> LineModel | None:
    """The recogniser, loaded on first use in this process; None when not installed."""
    path = _model_file()
    if path is None:
        return None
    import onnxruntime as ort
    from asterocr.vocab import default_vocab

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # one core per page, as Tesseract (pipeline.ocr)
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    count = max(default_vocab.idx2char) + 1
    chars = tuple(default_vocab.idx2char.get(i, "") for i in range(count))
    return LineModel(session, session.get_inputs()[0].name, chars, default_vocab.blank_idx)


def available() -> bool:
    """Whether the second reader is installed (asterocr and onnxruntime)."""
    return _model_file() is not None


def warm_up() -> None:
    """Load the recogniser and the line choice's language model now (once per process, about
    0.3-0.6 s): ``pipeline.page_pipeline`` does it beside the first page's Tesseract, so that
    the first unsure line does not wait for it."""
    if available():
        line_model()
        language_model()


def is_unsure(row: Row, threshold: float = UNSURE) -> bool:
    """A line with a word of letters or digits Tesseract gave less than ``threshold``."""
    return any(t.conf < threshold for t in row if any(c.isalnum() for c in t.text))


def pieces(row: Row, max_width: float = MAX_WIDTH) -> list[Row]:
    """The row's words in runs no wider than ``max_width``, cut at word gaps."""
    words = sorted(row, key=lambda t: t.x0)
    runs: list[Row] = [[words[0]]] if words else []
    for word in words[1:]:
        if word.x1 - runs[-1][0].x0 > max_width:
            runs.append([word])
        else:
            runs[-1].append(word)
    return runs


def strip_box(run: Row, size: tuple[int, int], tall: float = 1.0) -> Box:
    """The crop of a run of words: the median word's band, so a stroke-inflated box (a
    signature crossing a word) does not make the strip tall; ``tall`` widens it for handwriting
    that stands above and below the printed line."""
    tops = sorted(t.y0 for t in run)
    bottoms = sorted(t.y1 for t in run)
    top, bottom = tops[len(tops) // 2], bottoms[len(bottoms) // 2]
    height = bottom - top
    pad = height * (MARGIN + (tall - 1) / 2)
    return (
        max(0, round(min(t.x0 for t in run) - height * MARGIN)),
        max(0, round(top - pad)),
        min(size[0], round(max(t.x1 for t in run) + height * MARGIN)),
        min(size[1], round(bottom + pad)),
    )


def _as_tokens(run: Row, text: str, conf: float) -> Row:
    """The run's words carrying the second reading: word for word when the counts agree, else
    the run's width shared out by characters."""
    words = text.split()
    if not words:
        return []
    if len(words) == len(run):
        return [t._replace(text=w, conf=conf) for t, w in zip(run, words, strict=True)]
    x0, x1 = min(t.x0 for t in run), max(t.x1 for t in run)
    y0, y1 = min(t.y0 for t in run), max(t.y1 for t in run)
    total = sum(len(w) + 1 for w in words)
    out, at = [], 0
    for word in words:
        start = x0 + (x1 - x0) * at / total
        at += len(word) + 1
        out.append(Token(word, start, y0, x0 + (x1 - x0) * (at - 1) / total, y1, conf))
    return out


def unsure_spans(row: Row, threshold: float = UNSURE, reach: int = 1) -> list[tuple[int, int]]:
    """Index ranges of the row's words (left to right) around each unsure word, ``reach`` words
    of context on each side, overlapping ranges joined: only these are read again (the
    recogniser's time grows with the strip's width)."""
    words = sorted(row, key=lambda t: t.x0)
    spans: list[tuple[int, int]] = []
    for i, token in enumerate(words):
        if token.conf >= threshold or not any(c.isalnum() for c in token.text):
            continue
        start, end = max(0, i - reach), min(len(words), i + reach + 1)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


@dataclass(frozen=True)
class RowStrips:
    """A row to read again: its words left to right, the spans of them read again, each span's
    runs (cut at word gaps to the model's width) and the strip each run is read from."""

    words: Row
    spans: list[tuple[int, int]]
    runs: list[tuple[int, Row]]  # (index of its span, the run's words)
    boxes: list[Box]
    crop: Callable[[Box], Image.Image]

    def reading(self, reads: Sequence[tuple[str, float]]) -> Row | None:
        """The row with each run's words replaced by the second reader's ``reads`` of them."""
        read: list[Row] = [[] for _ in self.spans]
        for (span, run), (text, conf) in zip(self.runs, reads, strict=True):
            read[span] += _as_tokens(run, text, conf)
        words, spans = self.words, self.spans
        out: Row = words[: spans[0][0]]
        for k, (_, end) in enumerate(spans):
            out += read[k] + words[end : spans[k + 1][0] if k + 1 < len(spans) else len(words)]
        return out or None


def row_strips(
    image: Image.Image,
    row: Row,
    tall: float = 1.0,
    spans: Sequence[tuple[int, int]] = (),
    crop: Callable[[Box], Image.Image] | None = None,
) -> RowStrips:
    """What of a row is read again: with ``spans``, only those runs of words (else the whole
    row); ``crop`` cuts the strips from another image of the same page (default: ``image``)."""
    words = sorted(row, key=lambda t: t.x0)
    spans = list(spans) or [(0, len(words))]
    runs = [(k, run) for k, (start, end) in enumerate(spans) for run in pieces(words[start:end])]
    boxes = [strip_box(run, image.size, tall) for _, run in runs]
    return RowStrips(words, spans, runs, boxes, crop or image.crop)


def read_row(
    image: Image.Image,
    row: Row,
    tall: float = 1.0,
    spans: Sequence[tuple[int, int]] = (),
    crop: Callable[[Box], Image.Image] | None = None,
) -> Row | None:
    """The row read by the second reader, as words with boxes; None when it is off (the others
    kept as they were outside ``spans``; see ``row_strips``)."""
    model = line_model()
    if model is None or not row:
        return None
    strips = row_strips(image, row, tall, spans, crop)
    return strips.reading([model.read(strips.crop(box)) for box in strips.boxes])


_NUMBER_FIELD = re.compile(r"^s[oố]\s*:?", re.IGNORECASE)  # "Số: 589/KH-BCA-C04"
_DATE_FIELD = re.compile(r"\bng[aà]y\b", re.IGNORECASE)  # "Hà Nội, ngày 02 tháng 10 năm 2025"
_FILLED = re.compile(r"(^s[oố]\s*:?\s*\d)|(\bng[aà]y\s*\d)", re.IGNORECASE)


def is_field(row: Row, region: str) -> bool:
    """The header's number ("Số: …") or date ("…, ngày … tháng … năm …") line, whose number and
    day are often written by hand or stamped (Nghị định 30/2020/NĐ-CP puts both in the header)."""
    text = " ".join(t.text for t in sorted(row, key=lambda t: t.x0))
    if region == "header-left":
        return bool(_NUMBER_FIELD.match(text))
    return region == "header-right" and bool(_DATE_FIELD.search(text)) and "năm" in text


def _filled(row: Row) -> bool:
    return bool(_FILLED.search(" ".join(t.text for t in sorted(row, key=lambda t: t.x0))))


def better_reading(row: Row, second: Row | None, field: bool) -> Row:
    """The row as Tesseract read it or as the second reader did, by evidence (``line_choice``);
    a header field with its number read beats one without; capitals kept on all-capital lines."""
    if not second:
        return row
    like = " ".join(t.text for t in row)
    if field and _filled(second) != _filled(row):
        chosen = second if _filled(second) else row
    else:
        chosen = list(choose([Reading(tuple(row)), Reading(tuple(second))]).tokens)
    return keep_capitals(chosen, like)


def reread_unsure(
    ready: Image.Image,
    original: Callable[[Box], Image.Image] | None,
    ordered: Sequence[tuple[Row, str]],
) -> list[tuple[Row, str]]:
    """Rows in reading order, each unsure one and each header field read again and the better
    reading kept. Fields are read from the uncleaned page (``original`` cuts a box of it,
    levelled as the cleaned page): the cleaning whitens red stamps and fades blue ink.

    When a core is spare (``pipeline.spare_core``: the last page of a file, Tesseract done), the
    strips of all rows are read in two threads (onnxruntime and Pillow release the GIL). Each
    strip's reading is the same either way, and the rows keep their order.
    """
    model = line_model()  # loaded here, before the threads that share it
    if model is None:
        return list(ordered)
    fields = [is_field(row, region) for row, region in ordered]
    todo = [i for i, (row, _) in enumerate(ordered) if row and (fields[i] or is_unsure(row))]
    strips = {
        i: row_strips(ready, ordered[i][0], tall=1.6, crop=original)
        if fields[i]
        else row_strips(ready, ordered[i][0], spans=unsure_spans(ordered[i][0], reach=REACH))
        for i in todo
    }
    jobs = [(strips[i].crop, box) for i in todo for box in strips[i].boxes]
    # the widest strips first (the model's time grows with the width): two threads end together
    order = sorted(range(len(jobs)), key=lambda j: jobs[j][1][0] - jobs[j][1][2])
    read = spare_map(lambda j: model.read(jobs[j][0](jobs[j][1])), order)
    done = dict(zip(order, read, strict=True))
    reads = iter(done[j] for j in range(len(jobs)))
    readings = {i: strips[i].reading([next(reads) for _ in strips[i].boxes]) for i in todo}
    return [
        (better_reading(row, readings[i], fields[i]), region) if i in readings else (row, region)
        for i, (row, region) in enumerate(ordered)
    ]
