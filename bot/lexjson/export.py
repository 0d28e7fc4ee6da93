"""Bot definition -> LexJson import package, in the spelling of real console exports.

Real exports differ from both the API and CloudFormation (``messageGroupsList``,
``buttonsList``, ``slotTypeName``, ``nluConfidenceThreshold``, ``isActive``,
``Manifest.json`` with ``metaData``); see ``lex-v2-notes.md`` 1.10. We write
the real form because it is the one known to import. Output is a pure
function of the model: resources are sorted by name and identifiers are
derived from names, so two builds are byte-identical.

Conversation flow (next steps and flow responses) is written only where the
model holds some: ``initialResponseSetting`` and ``slotCaptureSetting`` appear
only then, in the key order of console exports, and a bot without flow is
written exactly as before. What the loader ignores (conditionals, dialog code
hook blocks, timeout steps) is not written, so Lex applies its defaults.
"""

from __future__ import annotations

import json
from typing import Any

from bot.identifiers import FALLBACK_INTENT_ID, derive_identifier
from bot.locales_ids import locale_display_name
from bot.model import (
    Bot,
    Closing,
    Confirmation,
    FlowStep,
    ImageResponseCard,
    Intent,
    Locale,
    Message,
    MessageGroup,
    NextStep,
    Prompt,
    Response,
    Slot,
    SlotType,
)

Json = dict[str, Any]
MANIFEST: Json = {"metaData": {"schemaVersion": "1", "fileFormat": "LexJson", "resourceType": "BOT"}}

_INPUT_ATTEMPT: Json = {
    "allowInterrupt": True,
    "allowedInputTypes": {"allowAudioInput": True, "allowDTMFInput": True},
    "audioAndDTMFInputSpecification": {
        "startTimeoutMs": 4000,
        "audioSpecification": {"endTimeoutMs": 640, "maxLengthMs": 15000},
        "dtmfSpecification": {
            "maxLength": 513,
            "endTimeoutMs": 5000,
            "deletionCharacter": "*",
            "endCharacter": "#",
        },
    },
    "textInputSpecification": {"startTimeoutMs": 30000},
}


def package_files(bot: Bot) -> dict[str, bytes]:
    """Every file of the package, by its path inside the zip, in sorted order."""
    files: dict[str, Json] = {"Manifest.json": MANIFEST, f"{bot.name}/Bot.json": bot_json(bot)}
    for locale in bot.locales:
        root = f"{bot.name}/BotLocales/{locale.locale_id}"
        files[f"{root}/BotLocale.json"] = locale_json(locale)
        for slot_type in locale.slot_types:
            files[f"{root}/SlotTypes/{slot_type.name}/SlotType.json"] = slot_type_json(bot, locale, slot_type)
        for intent in locale.intents:
            files[f"{root}/Intents/{intent.name}/Intent.json"] = intent_json(bot, locale, intent)
            for slot in intent.slots:
                files[f"{root}/Intents/{intent.name}/Slots/{slot.name}/Slot.json"] = slot_json(
                    bot, locale, intent, slot
                )
    return {path: _dump(files[path]) for path in sorted(files)}


def _dump(document: Json) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def bot_identifier(bot: Bot) -> str:
    return bot.identifier or derive_identifier("bot", bot.name)


def bot_json(bot: Bot) -> Json:
    return {
        "name": bot.name,
        "version": "DRAFT",
        "description": bot.description,
        "identifier": bot_identifier(bot),
        "dataPrivacy": {"childDirected": bot.child_directed},
        "idleSessionTTLInSeconds": bot.idle_session_ttl_in_seconds,
    }


def locale_json(locale: Locale) -> Json:
    voice = locale.voice_settings
    return {
        "name": locale.name or locale_display_name(locale.locale_id),
        "identifier": locale.locale_id,
        "version": None,
        "description": locale.description,
        "voiceSettings": {"voiceId": voice.voice_id, "engine": voice.engine} if voice else None,
        "nluConfidenceThreshold": locale.nlu_confidence_threshold,
    }


