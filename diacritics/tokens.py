"""``RestoredToken`` built quickly: the restorer makes one per word, so this is a hot path."""

from __future__ import annotations

from typing import Any

from schemas.restore import RestoredToken

_TOKEN_FIELDS = frozenset(RestoredToken.model_fields)


_FIELDS_SET = set(_TOKEN_FIELDS)
"""One set shared by every quick token: a frozen model never adds to its fields set (pydantic's
``model_copy`` copies it before an update), and a set fewer per word is a third fewer objects
for the cyclic garbage collector to count and walk (45,000 words a batch of stripped text)."""


def _token_quickly(
    values: dict[str, Any],
    _new: Any = object.__new__,
    _set: Any = object.__setattr__,
) -> RestoredToken:
    """``RestoredToken.model_construct(**values)`` with every field given, in a few steps (the
    builtins bound as defaults: a token is built per word)."""
    token = _new(RestoredToken)
    _set(token, "__dict__", values)
    _set(token, "__pydantic_fields_set__", _FIELDS_SET)
    _set(token, "__pydantic_extra__", None)
    _set(token, "__pydantic_private__", None)
    return token


def _token_checked(values: dict[str, Any]) -> RestoredToken:
    """``RestoredToken.model_construct``: the general way."""
    return RestoredToken.model_construct(**values)


def _choose_token_builder() -> Any:
    """The quick builder where it gives what ``model_construct`` gives (pydantic's internals
    may change), else ``model_construct``; a token is built per word, so this is a hot path."""
    sample = {"line": 0, "start": 0, "end": 1, "source": "a", "text": "á", "confidence": 0.5}
    quick, slow = _token_quickly(dict(sample)), _token_checked(dict(sample))
    same = (
        quick == slow
        and quick.__dict__ == slow.__dict__
        and quick.model_fields_set == slow.model_fields_set
        and not RestoredToken.__pydantic_post_init__
        and not RestoredToken.__private_attributes__
        and RestoredToken.model_config.get("frozen") is True  # the shared fields set stays whole
    )
    return _token_quickly if same else _token_checked


restored_token = _choose_token_builder()
"""Build a ``RestoredToken`` from valid values without validating them again."""
