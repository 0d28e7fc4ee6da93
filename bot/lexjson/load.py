"""Read a LexJson package (a Lex V2 console export, or one we built) into ``bot.model``.

A package is a folder or a ``.zip`` file laid out as the console exports it::

    Manifest.json                       (or manifest.json, as the docs spell it)
    <BotName>/Bot.json
    <BotName>/BotLocales/<locale>/BotLocale.json
    <BotName>/BotLocales/<locale>/Intents/<intent>/Intent.json
    <BotName>/BotLocales/<locale>/Intents/<intent>/Slots/<slot>/Slot.json
    <BotName>/BotLocales/<locale>/SlotTypes/<slot type>/SlotType.json

Zips are read in memory and never extracted; an entry with an absolute path or
``..`` is refused. In a zip (or folder) the manifest may also sit inside one
top-level folder that wraps everything. Folder order carries no meaning, so
locales come back sorted by id, intents, slots and slot types by name; slot
priorities keep their file order. Every problem is a ``PackageError`` naming
the file (as a path inside the package) and, where it applies, the field.

Read and kept: what ``bot.model`` holds (names, ids, descriptions, utterances,
slots and their prompts, slot types, confirmation and closing responses,
contexts, code hook switches, voice settings, the confidence threshold) and the
conversation flow the console writes since 2022 (``bot.lexjson.read_flow``): each
point's response and next step (DialogState) in ``initialResponseSetting``,
``slotCaptureSetting`` (capture and failure), ``intentConfirmationSetting``
(confirmation, declination and failure next steps, ``confirmationResponse``,
``failureResponse``), ``fulfillmentCodeHook.postFulfillmentStatusSpecification``
(success and failure) and ``intentClosingSetting.nextStep``.

Ignored on purpose, because they only branch, decorate or time that flow, or
concern speech and the console:

- ``ConversationFlow.json`` (the visual builder's canvas layout);
- ``conditional`` / ``*Conditional`` blocks (their branches are dropped; the
  step's own response and next step are kept);
- dialog ``codeHook`` blocks (``initialResponseSetting.codeHook``,
  ``slotCaptureSetting.codeHook``, the confirmation's ``codeHook``, with the
  next steps of their ``postCodeHookSpecification``) and ``elicitationCodeHook``;
- ``postFulfillmentStatusSpecification``'s ``timeoutResponse`` / ``timeoutNextStep``
  and ``fulfillmentUpdatesSpecification`` (of ``fulfillmentCodeHook`` only ``enabled``
  and the success and failure steps are read);
- in a next step, ``intent.slots`` (slot value overrides) and
  ``dialogAction.intentsInScope``;
- ``promptAttemptsSpecification`` (per-retry audio/DTMF/text timeouts),
  ``waitAndContinueSpecification``, ``advancedRecognitionSetting``;
- ``kendraConfiguration``, ``qnAIntentConfiguration``,
  ``bedrockAgentIntentConfiguration``, ``qInConnectIntentConfiguration``;
- ``CustomVocabulary/`` (speech recognition only), ``errorLogSettings``,
  ``version``, context time-to-live on input contexts.

Not supported (a ``PackageError`` says so): BotLocale-only and custom
vocabulary packages, composite slots (``subSlotSetting``), composite
(``compositeSlotTypeSetting`` / ``CONCATENATION``) and grammar
(``externalSourceSetting``) slot types.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from bot.errors import PackageError
from bot.lexjson.read_flow import read_flow_step, read_next_step
from bot.lexjson.read_messages import Node, read_prompt, read_response
from bot.lexjson.read_package import Package, check_manifest, open_package
from bot.model import (
    Bot,
    Closing,
    Confirmation,
    InputContext,
    Intent,
    Locale,
    OutputContext,
    ResolutionStrategy,
    Slot,
    SlotPriority,
    SlotType,
    SlotTypeValue,
    VoiceSettings,
)

_RESOLUTION: dict[str, ResolutionStrategy] = {
    "ORIGINAL_VALUE": "ORIGINAL_VALUE",
    "OriginalValue": "ORIGINAL_VALUE",
    "TOP_RESOLUTION": "TOP_RESOLUTION",
    "TopResolution": "TOP_RESOLUTION",
}


def load_package(path: str | os.PathLike[str]) -> Bot:
    """Read the bot in the LexJson package at ``path`` (a folder or a ``.zip``)."""
    package = open_package(Path(path))
    check_manifest(package)
    return _read_bot(package)


# --- the bot and its locales --------------------------------------------------------------------


def _read_bot(package: Package) -> Bot:
    bots = [f for f in package.files if len(PurePosixPath(f).parts) == 2 and f.endswith("/Bot.json")]
    if len(bots) != 1:
        found = "none" if not bots else ", ".join(package.files[b] for b in sorted(bots))
        raise PackageError(
            package.shown(package.manifest),
            f"expected exactly one <BotName>/Bot.json beside it, found {found}",
        )
    node = package.node(bots[0])
    folder = bots[0].split("/", 1)[0]
    by_locale: dict[str, list[tuple[str, ...]]] = {}
    for relative in package.files:
        parts = PurePosixPath(relative).parts
        if len(parts) >= 4 and parts[0] == folder and parts[1] == "BotLocales":
            by_locale.setdefault(parts[2], []).append(parts[3:])
    locales = [_read_locale(package, f"{folder}/BotLocales/{loc}", files) for loc, files in by_locale.items()]
    privacy = node.opt_obj("dataPrivacy")
    with node.building():
        return Bot(
            name=node.string("name"),
            identifier=node.opt_string("identifier"),
            description=node.opt_string("description"),
            idle_session_ttl_in_seconds=node.integer("idleSessionTTLInSeconds", 300),
            child_directed=privacy.flag("childDirected", False) if privacy else False,
            locales=tuple(sorted(locales, key=lambda loc: loc.locale_id)),
        )


def _read_locale(package: Package, base: str, files: list[tuple[str, ...]]) -> Locale:
    if ("BotLocale.json",) not in files:
        raise PackageError(package.shown(f"{base}/BotLocale.json"), "missing: every locale folder needs one")
    node = package.node(f"{base}/BotLocale.json")
    slot_files: dict[str, list[str]] = {}
    intent_names: list[str] = []
    type_names: list[str] = []
    for parts in files:
        if len(parts) == 3 and parts[0] == "Intents" and parts[2] == "Intent.json":
            intent_names.append(parts[1])
        elif len(parts) == 5 and parts[0] == "Intents" and parts[2] == "Slots" and parts[4] == "Slot.json":
            slot_files.setdefault(parts[1], []).append(f"{base}/{'/'.join(parts)}")
        elif len(parts) == 3 and parts[0] == "SlotTypes" and parts[2] == "SlotType.json":
            type_names.append(parts[1])
    orphans = sorted(set(slot_files) - set(intent_names))
    if orphans:
        first = package.shown(slot_files[orphans[0]][0])
        raise PackageError(first, "slot without an intent: no Intent.json above it")
    intents = [
        _read_intent(package, f"{base}/Intents/{name}/Intent.json", slot_files.get(name, []))
        for name in intent_names
    ]
    slot_types = [
        _read_slot_type(package.node(f"{base}/SlotTypes/{name}/SlotType.json")) for name in type_names
    ]
    voice = node.opt_obj("voiceSettings")
    voice_settings = None
    if voice is not None:
        with voice.building():
            voice_settings = VoiceSettings(
                voice_id=voice.string("voiceId"), engine=voice.opt_string("engine")
            )
    with node.building():
        return Locale(
            locale_id=node.opt_string("identifier") or PurePosixPath(base).name,
            name=node.opt_string("name"),
            description=node.opt_string("description"),
            nlu_confidence_threshold=node.number("nluConfidenceThreshold", 0.4),
            voice_settings=voice_settings,
            intents=tuple(sorted(intents, key=lambda i: i.name)),
            slot_types=tuple(sorted(slot_types, key=lambda t: t.name)),
        )


# --- intents, slots, slot types -----------------------------------------------------------------


def _read_intent(package: Package, relative: str, slot_files: list[str]) -> Intent:
    node = package.node(relative)
    slots = [_read_slot(package.node(f)) for f in slot_files]
    priorities = []
    for item in node.objects("slotPriorities"):
        with item.building():
            priorities.append(
                SlotPriority(priority=item.integer("priority"), slot_name=item.string("slotName"))
            )
    outputs = []
    for ctx in node.objects("outputContexts"):
        with ctx.building():
            outputs.append(
                OutputContext(
                    name=ctx.string("name"),
                    time_to_live_in_seconds=ctx.integer("timeToLiveInSeconds"),
                    turns_to_live=ctx.integer("turnsToLive"),
                )
            )
    inputs = []
    for ctx in node.objects("inputContexts"):
        with ctx.building():
            inputs.append(InputContext(name=ctx.string("name")))
    dialog_hook = node.opt_obj("dialogCodeHook")
    fulfillment_hook = node.opt_obj("fulfillmentCodeHook")
    post = fulfillment_hook.opt_obj("postFulfillmentStatusSpecification") if fulfillment_hook else None
    confirmation = _read_confirmation(node.opt_obj("intentConfirmationSetting"))
    closing = _read_closing(node.opt_obj("intentClosingSetting"))
    initial = read_flow_step(node.opt_obj("initialResponseSetting"), "initialResponse", "nextStep")
    fulfilled = read_flow_step(post, "successResponse", "successNextStep")
    fulfillment_failed = read_flow_step(post, "failureResponse", "failureNextStep")
    with node.building():
        return Intent(
            name=node.string("name"),
            identifier=node.opt_string("identifier"),
            description=node.opt_string("description"),
            parent_intent_signature=node.opt_string("parentIntentSignature"),
            sample_utterances=node.strings("sampleUtterances", "utterance"),
            slots=tuple(sorted(slots, key=lambda s: s.name)),
            slot_priorities=tuple(priorities),
            dialog_code_hook=dialog_hook.flag("enabled", False) if dialog_hook else False,
            fulfillment_code_hook=fulfillment_hook.flag("enabled", False) if fulfillment_hook else False,
            confirmation=confirmation,
            closing=closing,
            input_contexts=tuple(inputs),
            output_contexts=tuple(outputs),
            initial=initial,
            fulfilled=fulfilled,
            fulfillment_failed=fulfillment_failed,
        )


def _is_active(node: Node) -> bool:
    return node.flag(node.key_of("isActive", "active"), True)


def _read_confirmation(node: Node | None) -> Confirmation | None:
    if node is None:
        return None
    prompt = read_prompt(node.obj("promptSpecification"))
    declination = node.opt_obj("declinationResponse")
    confirmed = read_flow_step(node, "confirmationResponse", "confirmationNextStep")
    declined_next_step = read_next_step(node.opt_obj("declinationNextStep"))
    failed = read_flow_step(node, "failureResponse", "failureNextStep")
    with node.building():
        return Confirmation(
            prompt=prompt,
            declination=read_response(declination) if declination else None,
            active=_is_active(node),
            confirmed=confirmed,
            declined_next_step=declined_next_step,
            failed=failed,
        )


def _read_closing(node: Node | None) -> Closing | None:
    """``intentClosingSetting``; one with neither a closing response nor a next step is no closing."""
    step = read_flow_step(node, "closingResponse", "nextStep")
    if node is None or step is None:
        return None
    with node.building():
        return Closing(response=step.response, active=_is_active(node), next_step=step.next_step)


def _read_slot(node: Node) -> Slot:
    if node.has("subSlotSetting"):
        raise node.error("composite slots are not supported", "subSlotSetting")
    elicitation = node.obj("valueElicitationSetting")
    constraint = elicitation.string("slotConstraint")
    if constraint not in ("Required", "Optional"):
        raise elicitation.error(f"expected Required or Optional, got {constraint!r}", "slotConstraint")
    prompt_node = elicitation.opt_obj("promptSpecification")
    prompt = read_prompt(prompt_node) if prompt_node is not None else None
    defaults = elicitation.opt_obj("defaultValueSpecification")
    capture = elicitation.opt_obj("slotCaptureSetting")
    captured = read_flow_step(capture, "captureResponse", "captureNextStep")
    capture_failed = read_flow_step(capture, "failureResponse", "failureNextStep")
    multiple = node.opt_obj("multipleValuesSetting")
    obfuscation = node.opt_obj("obfuscationSetting")
    obfuscate = False
    if obfuscation is not None:
        kind = obfuscation.string("obfuscationSettingType")
        if kind not in ("None", "DefaultObfuscation"):
            raise obfuscation.error(
                f"expected None or DefaultObfuscation, got {kind!r}", "obfuscationSettingType"
            )
        obfuscate = kind == "DefaultObfuscation"
    with node.building():
        return Slot(
            name=node.string("name"),
            identifier=node.opt_string("identifier"),
            description=node.opt_string("description"),
            slot_type_name=node.string(node.key_of("slotTypeName", "slotTypeId")),
            prompt=prompt,
            required=constraint == "Required",
            sample_utterances=elicitation.strings("sampleUtterances", "utterance"),
            default_values=defaults.strings("defaultValueList", "defaultValue") if defaults else (),
            allow_multiple_values=multiple.flag("allowMultipleValues", False) if multiple else False,
            obfuscate=obfuscate,
            captured=captured,
            capture_failed=capture_failed,
        )


def _read_slot_type(node: Node) -> SlotType:
    for key, what in (("compositeSlotTypeSetting", "composite"), ("externalSourceSetting", "grammar")):
        if node.has(key):
            raise node.error(f"{what} slot types are not supported", key)
    values = []
    for item in node.objects("slotTypeValues"):
        with item.building():
            values.append(
                SlotTypeValue(
                    value=item.obj("sampleValue").string("value"),
                    synonyms=item.strings("synonyms", "value"),
                )
            )
    selection = node.opt_obj("valueSelectionSetting")
    strategy: ResolutionStrategy = "ORIGINAL_VALUE"
    pattern = None
    if selection is not None:
        raw = selection.opt_string("resolutionStrategy") or "ORIGINAL_VALUE"
        if raw.upper() == "CONCATENATION":
            raise selection.error(
                "composite slot types (CONCATENATION) are not supported", "resolutionStrategy"
            )
        if raw not in _RESOLUTION:
            raise selection.error(f"unknown resolution strategy {raw!r}", "resolutionStrategy")
        strategy = _RESOLUTION[raw]
        regex = selection.opt_obj("regexFilter")
        pattern = regex.string("pattern") if regex else None
    with node.building():
        return SlotType(
            name=node.string("name"),
            identifier=node.opt_string("identifier"),
            description=node.opt_string("description"),
            values=tuple(values),
            parent_slot_type_signature=node.opt_string("parentSlotTypeSignature"),
            resolution_strategy=strategy,
            regex_filter=pattern,
        )