def slot_type_json(bot: Bot, locale: Locale, slot_type: SlotType) -> Json:
    values = [
        {
            "sampleValue": {"value": v.value},
            "synonyms": [{"value": s} for s in v.synonyms] if v.synonyms else None,
        }
        for v in slot_type.values
    ]
    regex = slot_type.regex_filter
    return {
        "name": slot_type.name,
        "identifier": slot_type.identifier
        or derive_identifier("slottype", bot.name, locale.locale_id, slot_type.name),
        "description": slot_type.description,
        "slotTypeValues": values or None,
        "parentSlotTypeSignature": slot_type.parent_slot_type_signature,
        "valueSelectionSetting": {
            "resolutionStrategy": slot_type.resolution_strategy,
            "advancedRecognitionSetting": None,
            "regexFilter": {"pattern": regex} if regex else None,
        },
    }


def intent_json(bot: Bot, locale: Locale, intent: Intent) -> Json:
    if intent.identifier:
        identifier = intent.identifier
    elif intent.is_fallback:
        identifier = FALLBACK_INTENT_ID
    else:
        identifier = derive_identifier("intent", bot.name, locale.locale_id, intent.name)
    utterances = [{"utterance": u} for u in intent.sample_utterances]
    initial = intent.initial
    return {
        "name": intent.name,
        "identifier": identifier,
        "description": intent.description,
        "parentIntentSignature": intent.parent_intent_signature,
        "sampleUtterances": utterances or None,
        "intentConfirmationSetting": _confirmation(intent.confirmation),
        "intentClosingSetting": _closing(intent.closing),
        **({"initialResponseSetting": _initial(initial)} if initial else {}),
        "inputContexts": [{"name": c.name} for c in intent.input_contexts] or None,
        "outputContexts": [
            {"name": c.name, "timeToLiveInSeconds": c.time_to_live_in_seconds, "turnsToLive": c.turns_to_live}
            for c in intent.output_contexts
        ]
        or None,
        "kendraConfiguration": None,
        "dialogCodeHook": {"enabled": intent.dialog_code_hook},
        "fulfillmentCodeHook": {
            "enabled": intent.fulfillment_code_hook,
            "isActive": intent.fulfillment_code_hook,
            "postFulfillmentStatusSpecification": _post_fulfillment(intent),
            "fulfillmentUpdatesSpecification": None,
        },
        "slotPriorities": [{"priority": p.priority, "slotName": p.slot_name} for p in intent.slot_priorities],
    }


def slot_json(bot: Bot, locale: Locale, intent: Intent, slot: Slot) -> Json:
    defaults = [{"defaultValue": v} for v in slot.default_values]
    capture = None
    if slot.captured is not None or slot.capture_failed is not None:
        capture = {
            **_flow(slot.captured, "captureResponse", "captureNextStep"),
            **_flow(slot.capture_failed, "failureResponse", "failureNextStep"),
        }
    return {
        "name": slot.name,
        "identifier": slot.identifier
        or derive_identifier("slot", bot.name, locale.locale_id, intent.name, slot.name),
        "description": slot.description,
        "slotTypeName": slot.slot_type_name,
        "obfuscationSetting": {"obfuscationSettingType": "DefaultObfuscation"} if slot.obfuscate else None,
        "valueElicitationSetting": {
            **({"slotCaptureSetting": capture} if capture else {}),
            "slotConstraint": "Required" if slot.required else "Optional",
            "promptSpecification": prompt_json(slot.prompt) if slot.prompt else None,
            "defaultValueSpecification": {"defaultValueList": defaults} if defaults else None,
            "sampleUtterances": [{"utterance": u} for u in slot.sample_utterances] or None,
            "waitAndContinueSpecification": None,
        },
        "multipleValuesSetting": {"allowMultipleValues": True} if slot.allow_multiple_values else None,
    }


