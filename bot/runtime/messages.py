"""What the bot says: picking variations, filling placeholders, and Lex's runtime message shape.

Lex sends every message group of a response and one variation from each.
``{Slot}`` is replaced by the slot's interpreted value (or what the user said
when there is none) and ``[attribute]`` by a session attribute; unknown
names are left as written, as Lex does.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.model import ImageResponseCard, Message, MessageGroup, SelectionStrategy
from bot.syntax import SLOT_REFERENCE

Json = dict[str, Any]
ATTRIBUTE_REF = re.compile(r"\[([A-Za-z0-9_.:-]+)\]")


def render_groups(
    groups: Sequence[MessageGroup],
    *,
    slots: Mapping[str, Any],
    attributes: Mapping[str, str],
    rng: random.Random,
    strategy: SelectionStrategy = "Random",
    attempt: int = 0,
) -> list[Json]:
    """Runtime messages for a response or prompt; ``attempt`` picks the variation for "Ordered"."""
    rendered = []
    for group in groups:
        options = (group.message, *group.variations)
        chosen = options[attempt % len(options)] if strategy == "Ordered" else rng.choice(options)
        rendered.append(runtime_message(chosen, slots, attributes))
    return rendered


def runtime_message(message: Message, slots: Mapping[str, Any], attributes: Mapping[str, str]) -> Json:
    def fill(text: str) -> str:
        return interpolate(text, slots, attributes)

    if message.image_response_card is not None:
        return {
            "contentType": "ImageResponseCard",
            "imageResponseCard": card_json(message.image_response_card, fill),
        }
    if message.ssml is not None:
        return {"contentType": "SSML", "content": fill(message.ssml)}
    if message.custom_payload is not None:
        return {"contentType": "CustomPayload", "content": fill(message.custom_payload)}
    return {"contentType": "PlainText", "content": fill(message.plain_text or "")}


def card_json(card: ImageResponseCard, fill: Any) -> Json:
    out: Json = {"title": fill(card.title)}
    if card.subtitle:
        out["subtitle"] = fill(card.subtitle)
    if card.image_url:
        out["imageUrl"] = card.image_url
    out["buttons"] = [{"text": fill(b.text), "value": fill(b.value)} for b in card.buttons]
    return out


def slot_text(slot: Any) -> str | None:
    """The text a ``{Slot}`` reference shows: interpreted value, else the user's words, else a list joined."""
    if not isinstance(slot, Mapping):
        return None
    value = slot.get("value")
    if isinstance(value, Mapping):
        shown = value.get("interpretedValue") or value.get("originalValue")
        if isinstance(shown, str):
            return shown
    return None


def interpolate(text: str, slots: Mapping[str, Any], attributes: Mapping[str, str]) -> str:
    def slot(match: re.Match[str]) -> str:
        shown = slot_text(slots.get(match.group(1)))
        return shown if shown is not None else match.group(0)

    def attribute(match: re.Match[str]) -> str:
        return attributes.get(match.group(1), match.group(0))

    return ATTRIBUTE_REF.sub(attribute, SLOT_REFERENCE.sub(slot, text))
