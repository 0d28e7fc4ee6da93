"""Specs + locale catalogs + configuration -> the bot definition (a pure function).

Every key is looked up in every declared locale; a missing or mistyped key is
a Problem pointing at the locale file and the key, and resolution carries on
so the build can list all of them. Alongside the model we record where each
part came from (``SourceMap``), so later validation errors can name the file
to edit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.catalog import Catalog
from bot.errors import Problem
from bot.locales_ids import locale_display_name
from bot.model import (
    Bot,
    Button,
    Closing,
    Confirmation,
    ImageResponseCard,
    Intent,
    Locale,
    Message,
    MessageGroup,
    Prompt,
    Response,
    Slot,
    SlotPriority,
    SlotType,
    SlotTypeValue,
    VoiceSettings,
)
from bot.project import Project
from bot.spec import CardSpec, IntentSpec, MessageSpec, PromptSpec, ResponseSpec, SlotSpec, SlotTypeSpec

Where = tuple[str, ...]
LOCALE_ID = re.compile(r"^[a-z]{2,3}_[A-Z0-9]{2,3}$")
MAX_VARIATIONS = 3


@dataclass
class SourceMap:
    """Where each part of the definition came from, by its ``where`` path."""

    by_where: dict[Where, str] = field(default_factory=dict)

    def add(self, where: Where, source: str) -> None:
        self.by_where[where] = source

    def source_of(self, where: Where) -> str | None:
        for end in range(len(where), 0, -1):
            found = self.by_where.get(where[:end])
            if found is not None:
                return found
        return None

    def attach(self, problems: Sequence[Problem]) -> list[Problem]:
        """Name each problem's source file, then merge copies that differ only by locale."""
        sourced = [p if p.source else Problem(p.where, p.message, self.source_of(p.where)) for p in problems]
        return merge_locales(sourced)


def merge_locales(problems: Sequence[Problem]) -> list[Problem]:
    """A spec mistake shows up once per locale; report it once, naming all of them."""
    locales: dict[tuple[str | None, Where, str], list[str]] = {}
    for p in problems:
        by_locale = bool(p.where) and LOCALE_ID.match(p.where[0]) is not None
        key = (p.source, p.where[1:] if by_locale else p.where, p.message)
        locales.setdefault(key, []).extend(p.where[:1] if by_locale else [])
    return [
        Problem((", ".join(dict.fromkeys(ids)), *rest) if ids else rest, message, source)
        for (source, rest, message), ids in locales.items()
    ]


@dataclass
class Resolution:
    bot: Bot | None
    problems: list[Problem]
    sources: SourceMap


def resolve(project: Project, config_values: Mapping[str, Sequence[str]]) -> Resolution:
    problems = list(project.problems)
    sources = SourceMap()
    if project.bot is None:
        return Resolution(None, problems, sources)
    bot_spec = project.bot.spec
    sources.add((), project.bot.file)
    locales = []
    for locale_spec in bot_spec.locales:
        catalog = project.catalogs.get(locale_spec.locale_id)
        where = (locale_spec.locale_id,)
        sources.add(where, project.bot.file)
        if catalog is None:
            expected = f"locales/{locale_spec.locale_id}.toml"
            problems.append(Problem(where, "the locale has no text file", source=expected))
            continue
        texts = _Texts(catalog, problems, sources)
        slot_types = tuple(
            _slot_type(texts, s.spec, s.file, where, config_values) for s in project.slot_types
        )
        intents = tuple(_intent(texts, s.spec, s.file, where) for s in project.intents)
        voice = (
            VoiceSettings(voice_id=locale_spec.voice_id, engine="neural") if locale_spec.voice_id else None
        )
        locales.append(
            Locale(
                locale_id=locale_spec.locale_id,
                name=locale_display_name(locale_spec.locale_id),
                nlu_confidence_threshold=locale_spec.nlu_confidence_threshold,
                voice_settings=voice,
                intents=intents,
                slot_types=slot_types,
            )
        )
    bot = Bot(
        name=bot_spec.name,
        description=bot_spec.description,
        idle_session_ttl_in_seconds=bot_spec.idle_session_ttl_in_seconds,
        child_directed=bot_spec.child_directed,
        locales=tuple(locales),
    )
    return Resolution(bot, problems, sources)


