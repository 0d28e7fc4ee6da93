"""Write a bot definition as an ``AWS::Lex::Bot`` CloudFormation resource.

Why this module exists: CloudFormation is the deployment path for Meety, and
``AWS::Lex::Bot`` accepts the whole bot inline (``BotLocales`` -> intents,
slots, slot types) in its *own* spelling, which differs from both the Lex API
and the LexJson export: ``Buttons`` (export: ``buttonsList``),
``NluConfidenceThreshold`` (API: ``nluIntentConfidenceThreshold``),
``SlotTypeName`` (API: ``slotTypeId``), ``IsActive``, ``SSMLMessage``. Keeping
that mapping in one place, as pure functions from ``bot.model`` to plain dicts,
lets the tests check it against cfn-lint's copy of the resource schema.

Contract:
- Pure and deterministic: no I/O, no clock; locales are sorted by ``LocaleId``
  and intents, slots and slot types by ``Name`` so that the template does not
  depend on the order the definition happened to be read in. Sample
  utterances, values, messages and slot priorities keep their given order
  (that order means something to Lex or to the author).
- Optional keys whose value is ``None`` or an empty list are omitted; keys the
  schema requires are always written, even when empty.
- Conversation flow (``InitialResponseSetting``, ``SlotCaptureSetting``, the
  confirmation's, fulfilment's and closing's responses and next steps) is
  written only where the model holds it; a ``DialogState``'s session
  attributes become ``[{Key, Value}]`` in their given order.
- Nothing is truncated, defaulted or "fixed" here: limits and cross-references
  are checked by ``bot.validate``, and whatever the model holds is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

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

__all__ = ["bot_resource", "bot_template"]

Json = dict[str, Any]


def _compact(fields: Mapping[str, Any]) -> Json:
    """Drop optional entries that carry nothing (``None`` or ``[]``); keep ``False``, ``0`` and ``{}``."""
    return {key: value for key, value in fields.items() if value is not None and value != []}


def _by_name(items: Iterable[Json], key: str = "Name") -> list[Json]:
    """Sort rendered items by name; ties (duplicate names, rejected elsewhere) by content, for determinism."""
    return sorted(items, key=lambda item: (str(item.get(key)), json.dumps(item, sort_keys=True)))


def _value(text: str | None) -> Json | None:
    return None if text is None else {"Value": text}


def _card(card: ImageResponseCard | None) -> Json | None:
    if card is None:
        return None
    return _compact(
        {
            "Title": card.title,
            "Subtitle": card.subtitle,
            "ImageUrl": card.image_url,
            "Buttons": [{"Text": b.text, "Value": b.value} for b in card.buttons],
        }
    )


def _message(message: Message) -> Json:
    return _compact(
        {
            "PlainTextMessage": _value(message.plain_text),
            "SSMLMessage": _value(message.ssml),
            "CustomPayload": _value(message.custom_payload),
            "ImageResponseCard": _card(message.image_response_card),
        }
    )


def _group(group: MessageGroup) -> Json:
    return _compact(
        {"Message": _message(group.message), "Variations": [_message(m) for m in group.variations]}
    )


def _prompt(prompt: Prompt) -> Json:
    # MessageGroupsList and MaxRetries are required by the schema: never omitted.
    return {
        "MessageGroupsList": [_group(g) for g in prompt.message_groups],
        "MaxRetries": prompt.max_retries,
        "AllowInterrupt": prompt.allow_interrupt,
        "MessageSelectionStrategy": prompt.message_selection_strategy,
    }


def _response(response: Response | None) -> Json | None:
    if response is None:
        return None
    return {
        "MessageGroupsList": [_group(g) for g in response.message_groups],
        "AllowInterrupt": response.allow_interrupt,
    }


def _dialog_state(step: NextStep | None) -> Json | None:
    """A next step as ``DialogState``; session attributes become ``[{Key, Value}]`` in their order."""
    if step is None:
        return None
    action = {
        "Type": step.action,
        "SlotToElicit": step.slot_to_elicit,
        "SuppressNextMessage": True if step.suppress_next_message else None,
    }
    return _compact(
        {
            "DialogAction": _compact(action),
            "Intent": None if step.intent_name is None else {"Name": step.intent_name},
            "SessionAttributes": [{"Key": k, "Value": v} for k, v in step.session_attributes],
        }
    )


def _flow(step: FlowStep | None, response_key: str, next_key: str) -> Json:
    """A flow step as its two optional keys (``FooResponse``, ``FooNextStep``); unset ones are dropped."""
    if step is None:
        return {}
    return _compact({response_key: _response(step.response), next_key: _dialog_state(step.next_step)})


def _utterances(utterances: Iterable[str]) -> list[Json]:
    return [{"Utterance": u} for u in utterances]


def _slot(slot: Slot) -> Json:
    defaults = [{"DefaultValue": v} for v in slot.default_values]
    capture = {
        **_flow(slot.captured, "CaptureResponse", "CaptureNextStep"),
        **_flow(slot.capture_failed, "FailureResponse", "FailureNextStep"),
    }
    elicitation = _compact(
        {
            "SlotConstraint": "Required" if slot.required else "Optional",
            "PromptSpecification": _prompt(slot.prompt) if slot.prompt else None,
            "SampleUtterances": _utterances(slot.sample_utterances),
            "DefaultValueSpecification": {"DefaultValueList": defaults} if defaults else None,
            "SlotCaptureSetting": capture or None,
        }
    )
    return _compact(
        {
            "Name": slot.name,
            "Description": slot.description,
            "SlotTypeName": slot.slot_type_name,
            "ValueElicitationSetting": elicitation,
            "ObfuscationSetting": {"ObfuscationSettingType": "DefaultObfuscation"}
            if slot.obfuscate
            else None,
            "MultipleValuesSetting": {"AllowMultipleValues": True} if slot.allow_multiple_values else None,
        }
    )


def _confirmation(confirmation: Confirmation | None) -> Json | None:
    if confirmation is None:
        return None
    return _compact(
        {
            "PromptSpecification": _prompt(confirmation.prompt),
            "DeclinationResponse": _response(confirmation.declination),
            "IsActive": confirmation.active,
            **_flow(confirmation.confirmed, "ConfirmationResponse", "ConfirmationNextStep"),
            "DeclinationNextStep": _dialog_state(confirmation.declined_next_step),
            **_flow(confirmation.failed, "FailureResponse", "FailureNextStep"),
        }
    )


def _closing(closing: Closing | None) -> Json | None:
    if closing is None:
        return None
    # A closing may hold only a next step: ClosingResponse is optional in the schema, null is not.
    return _compact(
        {
            "ClosingResponse": _response(closing.response),
            "IsActive": closing.active,
            "NextStep": _dialog_state(closing.next_step),
        }
    )


def _fulfillment(intent: Intent) -> Json:
    post = {
        **_flow(intent.fulfilled, "SuccessResponse", "SuccessNextStep"),
        **_flow(intent.fulfillment_failed, "FailureResponse", "FailureNextStep"),
    }
    return _compact(
        {"Enabled": intent.fulfillment_code_hook, "PostFulfillmentStatusSpecification": post or None}
    )


def _intent(intent: Intent) -> Json:
    # Both hooks are always written, for FallbackIntent too: the schema puts no restriction on
    # built-in intents, and real console exports of FallbackIntent carry dialogCodeHook and
    # fulfillmentCodeHook. What Lex forbids on FallbackIntent (utterances, slots, confirmation)
    # is bot.validate's business; we write what the model holds.
    return _compact(
        {
            "Name": intent.name,
            "Description": intent.description,
            "ParentIntentSignature": intent.parent_intent_signature,
            "SampleUtterances": _utterances(intent.sample_utterances),
            "DialogCodeHook": {"Enabled": intent.dialog_code_hook},
            "FulfillmentCodeHook": _fulfillment(intent),
            "Slots": _by_name([_slot(s) for s in intent.slots]),
            "SlotPriorities": [
                {"Priority": p.priority, "SlotName": p.slot_name} for p in intent.slot_priorities
            ],
            "IntentConfirmationSetting": _confirmation(intent.confirmation),
            "IntentClosingSetting": _closing(intent.closing),
            "InitialResponseSetting": _flow(intent.initial, "InitialResponse", "NextStep") or None,
            "InputContexts": [{"Name": c.name} for c in intent.input_contexts],
            "OutputContexts": [
                {
                    "Name": c.name,
                    "TimeToLiveInSeconds": c.time_to_live_in_seconds,
                    "TurnsToLive": c.turns_to_live,
                }
                for c in intent.output_contexts
            ],
        }
    )


def _slot_type(slot_type: SlotType) -> Json:
    values = [
        _compact({"SampleValue": {"Value": v.value}, "Synonyms": [{"Value": s} for s in v.synonyms]})
        for v in slot_type.values
    ]
    regex = None if slot_type.regex_filter is None else {"Pattern": slot_type.regex_filter}
    return _compact(
        {
            "Name": slot_type.name,
            "Description": slot_type.description,
            "ParentSlotTypeSignature": slot_type.parent_slot_type_signature,
            "SlotTypeValues": values,
            "ValueSelectionSetting": _compact(
                {"ResolutionStrategy": slot_type.resolution_strategy, "RegexFilter": regex}
            ),
        }
    )


def _locale(locale: Locale) -> Json:
    # Locale.name has no CloudFormation counterpart (the locale's name is derived from LocaleId).
    voice = locale.voice_settings
    return _compact(
        {
            "LocaleId": locale.locale_id,
            "Description": locale.description,
            "NluConfidenceThreshold": locale.nlu_confidence_threshold,
            "VoiceSettings": voice and _compact({"VoiceId": voice.voice_id, "Engine": voice.engine}),
            "SlotTypes": _by_name([_slot_type(t) for t in locale.slot_types]),
            "Intents": _by_name([_intent(i) for i in locale.intents]),
        }
    )


def bot_resource(bot: Bot, *, role_arn: object) -> dict[str, Any]:
    """The ``AWS::Lex::Bot`` resource for ``bot``, locales inline; ``role_arn`` is written as given."""
    properties = {
        "Name": bot.name,
        **_compact({"Description": bot.description}),
        "RoleArn": role_arn,  # required: written as given, even a Ref/GetAtt or a literal ARN
        "DataPrivacy": {"ChildDirected": bot.child_directed},
        "IdleSessionTTLInSeconds": bot.idle_session_ttl_in_seconds,
        "AutoBuildBotLocales": True,
        **_compact({"BotLocales": _by_name([_locale(loc) for loc in bot.locales], key="LocaleId")}),
    }
    return {"Type": "AWS::Lex::Bot", "Properties": properties}


def bot_template(bot: Bot, *, logical_id: str = "MeetyBot") -> dict[str, Any]:
    """A standalone template: the bot, the IAM role Lex runs it with, and its id and ARN as outputs."""
    role_id = f"{logical_id}Role"
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": f"Runtime role of the Lex V2 bot {bot.name}: speech synthesis only.",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lexv2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            "Policies": [
                {
                    "PolicyName": "SynthesizeSpeech",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "polly:SynthesizeSpeech",
                                # Resource "*" on purpose. SynthesizeSpeech's only resource type is a
                                # Polly *lexicon*, and it is evaluated against the lexicons a request
                                # names. Lex names none (VoiceSettings has no lexicon field), so there
                                # is no ARN to scope to: "lexicon/*" would grant nothing more than
                                # "*" and risks denying plain synthesis. Polly's permission reference
                                # lists SynthesizeSpeech with Resource "*", and AWS's own
                                # AmazonLexV2BotPolicy grants exactly this statement. The action list,
                                # not the resource, is what keeps this role least-privilege.
                                "Resource": "*",
                            }
                        ],
                    },
                }
            ],
        },
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Amazon Lex V2 bot {bot.name}, generated by Meety from its bot definition.",
        "Resources": {
            role_id: role,
            logical_id: bot_resource(bot, role_arn={"Fn::GetAtt": [role_id, "Arn"]}),
        },
        "Outputs": {
            "BotId": {"Description": "The bot's id.", "Value": {"Ref": logical_id}},
            "BotArn": {"Description": "The bot's ARN.", "Value": {"Fn::GetAtt": [logical_id, "Arn"]}},
        },
    }
