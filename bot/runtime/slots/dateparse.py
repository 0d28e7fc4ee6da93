"""The dateparser fallback, loaded on first use only.

dateparser costs ~50 ms to import and ~90 ms for its first parse, and it
misreads bare numbers ("3" -> March 18th) and some idioms, so the grammars in
``date_rules`` and ``times`` answer first and this runs only for what they do
not know (mostly locales other than en/es). Settings follow the brief:
future dates preferred, "now" as the relative base, naive results.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from bot.runtime.slots.values import ResolveContext


def _settings(ctx: ResolveContext) -> dict[str, Any]:
    return {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": ctx.now.replace(tzinfo=None),
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def _languages(ctx: ResolveContext) -> list[str] | None:
    return [ctx.lang] if ctx.lang.isalpha() else None


def parse(text: str, ctx: ResolveContext) -> datetime | None:
    """dateparser's reading of the whole text, or None (also for a language it does not know)."""
    import dateparser  # type: ignore[import-untyped]

    try:
        parsed = dateparser.parse(text, languages=_languages(ctx), settings=_settings(ctx))
    except (ValueError, LookupError):
        parsed = dateparser.parse(text, settings=_settings(ctx))
    return cast("datetime | None", parsed)


def search(text: str, ctx: ResolveContext) -> list[tuple[str, datetime]]:
    """Dates dateparser spots inside a sentence, as (words, value)."""
    from dateparser.search import search_dates  # type: ignore[import-untyped]

    try:
        found = search_dates(text, languages=_languages(ctx), settings=_settings(ctx))
    except (ValueError, LookupError):
        found = search_dates(text, settings=_settings(ctx))
    return cast("list[tuple[str, datetime]]", list(found or []))
