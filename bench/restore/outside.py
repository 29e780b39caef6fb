"""Vietnamese from outside the legal corpus, for the restoration benchmark's out-of-domain rows.

Two sources the models never trained on, both lower-cased as written (names, codes, English
words and symbols left in):

- ``everyday_vi.txt`` beside this file: everyday prose written for this benchmark (market, family,
  weather, travel; people's names, towns and provinces), the development set of the general model;
- ``everyday_heldout_vi.txt`` beside this file: a second, independent everyday set (market, family,
  health, school, farming, traffic, sport, weather; people's names, communes and provinces after
  the 2025 merger; homographs such as ông/ống, anh/ảnh, ca/cá/cà), written and committed before
  any tuning on everyday text and never tuned on: a held-out row;
- the Vietnamese translations of Debian packages installed on this machine
  (``/usr/share/locale/vi/LC_MESSAGES/*.mo``: apt, dpkg, coreutils, ...): program messages with
  placeholders, option names and English terms. Read at run time, not copied here; the row is
  skipped where they are absent.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCALE = Path("/usr/share/locale/vi/LC_MESSAGES")
PACKAGES = (
    "adduser",
    "apt",
    "bash",
    "coreutils",
    "dpkg",
    "findutils",
    "grep",
    "man-db",
    "shadow",
    "tar",
    "wget",
    "gtk30",
    "xkeyboard-config",
    "iso_3166-1",
)
"""Packages whose messages are read, a fixed list: the row measures the same text each run."""
PER_PACKAGE = 40
_MARKED = re.compile(r"[ăâêôơưđàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]")


def _lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def everyday(name: str = "everyday_vi.txt") -> list[str]:
    """The everyday prose of file ``name`` beside this one, one sentence a line, lower-cased."""
    text = (HERE / name).read_text(encoding="utf-8")
    return [_lower(line) for line in text.splitlines() if line.strip()]


def everyday_heldout() -> list[str]:
    """The held-out everyday prose (never tuned on), one sentence a line, lower-cased."""
    return everyday("everyday_heldout_vi.txt")


def debian_messages(per_package: int = PER_PACKAGE) -> list[str]:
    """Up to ``per_package`` translated messages of each package in ``PACKAGES`` (five words or
    more, with some Vietnamese mark; ordered by the English original), lower-cased; empty when
    the translations are not installed."""
    out: list[str] = []
    for package in PACKAGES:
        path = LOCALE / f"{package}.mo"
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        picked = []
        for msgid in sorted(k for k in catalog if isinstance(k, str) and k):
            message = catalog[msgid]
            if isinstance(message, str) and len(message.split()) >= 5 and _MARKED.search(message):
                picked.append(" ".join(_lower(message).split()))  # one line per message
            if len(picked) == per_package:
                break
        out += picked
    return out
