"""The rules a bot definition must follow before Lex would import it.

Names, Lex's quotas and references between parts (lex-v2-notes 5.1 and 5.2),
including the slots and intents that conversation-flow next steps name.
Every rule reports through ``Problem`` with a ``where`` path in the same
shape ``bot.resolve`` records sources under, so each error can name the file
to fix. The checks run on the definition model, so a loaded export is held
to the same rules as our own specs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.errors import Problem
from bot.locales_ids import LEX_LOCALES
from bot.model import Bot, FlowStep, Intent, Locale, NextStep, Slot, SlotType
from bot.validate_messages import PLACEHOLDER, check_groups, check_prompt

Where = tuple[str, ...]
NAME = re.compile(r"^([0-9a-zA-Z][_-]?){1,100}$")
BUILTIN_SLOT_TYPES = frozenset(
    [
        "AMAZON.AlphaNumeric",
        "AMAZON.City",
        "AMAZON.Confirmation",
        "AMAZON.Country",
        "AMAZON.Date",
        "AMAZON.Duration",
        "AMAZON.EmailAddress",
        "AMAZON.FirstName",
        "AMAZON.FreeFormInput",
        "AMAZON.LastName",
        "AMAZON.Number",
        "AMAZON.Percentage",
        "AMAZON.PhoneNumber",
        "AMAZON.SpeedUnit",
        "AMAZON.State",
        "AMAZON.StreetName",
        "AMAZON.Time",
        "AMAZON.UKPostalCode",
        "AMAZON.WeightUnit",
    ]
)
ENGLISH_INTENT_LOCALES = frozenset({"en_AU", "en_GB", "en_US"})
MAX_UTTERANCE_CHARS = 500
MAX_UTTERANCES = 1500
MAX_SLOTS = 100
MAX_SLOT_UTTERANCES = 10
MAX_DEFAULT_VALUES = 10
MAX_VALUE_CHARS = 140
MAX_VALUES_AND_SYNONYMS = 10_000
MAX_SLOT_TYPES = 250
MAX_DESCRIPTION_CHARS = 2000


def validate(bot: Bot) -> list[Problem]:
    return list(_bot(bot))


def _name(where: Where, kind: str, name: str) -> Iterator[Problem]:
    if not NAME.match(name):
        yield Problem(
            where,
            f"{kind} name '{name}' must be 1-100 letters or digits, single '_' or '-' between them, "
            "starting with a letter or digit",
        )


def _description(where: Where, description: str | None) -> Iterator[Problem]:
    if description is not None and len(description) > MAX_DESCRIPTION_CHARS:
        yield Problem(
            where, f"description is {len(description)} characters; the limit is {MAX_DESCRIPTION_CHARS}"
        )


def _duplicates(where: Where, kind: str, names: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            yield Problem(where, f"{kind} '{name}' is defined twice")
        seen.add(name)


def _bot(bot: Bot) -> Iterator[Problem]:
    yield from _name((), "bot", bot.name)
    yield from _description((), bot.description)
    if not 60 <= bot.idle_session_ttl_in_seconds <= 86400:
        yield Problem((), "idle session TTL must be 60..86400 seconds")
    if not bot.locales:
        yield Problem((), "the bot has no locales")
    yield from _duplicates((), "locale", [loc.locale_id for loc in bot.locales])
    for locale in bot.locales:
        yield from _locale(locale)


def _locale(locale: Locale) -> Iterator[Problem]:
    where = (locale.locale_id,)
    if locale.locale_id not in LEX_LOCALES:
        yield Problem(
            where, f"unsupported locale id '{locale.locale_id}'; Lex V2 supports {', '.join(LEX_LOCALES)}"
        )
    if not 0 <= locale.nlu_confidence_threshold <= 1:
        yield Problem(where, "nluConfidenceThreshold must be between 0 and 1")
    max_intents = 1000 if locale.locale_id in ENGLISH_INTENT_LOCALES else 250
    if len(locale.intents) > max_intents:
        yield Problem(where, f"{len(locale.intents)} intents; the limit in this locale is {max_intents}")
    if len(locale.slot_types) > MAX_SLOT_TYPES:
        yield Problem(where, f"{len(locale.slot_types)} slot types; the limit is {MAX_SLOT_TYPES}")
    if not any(i.is_fallback for i in locale.intents):
        yield Problem(where, "no FallbackIntent (an intent whose parent is AMAZON.FallbackIntent)")
    yield from _duplicates(where, "intent", [i.name for i in locale.intents])
    yield from _duplicates(where, "slot type", [t.name for t in locale.slot_types])
    custom_types = {t.name for t in locale.slot_types}
    intent_names = {i.name for i in locale.intents}
    for slot_type in locale.slot_types:
        yield from _slot_type((*where, f"slot type {slot_type.name}"), slot_type)
    for intent in locale.intents:
        yield from _intent((*where, f"intent {intent.name}"), intent, custom_types)
        yield from _flow((*where, f"intent {intent.name}"), intent, intent_names)
    yield from _shared_utterances(locale)


def _slot_type(where: Where, slot_type: SlotType) -> Iterator[Problem]:
    yield from _name(where, "slot type", slot_type.name)
    yield from _description(where, slot_type.description)
    if slot_type.name.startswith("AMAZON"):
        yield Problem(where, "custom slot type names may not start with AMAZON")
    if slot_type.regex_filter is not None:
        if slot_type.parent_slot_type_signature != "AMAZON.AlphaNumeric":
            yield Problem(where, "a regex filter needs parentSlotTypeSignature AMAZON.AlphaNumeric")
        yield from _lex_regex((*where, "regex"), slot_type.regex_filter)
    elif slot_type.parent_slot_type_signature is None and not slot_type.values:
        yield Problem((*where, "values"), "the slot type has no values (and no regex filter)")
    count = sum(1 + len(v.synonyms) for v in slot_type.values)
    if count > MAX_VALUES_AND_SYNONYMS:
        yield Problem(where, f"{count} values and synonyms; the limit is {MAX_VALUES_AND_SYNONYMS}")
    for value in slot_type.values:
        for text in (value.value, *value.synonyms):
            if not 1 <= len(text) <= MAX_VALUE_CHARS:
                yield Problem(
                    (*where, "values"), f"value '{text[:40]}' must be 1-{MAX_VALUE_CHARS} characters"
                )


LEX_REGEX_FORBIDDEN = re.compile(r"(?<!\\)[.*+]|\{\d+,\}")


def _lex_regex(where: Where, pattern: str) -> Iterator[Problem]:
    """Lex's regex dialect: no '.', no unbounded repeats ('*', '+', '{n,}'), at most 100 characters."""
    if not 1 <= len(pattern) <= 100:
        yield Problem(where, f"the regex filter is {len(pattern)} characters; it must be 1-100")
    if LEX_REGEX_FORBIDDEN.search(pattern):
        yield Problem(
            where, f"'{pattern}' uses '.', '*', '+' or '{{n,}}', which Lex's regex filter does not allow"
        )
        return
    try:
        re.compile(pattern)
    except re.error as exc:
        yield Problem(where, f"'{pattern}' is not a valid regex: {exc}")


