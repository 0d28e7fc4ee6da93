"""Authoring specs: the bot as Python data, with no user-facing text in it.

Operators write these in ``intents/*.py``. Every string a user could see or
say (utterances, prompts, responses, button labels, slot values) is a *key*
looked up per locale in ``locales/<locale>.toml`` by ``bot.resolve``, so one
spec serves every language and a missing translation fails the build.

A key resolves to a string or a list of strings. For a message, a list gives
up to three variations of one message; for utterances it is the list of
sample utterances; for slot type values it is a table of value -> synonyms.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.model import ResolutionStrategy, SelectionStrategy

Key = str
"""A dotted path into a locale file, e.g. ``"ScheduleMeeting.AttendeeName.prompt"``."""


class Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ButtonSpec(Spec):
    text: Key
    value: Key


class CardSpec(Spec):
    title: Key
    subtitle: Key | None = None
    image_url: str | None = None
    buttons: tuple[ButtonSpec, ...] = ()


class MessageSpec(Spec):
    """One message group: a text key (its list gives variations), a card, or both as two groups."""

    text: Key | None = None
    card: CardSpec | None = None


class ResponseSpec(Spec):
    messages: tuple[MessageSpec, ...]
    allow_interrupt: bool = True


class PromptSpec(Spec):
    messages: tuple[MessageSpec, ...]
    max_retries: int = 2
    allow_interrupt: bool = True
    selection: SelectionStrategy = "Random"


def say(*keys: Key) -> ResponseSpec:
    """A response of plain-text messages, one group per key."""
    return ResponseSpec(messages=tuple(MessageSpec(text=k) for k in keys))


def ask(key: Key, *, retries: int = 2, card: CardSpec | None = None) -> PromptSpec:
    """A prompt from one text key (its variations rotate), optionally with a card."""
    return PromptSpec(messages=(MessageSpec(text=key, card=card),), max_retries=retries)


class SlotSpec(Spec):
    name: str
    slot_type: str
    """A built-in type (``AMAZON.Date``) or the name of a :class:`SlotTypeSpec`."""
    prompt: PromptSpec
    required: bool = True
    description: str | None = None
    sample_utterances: Key | None = None
    obfuscate: bool = False
    allow_multiple_values: bool = False


class ConfirmationSpec(Spec):
    prompt: PromptSpec
    declination: ResponseSpec | None = None


class IntentSpec(Spec):
    name: str
    description: str | None = None
    parent: str | None = None
    """``AMAZON.FallbackIntent`` for the fallback intent; None for custom intents."""
    utterances: Key | None = None
    slots: tuple[SlotSpec, ...] = ()
    slot_priorities: tuple[str, ...] | None = None
    """Slot names in elicitation order; None means declaration order."""
    dialog_code_hook: bool = False
    fulfillment_code_hook: bool = False
    confirmation: ConfirmationSpec | None = None
    closing: ResponseSpec | None = None


class SlotTypeSpec(Spec):
    """A custom slot type.

    Its values come from the locale file (``values``), from configuration
    (``values_from`` names a setting, e.g. ``"pipelines"``), or from neither,
    in which case ``regex`` narrows AMAZON.AlphaNumeric. A type with
    ``values_from`` and ``regex`` falls back to the regex when nothing is
    configured, so the bot still builds on a fresh install.
    """

    name: str
    description: str | None = None
    values: Key | None = None
    values_from: str | None = None
    regex: str | None = None
    resolution: ResolutionStrategy = "TOP_RESOLUTION"


class LocaleSpec(Spec):
    locale_id: str
    nlu_confidence_threshold: float = 0.4
    voice_id: str | None = None


class BotSpec(Spec):
    name: str
    description: str | None = None
    idle_session_ttl_in_seconds: int = 300
    child_directed: bool = False
    locales: tuple[LocaleSpec, ...]
