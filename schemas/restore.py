"""Restoration of diacritics: the text and how sure the restorer was of each token."""

from __future__ import annotations

from pydantic import Field

from schemas.common import Confidence, Frozen, NFCStr


class RestoredToken(Frozen):
    """One token of the output, mapped back to the input characters it replaced."""

    line: int = Field(ge=0, description="0-based line index")
    start: int = Field(ge=0, description="character offset in the output line")
    end: int = Field(ge=0)
    source: NFCStr = Field(description="the input token(s) as written")
    text: NFCStr = Field(description="the restored token")
    confidence: Confidence

    @property
    def changed(self) -> bool:
        return self.source != self.text


class RestoreResult(Frozen):
    """Restored text, one output line per input line."""

    text: NFCStr
    tokens: tuple[RestoredToken, ...] = ()

    @property
    def changed_spans(self) -> tuple[RestoredToken, ...]:
        return tuple(token for token in self.tokens if token.changed)
