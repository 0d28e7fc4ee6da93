"""A human summary of a bot definition, for ``meety build`` and ``meety inspect``."""

from __future__ import annotations

from bot.model import Bot


def summarize(bot: Bot) -> str:
    lines = [
        f"Bot {bot.name} ({len(bot.locales)} locale(s), idle session TTL {bot.idle_session_ttl_in_seconds}s)"
    ]
    for locale in bot.locales:
        utterances = sum(len(i.sample_utterances) for i in locale.intents)
        lines.append(
            f"  {locale.locale_id}: {len(locale.intents)} intents, {utterances} utterances, "
            f"{len(locale.slot_types)} slot types, threshold {locale.nlu_confidence_threshold}"
        )
        for intent in sorted(locale.intents, key=lambda i: i.name):
            slots = ", ".join(s.name for s in intent.slots_in_priority_order())
            detail = f"{len(intent.sample_utterances):>3} utterances"
            lines.append(f"    {intent.name:<18}{detail}" + (f"  slots: {slots}" if slots else ""))
    return "\n".join(lines)
