"""Stable 10-character resource identifiers for built packages.

Lex exports carry an ``identifier`` on every bot, intent, slot and slot type.
Ours are derived from the resource's path so that two builds are
byte-identical and a rebuilt package keeps the ids a deployed bot knows.
"""

from __future__ import annotations

import base64
import hashlib

FALLBACK_INTENT_ID = "FALLBCKINT"
"""The identifier Lex gives every bot's FallbackIntent, in every export."""


def derive_identifier(*path: str) -> str:
    """Ten upper-case alphanumerics (Lex's id format) from a resource path."""
    digest = hashlib.sha256("/".join(path).encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii")[:10]