def _confirmation(confirmation: Confirmation | None) -> Json | None:
    if confirmation is None:
        return None
    flow = {
        **_flow(confirmation.failed, "failureResponse", "failureNextStep"),
        **_flow(confirmation.confirmed, "confirmationResponse", "confirmationNextStep"),
        "declinationNextStep": next_step_json(confirmation.declined_next_step),
    }
    return {
        "isActive": confirmation.active,
        "promptSpecification": prompt_json(confirmation.prompt),
        "declinationResponse": response_json(confirmation.declination) if confirmation.declination else None,
        # Flow keys only when set: the one real export with a confirmation has no null ones.
        **{key: value for key, value in flow.items() if value is not None},
    }


def _closing(closing: Closing | None) -> Json | None:
    if closing is None:
        return None
    response = response_json(closing.response) if closing.response is not None else None
    step = closing.next_step
    return {
        "isActive": closing.active,
        **({"nextStep": next_step_json(step)} if step else {}),
        "closingResponse": response,
    }


def _post_fulfillment(intent: Intent) -> Json | None:
    if intent.fulfilled is None and intent.fulfillment_failed is None:
        return None
    return {
        **_flow(intent.fulfillment_failed, "failureResponse", "failureNextStep"),
        **_flow(intent.fulfilled, "successResponse", "successNextStep"),
    }


def _flow(step: FlowStep | None, response_key: str, next_key: str) -> Json:
    """A flow step as its response key then its next-step key (each null when unset)."""
    response = response_json(step.response) if step and step.response else None
    return {response_key: response, next_key: next_step_json(step.next_step if step else None)}


def _initial(step: FlowStep) -> Json:
    """``initialResponseSetting``: exports write ``nextStep`` before ``initialResponse``."""
    flow = _flow(step, "initialResponse", "nextStep")
    return {"nextStep": flow["nextStep"], "initialResponse": flow["initialResponse"]}


def next_step_json(step: NextStep | None) -> Json | None:
    """A DialogState as the console exports it; an unset suppressNextMessage is null, not false."""
    if step is None:
        return None
    return {
        "sessionAttributes": dict(step.session_attributes) or None,
        "intent": {"name": step.intent_name, "slots": None},
        "dialogAction": {
            "type": step.action,
            "slotToElicit": step.slot_to_elicit,
            "suppressNextMessage": True if step.suppress_next_message else None,
            "intentsInScope": None,
        },
    }


def prompt_json(prompt: Prompt) -> Json:
    attempts = ["Initial"] + [f"Retry{n}" for n in range(1, prompt.max_retries + 1)]
    return {
        "messageGroupsList": [_group(g) for g in prompt.message_groups],
        "maxRetries": prompt.max_retries,
        "allowInterrupt": prompt.allow_interrupt,
        "messageSelectionStrategy": prompt.message_selection_strategy,
        "promptAttemptsSpecification": {name: _INPUT_ATTEMPT for name in attempts},
    }


def response_json(response: Response) -> Json:
    return {
        "messageGroupsList": [_group(g) for g in response.message_groups],
        "allowInterrupt": response.allow_interrupt,
    }


def _group(group: MessageGroup) -> Json:
    variations = [_message(m) for m in group.variations]
    return {"message": _message(group.message), "variations": variations or None}


def _message(message: Message) -> Json:
    return {
        "ssmlMessage": _value(message.ssml),
        "customPayload": _value(message.custom_payload),
        "plainTextMessage": _value(message.plain_text),
        "imageResponseCard": _card(message.image_response_card),
    }


def _value(text: str | None) -> Json | None:
    return {"value": text} if text is not None else None


def _card(card: ImageResponseCard | None) -> Json | None:
    if card is None:
        return None
    return {
        "title": card.title,
        "subtitle": card.subtitle,
        "imageUrl": card.image_url,
        "buttonsList": [{"text": b.text, "value": b.value} for b in card.buttons],
    }
