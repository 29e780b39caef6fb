"""Vietnamese diacritics restoration and OCR repair: ``restore(text)`` is the public entry point.

The implementation lives in ``diacritics.restorer`` (not ``diacritics.restore``: a submodule of
that name would replace this function on the package once imported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemas.restore import RestoreResult


def restore(text: str) -> RestoreResult:
    """Restore diacritics and repair OCR garbling; the model loads once, on first use."""
    from diacritics.restorer import restore as _restore

    return _restore(text)


__all__ = ["restore"]