def _intent(where: Where, intent: Intent, custom_types: set[str]) -> Iterator[Problem]:
    yield from _name(where, "intent", intent.name)
    yield from _description(where, intent.description)
    slot_names = {s.name for s in intent.slots}
    if intent.is_fallback and (intent.sample_utterances or intent.slots or intent.confirmation):
        yield Problem(where, "FallbackIntent cannot have sample utterances, slots or a confirmation")
    if len(intent.sample_utterances) > MAX_UTTERANCES:
        yield Problem(
            (*where, "sampleUtterances"), f"{len(intent.sample_utterances)} utterances; the limit is 1500"
        )
    yield from _utterances((*where, "sampleUtterances"), intent.sample_utterances, slot_names)
    if len(intent.slots) > MAX_SLOTS:
        yield Problem(where, f"{len(intent.slots)} slots; the limit is {MAX_SLOTS}")
    yield from _duplicates(where, "slot", [s.name for s in intent.slots])
    for slot in intent.slots:
        yield from _slot((*where, f"slot {slot.name}"), slot, slot_names, custom_types)
    yield from _priorities((*where, "slotPriorities"), intent, slot_names)
    if intent.confirmation is not None:
        yield from check_prompt((*where, "confirmation"), intent.confirmation.prompt, slot_names)
        if intent.confirmation.declination is not None:
            yield from check_groups((*where, "declination"), intent.confirmation.declination, slot_names)
    if intent.closing is not None and intent.closing.response is not None:
        yield from check_groups((*where, "closing"), intent.closing.response, slot_names)
    if len(intent.input_contexts) > 5 or len(intent.output_contexts) > 10:
        yield Problem(where, "at most 5 input contexts and 10 output contexts")
    for context in intent.output_contexts:
        if not (5 <= context.time_to_live_in_seconds <= 86400 and 1 <= context.turns_to_live <= 20):
            yield Problem(where, f"output context '{context.name}': TTL 5..86400 s and 1..20 turns")


