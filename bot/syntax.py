"""The text syntax shared by specs, packages and the runtime, kept free of heavy imports."""

from __future__ import annotations

import re

SLOT_REFERENCE = re.compile(r"\{([A-Za-z0-9_-]+)\}")
"""``{SlotName}`` in sample utterances and messages; slot names are letters, digits, '_' and '-'."""
