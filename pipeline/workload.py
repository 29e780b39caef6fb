"""How much work a plain-text file is, judged before reading it: what a batch's choice of
workers and the sizes of its bundles go by.

Restoration is most of a legacy text's cost and almost none of a text that already has its
diacritics (its fast path), so bytes alone misjudge a batch by half: a sample of the file's
start says which kind it is. Measured on 300 corpus texts cut at 30,000 characters
(``bench/ingest/stages.py``, 2-core machine, CPU seconds of reading, restoration and
extraction): 13.0 s for their 2.9 MB with diacritics, 21.2 s for 2.3 MB without.
"""

from __future__ import annotations

from schemas import SourceDocument

SAMPLE_BYTES = 4096
MB = 1024 * 1024
SECONDS_PER_MB_MARKED = 4.4  # text with its diacritics
SECONDS_PER_MB_UNMARKED = 9.4  # legacy text without them: every line restored


def has_diacritics(head: bytes) -> bool:
    """True when a file's first bytes (``head``, its first ``SAMPLE_BYTES`` are looked at)
    carry Vietnamese diacritics as UTF-8; text in a legacy encoding counts as without, the
    costlier guess."""
    from diacritics.orthography import has_marks

    return has_marks(head[:SAMPLE_BYTES].decode("utf-8", errors="ignore"))


def read_head(source: SourceDocument) -> bytes:
    """The file's first ``SAMPLE_BYTES``; nothing when it cannot be read (counted as legacy
    text). A batch has them from identification already (``pipeline.ingest.identify_with_head``)."""
    try:
        with open(source.path, "rb") as handle:
            return handle.read(SAMPLE_BYTES)
    except OSError:
        return b""


def text_seconds(source: SourceDocument, marked: bool | None = None) -> float:
    """The CPU seconds reading, restoring and extracting this text file will take, about;
    ``marked`` is ``has_diacritics`` of its start, read here when not given."""
    if marked is None:
        marked = has_diacritics(read_head(source))
    rate = SECONDS_PER_MB_MARKED if marked else SECONDS_PER_MB_UNMARKED
    return rate * source.size_bytes / MB
