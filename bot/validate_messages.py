"""Rules for what the bot says: message groups, variations, cards and placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.errors import Problem
from bot.model import ImageResponseCard, Message, MessageGroup, Prompt, Response

Where = tuple[str, ...]
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
"""Looser than ``bot.model.SLOT_REFERENCE`` on purpose: ``{not a name}`` must be reported, not skipped."""
MAX_GROUPS = 5
MAX_VARIATIONS = 2
MAX_TEXT_CHARS = 1000
MAX_CARD_TEXT = 250
MAX_BUTTONS = 5
MAX_BUTTON_TEXT = 50


def check_prompt(where: Where, prompt: Prompt, slot_names: set[str]) -> Iterator[Problem]:
    if not 0 <= prompt.max_retries <= 5:
        yield Problem(where, f"maxRetries is {prompt.max_retries}; it must be 0..5")
    yield from _groups(where, prompt.message_groups, slot_names)


def check_groups(where: Where, response: Response, slot_names: set[str]) -> Iterator[Problem]:
    yield from _groups(where, response.message_groups, slot_names)


def _groups(where: Where, groups: tuple[MessageGroup, ...], slot_names: set[str]) -> Iterator[Problem]:
    if not 1 <= len(groups) <= MAX_GROUPS:
        yield Problem(where, f"{len(groups)} message groups; there must be 1..{MAX_GROUPS}")
    for index, group in enumerate(groups):
        here = (*where, f"message {index + 1}")
        if len(group.variations) > MAX_VARIATIONS:
            yield Problem(
                here, f"{len(group.variations)} variations; at most {MAX_VARIATIONS} besides the message"
            )
        for message in (group.message, *group.variations):
            yield from _message(here, message, slot_names)


def _message(where: Where, message: Message, slot_names: set[str]) -> Iterator[Problem]:
    kinds = [message.plain_text, message.ssml, message.custom_payload, message.image_response_card]
    if sum(k is not None for k in kinds) != 1:
        yield Problem(where, "a message must have exactly one of plain text, SSML, custom payload or a card")
    for text in (message.plain_text, message.ssml, message.custom_payload):
        if text is None:
            continue
        if not 1 <= len(text) <= MAX_TEXT_CHARS:
            yield Problem(where, f"a message of {len(text)} characters; it must be 1..{MAX_TEXT_CHARS}")
        for name in PLACEHOLDER.findall(text):
            if name not in slot_names:
                yield Problem(
                    where, f"'{text[:60]}' refers to {{{name}}}, which is not a slot of this intent"
                )
    if message.image_response_card is not None:
        yield from _card((*where, "card"), message.image_response_card)


def _card(where: Where, card: ImageResponseCard) -> Iterator[Problem]:
    for label, text in (("title", card.title), ("subtitle", card.subtitle), ("imageUrl", card.image_url)):
        if text is not None and not 1 <= len(text) <= MAX_CARD_TEXT:
            yield Problem(where, f"{label} must be 1..{MAX_CARD_TEXT} characters")
    if len(card.buttons) > MAX_BUTTONS:
        yield Problem(where, f"{len(card.buttons)} buttons; a card holds at most {MAX_BUTTONS}")
    for index, button in enumerate(card.buttons):
        for label, text in (("text", button.text), ("value", button.value)):
            if not 1 <= len(text) <= MAX_BUTTON_TEXT:
                message = f"button {label} '{text[:20]}' must be 1..{MAX_BUTTON_TEXT} characters"
                yield Problem((*where, f"button {index + 1}", label), message)