def _flow(where: Where, intent: Intent, intent_names: set[str]) -> Iterator[Problem]:
    """The conversation flow's next steps and responses (lex-v2-notes 1.9)."""
    confirmation, closing = intent.confirmation, intent.closing
    points: list[tuple[Where, FlowStep | NextStep | None]] = [
        ((*where, "initial"), intent.initial),
        ((*where, "fulfilled"), intent.fulfilled),
        ((*where, "fulfillment_failed"), intent.fulfillment_failed),
        ((*where, "closing", "next_step"), closing.next_step if closing else None),
    ]
    if confirmation is not None:
        points += [
            ((*where, "confirmation", "confirmed"), confirmation.confirmed),
            ((*where, "confirmation", "declined_next_step"), confirmation.declined_next_step),
            ((*where, "confirmation", "failed"), confirmation.failed),
        ]
    for slot in intent.slots:
        points += [
            ((*where, f"slot {slot.name}", "captured"), slot.captured),
            ((*where, f"slot {slot.name}", "capture_failed"), slot.capture_failed),
        ]
    slot_names = {s.name for s in intent.slots}
    for here, point in points:
        step = point.next_step if isinstance(point, FlowStep) else point
        if isinstance(point, FlowStep) and point.response is not None:
            yield from check_groups(here, point.response, slot_names)
        if step is not None:
            yield from _next_step(here, step, slot_names, intent_names)


def _next_step(
    where: Where, step: NextStep, slot_names: set[str], intent_names: set[str]
) -> Iterator[Problem]:
    if step.action == "ElicitSlot" and step.slot_to_elicit is None:
        yield Problem(where, "ElicitSlot names no slot to elicit")
    elif step.action == "ElicitSlot" and step.slot_to_elicit not in slot_names:
        yield Problem(
            where, f"ElicitSlot names slot '{step.slot_to_elicit}', which is not a slot of this intent"
        )
    # StartIntent without an intent name is let through: a real console export has one.
    if step.action == "StartIntent" and step.intent_name not in {None, *intent_names}:
        yield Problem(where, f"StartIntent names intent '{step.intent_name}', which is not in this locale")


def _utterances(where: Where, utterances: tuple[str, ...], slot_names: set[str]) -> Iterator[Problem]:
    for utterance in utterances:
        if not utterance.strip():
            yield Problem(where, "an utterance is empty")
        if len(utterance) > MAX_UTTERANCE_CHARS:
            yield Problem(where, f"'{utterance[:40]}...' is {len(utterance)} characters; the limit is 500")
        for name in PLACEHOLDER.findall(utterance):
            if name not in slot_names:
                yield Problem(
                    where, f"'{utterance}' refers to {{{name}}}, which is not a slot of this intent"
                )


def _slot(where: Where, slot: Slot, slot_names: set[str], custom_types: set[str]) -> Iterator[Problem]:
    yield from _name(where, "slot", slot.name)
    yield from _description(where, slot.description)
    known = slot.slot_type_name in BUILTIN_SLOT_TYPES or slot.slot_type_name in custom_types
    if not known:
        yield Problem(
            (*where, "slotType"),
            f"slot type '{slot.slot_type_name}' is neither a built-in type nor defined in this locale",
        )
    if slot.prompt is not None:
        yield from check_prompt((*where, "prompt"), slot.prompt, slot_names)
    elif slot.required:
        yield Problem((*where, "prompt"), "a required slot needs a prompt")
    if len(slot.sample_utterances) > MAX_SLOT_UTTERANCES:
        yield Problem((*where, "sampleUtterances"), f"at most {MAX_SLOT_UTTERANCES} slot utterances")
    yield from _utterances((*where, "sampleUtterances"), slot.sample_utterances, {slot.name})
    if len(slot.default_values) > MAX_DEFAULT_VALUES:
        yield Problem(where, f"at most {MAX_DEFAULT_VALUES} default values")


def _priorities(where: Where, intent: Intent, slot_names: set[str]) -> Iterator[Problem]:
    named = [p.slot_name for p in intent.slot_priorities]
    for priority in intent.slot_priorities:
        if priority.slot_name not in slot_names:
            yield Problem(where, f"priority names '{priority.slot_name}', which is not a slot of this intent")
        if not 0 <= priority.priority <= 100:
            yield Problem(where, f"priority {priority.priority} of '{priority.slot_name}' must be 0..100")
    yield from _duplicates(where, "priority for slot", named)
    missing = sorted(slot_names - set(named))
    if intent.slot_priorities and missing:
        yield Problem(where, f"slots without a priority: {', '.join(missing)}")


def normalize_utterance(utterance: str) -> str:
    return " ".join(utterance.lower().split())


def _shared_utterances(locale: Locale) -> Iterator[Problem]:
    owner: dict[str, str] = {}
    for intent in locale.intents:
        for utterance in dict.fromkeys(normalize_utterance(u) for u in intent.sample_utterances):
            first = owner.setdefault(utterance, intent.name)
            if first != intent.name:
                yield Problem(
                    (locale.locale_id, f"intent {intent.name}", "sampleUtterances"),
                    f"'{utterance}' is also an utterance of intent {first}",
                )
