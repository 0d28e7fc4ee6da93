"""The fulfillment Lambda's user-facing text, read from ``locales/<locale_id>.toml`` at the entry point.

Keys are dotted paths, as for the bot build (``Fulfillment.rules.too_soon``). A message is a string or a
list of variations; ``{name}`` placeholders are filled from keyword values, and a placeholder with no
value stays as written. A key missing in the asked locale (or an unknown locale) falls back to en_US.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.catalog import lookup
from fulfillment.scheduling import Problem, Violation

FALLBACK_LOCALE = "en_US"
RULES = "Fulfillment.rules"
ZONES = "Fulfillment.zones"


class MissingTextError(KeyError):
    """No locale, not even the fallback, has a message under the key."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "missing text"


class _KeepUnknown(dict[str, str]):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def fill(template: str, values: Mapping[str, object]) -> str:
    """``template`` with ``{name}`` replaced by ``values[name]``; unknown names stay literal."""
    return template.format_map(_KeepUnknown({name: str(value) for name, value in values.items()}))


def rule_key(problem: Problem) -> str:
    """The message key for a broken rule: ``Fulfillment.rules.<violation in lower case>``.

    TOO_SOON uses ``too_soon_earliest`` when the details say when the earliest bookable start is.
    """
    name = problem.violation.name.lower()
    if problem.violation is Violation.TOO_SOON and "earliest" in problem.details:
        name = "too_soon_earliest"
    return f"{RULES}.{name}"


@dataclass(frozen=True)
class Texts:
    catalogs: Mapping[str, Mapping[str, Any]]
    """Parsed locale files by locale id (``en_US``)."""
    fallback: str = FALLBACK_LOCALE

    @classmethod
    def load(cls, locales_dir: Path, fallback: str = FALLBACK_LOCALE) -> Texts:
        """Every ``<locale_id>.toml`` in ``locales_dir``; a file that is not valid TOML raises ValueError."""
        catalogs: dict[str, Mapping[str, Any]] = {}
        for path in sorted(locales_dir.glob("*.toml")):
            try:
                catalogs[path.stem] = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"{path}: not valid TOML: {exc}") from None
        if fallback not in catalogs:
            raise ValueError(f"{locales_dir} has no {fallback}.toml, the fallback locale")
        return cls(catalogs, fallback)

    def variations(self, locale_id: str, key: str) -> tuple[str, ...]:
        """The variations of ``key`` in ``locale_id``, else in the fallback locale."""
        for locale in dict.fromkeys((locale_id, self.fallback)):
            found = lookup(self.catalogs.get(locale, {}), key)
            if found is None:
                continue
            if isinstance(found, str):
                return (found,)
            if isinstance(found, list) and found and all(isinstance(item, str) for item in found):
                return tuple(found)
            raise TypeError(f"locales/{locale}.toml [{key}] is not a message (a string or a list of strings)")
        raise MissingTextError(f"no message '{key}' in locale {locale_id} or the fallback {self.fallback}")

    def message(self, locale_id: str, key: str, /, rng: random.Random | None = None, **values: object) -> str:
        """The first variation (one chosen by ``rng`` if given) with ``values`` filled in."""
        options = self.variations(locale_id, key)
        template = rng.choice(options) if rng is not None else options[0]
        return fill(template, values)

    def rule_message(self, locale_id: str, problem: Problem, rng: random.Random | None = None) -> str:
        """Why the request breaks a scheduling rule, ending with the question that asks the slot again."""
        return self.message(locale_id, rule_key(problem), rng, **problem.details)

    def both_zones(self, locale_id: str, time_user: str, time_host: str, host_zone: str) -> str:
        """A time in the user's zone followed by the host's: "10:00 your time (15:00 Europe/London)"."""
        return self.message(
            locale_id, f"{ZONES}.both", time_user=time_user, time_host=time_host, host_zone=host_zone
        )
