"""The corpus splits: held-out documents for the final figures, a development split for tuning."""

from __future__ import annotations

from diacritics.text import is_heldout
from diacritics.training.train import is_development


def test_the_development_split_is_about_four_percent_and_never_held_out() -> None:
    ids = [f"doc-{n}" for n in range(20_000)]
    development = [i for i in ids if is_development(i)]
    assert 0.035 < len(development) / len(ids) < 0.045
    assert not any(is_heldout(i) for i in development)
