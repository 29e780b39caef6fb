"""A document's candidates built in one array pass are those built one token at a time."""

from __future__ import annotations

import numpy as np

from diacritics.orthography import strip_marks
from diacritics.restorer import Restorer
from tests.diacritics.test_determinism import LEGACY_DUMP, SEED_LIKE
from tests.diacritics.test_kernels import CLEAN


def test_batched_candidates_are_those_of_one_token_at_a_time() -> None:
    restorer = Restorer()
    # OCR garble (digits read as letters, sources), stripped text and clean text
    for text in (LEGACY_DUMP, SEED_LIKE, strip_marks(CLEAN), CLEAN.lower()):
        restorer.restore(text, force=True)
    generator = restorer.generator
    built = dict(generator._cache)
    assert any(garbled for _, _, garbled in built) and any(not g for _, _, g in built)
    for request, batched in built.items():
        alone = generator._build(*request)
        assert alone.forms == batched.forms, request
        assert np.array_equal(alone.ids, batched.ids), request
        assert np.array_equal(alone.costs, batched.costs), request