class _Texts:
    """Key lookups in one locale, recording problems and sources as they go."""

    def __init__(self, catalog: Catalog, problems: list[Problem], sources: SourceMap) -> None:
        self.catalog, self.problems, self.sources = catalog, problems, sources

    def _get(self, key: str, where: Where) -> object | None:
        self.sources.add(where, self.catalog.source(key))
        value = self.catalog.get(key)
        if value is None:
            self.problems.append(Problem(where, f"missing key '{key}'", self.catalog.file))
        return value

    def _wrong(self, key: str, where: Where, expected: str) -> None:
        self.problems.append(Problem(where, f"key '{key}' must be {expected}", self.catalog.source(key)))

    def strings(self, key: str, where: Where) -> tuple[str, ...]:
        value = self._get(key, where)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return tuple(value)
        self._wrong(key, where, "a string or a non-empty list of strings")
        return ()

    def string(self, key: str, where: Where) -> str:
        found = self.strings(key, where)
        if len(found) > 1:
            self._wrong(key, where, "a single string")
        return found[0] if found else ""

    def values(self, key: str, where: Where) -> tuple[SlotTypeValue, ...]:
        value = self._get(key, where)
        if value is None:
            return ()
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(SlotTypeValue(value=v) for v in value)
        if isinstance(value, Mapping) and all(
            isinstance(s, list) and all(isinstance(x, str) for x in s) for s in value.values()
        ):
            return tuple(SlotTypeValue(value=v, synonyms=tuple(s)) for v, s in value.items())
        self._wrong(key, where, "a list of values or a table of value = [synonyms]")
        return ()

    def groups(self, messages: Sequence[MessageSpec], where: Where) -> tuple[MessageGroup, ...]:
        """One group per text key (its list gives variations) and one per card, numbered as Lex sends them."""
        groups: list[MessageGroup] = []
        for spec in messages:
            if spec.text is not None:
                here = (*where, f"message {len(groups) + 1}")
                texts = self.strings(spec.text, here)
                if len(texts) > MAX_VARIATIONS:
                    self._wrong(spec.text, here, f"at most {MAX_VARIATIONS} variations")
                msgs = [Message(plain_text=t) for t in texts[:MAX_VARIATIONS]]
                if msgs:
                    groups.append(MessageGroup(message=msgs[0], variations=tuple(msgs[1:])))
            if spec.card is not None:
                card = self.card(spec.card, (*where, f"message {len(groups) + 1}", "card"))
                groups.append(MessageGroup(message=Message(image_response_card=card)))
        return tuple(groups)

    def card(self, spec: CardSpec, where: Where) -> ImageResponseCard:
        self.sources.add(where, self.catalog.source(spec.title))
        buttons = tuple(
            Button(
                text=self.string(b.text, (*where, f"button {i + 1}", "text")),
                value=self.string(b.value, (*where, f"button {i + 1}", "value")),
            )
            for i, b in enumerate(spec.buttons)
        )
        return ImageResponseCard(
            title=self.string(spec.title, (*where, "title")),
            subtitle=self.string(spec.subtitle, (*where, "subtitle")) if spec.subtitle else None,
            image_url=spec.image_url,
            buttons=buttons,
        )

    def response(self, spec: ResponseSpec, where: Where) -> Response:
        return Response(
            message_groups=self.groups(spec.messages, where), allow_interrupt=spec.allow_interrupt
        )

    def prompt(self, spec: PromptSpec, where: Where) -> Prompt:
        return Prompt(
            message_groups=self.groups(spec.messages, where),
            max_retries=spec.max_retries,
            allow_interrupt=spec.allow_interrupt,
            message_selection_strategy=spec.selection,
        )


def _intent(texts: _Texts, spec: IntentSpec, file: str, locale: Where) -> Intent:
    where = (*locale, f"intent {spec.name}")
    texts.sources.add(where, file)
    utterances = texts.strings(spec.utterances, (*where, "sampleUtterances")) if spec.utterances else ()
    order = spec.slot_priorities if spec.slot_priorities is not None else tuple(s.name for s in spec.slots)
    confirmation = None
    if spec.confirmation is not None:
        decline = spec.confirmation.declination
        confirmation = Confirmation(
            prompt=texts.prompt(spec.confirmation.prompt, (*where, "confirmation")),
            declination=texts.response(decline, (*where, "declination")) if decline else None,
        )
    closing = Closing(response=texts.response(spec.closing, (*where, "closing"))) if spec.closing else None
    return Intent(
        name=spec.name,
        description=spec.description,
        parent_intent_signature=spec.parent,
        sample_utterances=utterances,
        slots=tuple(_slot(texts, s, file, where) for s in spec.slots),
        slot_priorities=tuple(SlotPriority(priority=i + 1, slot_name=n) for i, n in enumerate(order)),
        dialog_code_hook=spec.dialog_code_hook,
        fulfillment_code_hook=spec.fulfillment_code_hook,
        confirmation=confirmation,
        closing=closing,
    )


def _slot(texts: _Texts, spec: SlotSpec, file: str, intent: Where) -> Slot:
    where = (*intent, f"slot {spec.name}")
    texts.sources.add(where, file)
    utterances = spec.sample_utterances
    return Slot(
        name=spec.name,
        slot_type_name=spec.slot_type,
        prompt=texts.prompt(spec.prompt, (*where, "prompt")),
        description=spec.description,
        required=spec.required,
        sample_utterances=texts.strings(utterances, (*where, "sampleUtterances")) if utterances else (),
        obfuscate=spec.obfuscate,
        allow_multiple_values=spec.allow_multiple_values,
    )


def _slot_type(
    texts: _Texts, spec: SlotTypeSpec, file: str, locale: Where, config_values: Mapping[str, Sequence[str]]
) -> SlotType:
    where = (*locale, f"slot type {spec.name}")
    texts.sources.add(where, file)
    values: tuple[SlotTypeValue, ...] = ()
    if spec.values is not None:
        values = texts.values(spec.values, (*where, "values"))
    elif spec.values_from is not None:
        if spec.values_from not in config_values:
            known = ", ".join(sorted(config_values)) or "none"
            texts.problems.append(
                Problem(
                    (*where, "values_from"), f"unknown setting '{spec.values_from}' (known: {known})", file
                )
            )
        values = tuple(configured_value(v) for v in config_values.get(spec.values_from, ()))
    if values or spec.regex is None:
        return SlotType(
            name=spec.name, description=spec.description, values=values, resolution_strategy=spec.resolution
        )
    return SlotType(
        name=spec.name,
        description=spec.description,
        parent_slot_type_signature="AMAZON.AlphaNumeric",
        resolution_strategy="ORIGINAL_VALUE",
        regex_filter=spec.regex,
    )


def configured_value(name: str) -> SlotTypeValue:
    """A configured resource name as a slot value, with the spoken form as synonym.

    People say "orders db" for ``orders-db`` and "web app" for ``web_app``.
    """
    spoken = re.sub(r"[-_.]+", " ", name).strip()
    return SlotTypeValue(value=name, synonyms=(spoken,) if spoken and spoken != name else ())
