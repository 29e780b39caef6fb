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


def has_diacritics(source: SourceDocument) -> bool:
    """True when the file's first ``SAMPLE_BYTES`` carry Vietnamese diacritics as UTF-8. A file
    that cannot be read, or is in a legacy encoding, counts as without: the costlier guess."""
    from diacritics.orthography import has_marks

    try:
        with open(source.path, "rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
    except OSError:
        return False
    return has_marks(sample.decode("utf-8", errors="ignore"))


def text_seconds(source: SourceDocument) -> float:
    """The CPU seconds reading, restoring and extracting this text file will take, about."""
    rate = SECONDS_PER_MB_MARKED if has_diacritics(source) else SECONDS_PER_MB_UNMARKED
    return rate * source.size_bytes / MB
