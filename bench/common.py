"""What several benchmarks measure alike: the machine's load, and the CPU of the processes started.

On a shared machine a wall time means little without the load it was measured under, so every
benchmark prints ``load_average()`` beside its wall times; CPU seconds (``time.process_time``,
plus ``children_cpu_seconds`` for Tesseract, pdftotext and worker processes) follow the other
users much less.
"""

from __future__ import annotations

import os
import resource


def load_average() -> str:
    """The 1, 5 and 15-minute load averages as printed beside wall times: "1.9/1.4/1.2"."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def children_cpu_seconds() -> float:
    """User and system CPU seconds of every finished child process of this one so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime
