"""Runs underthesea's restorer for ``run.py --underthesea PYTHON`` in that environment's Python.

underthesea's restorer (``underthesea.pipeline.restore_diacritics``, a syllable bigram model of
news text and a dictionary, 1.5 MB in its repository) is not in its PyPI release 9.5.0; its
repository version runs offline. It lives in its own environment (its dependencies are not
ours), so the benchmark talks to it over a pipe: one JSON text a line in, one JSON object a line
out ({"text", "cpu"}: the restored text and the CPU seconds it took in this process).
"""

from __future__ import annotations

import json
import sys
import time


def main() -> int:
    """Load, say so with the load time, then restore each text read."""
    start = time.process_time()
    from underthesea.pipeline.restore_diacritics import restore_diacritics

    restore_diacritics("khoi dong")  # the model loads on first use
    print(json.dumps({"load": time.process_time() - start}), flush=True)
    for raw in sys.stdin:
        text = json.loads(raw)
        start = time.process_time()
        out = restore_diacritics(text)
        print(json.dumps({"text": out, "cpu": time.process_time() - start}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
