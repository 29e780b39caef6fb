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


def test_the_deletion_set_says_what_the_common_subsequence_row_says() -> None:
    from diacritics.near import has_near, has_near_matrix
    from diacritics.restorer import default_restorer

    inventory = default_restorer().generator.inventory
    keys = ["vanphong", "tronghop", "kehoach", "xyzwq", "ngbiep", "t6", "qu}{et", "a", "gi"]
    keys += ["thanhpho", "ubnd", "nghiquyet", "kkkkkk", "bcdfg", "uyen", "nguyen", "truong"]
    assert [has_near(inventory, k) for k in keys] == [has_near_matrix(inventory, k) for k in keys]
    assert any(has_near(inventory, k) for k in keys)
    assert not all(has_near(inventory, k) for k in keys)
