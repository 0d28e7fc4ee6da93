"""Locale catalogs: the user-facing text of one locale, looked up by dotted key.

A catalog is ``locales/<locale_id>.toml``. Keys are dotted paths through its
tables, so ``ScheduleMeeting.AttendeeName.prompt`` is the entry ``prompt`` of
the table ``[ScheduleMeeting.AttendeeName]``. Lookups never raise: they
return a :class:`Lookup` so the resolver can report every missing or
mistyped key in one build.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import Problem


@dataclass(frozen=True)
class Catalog:
    locale_id: str
    file: str
    """The file as shown in error messages, e.g. ``locales/en_US.toml``."""
    data: Mapping[str, Any]

    def get(self, key: str) -> object | None:
        return lookup(self.data, key)

    def source(self, key: str) -> str:
        return f"{self.file} [{key}]"


def lookup(data: Mapping[str, Any], key: str) -> object | None:
    """The entry a dotted key names in parsed locale data, or None."""
    node: object = data
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def load_catalog(path: Path, display: str) -> Catalog | Problem:
    """Read one locale file; a syntax error comes back as a Problem naming the line."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Problem((), f"not valid TOML: {exc}", source=display)
    return Catalog(locale_id=path.stem, file=display, data=data)
