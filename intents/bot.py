"""The bot itself: its name, session settings and the locales every key must resolve in."""

from __future__ import annotations

from bot.spec import BotSpec, LocaleSpec

BOT = BotSpec(
    name="Meety",
    description=(
        "Meety: requests meetings for approval, lists and cancels a user's requests, "
        "and answers staff ChatOps questions (deploys, alarms, database backups)."
    ),
    idle_session_ttl_in_seconds=900,
    locales=(
        LocaleSpec(locale_id="en_US", nlu_confidence_threshold=0.4, voice_id="Danielle"),
        LocaleSpec(locale_id="es_US", nlu_confidence_threshold=0.4, voice_id="Lupe"),
    ),
)
