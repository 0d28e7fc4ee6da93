"""The bot definition: one Lex V2 bot with literal text, per locale.

This is the model both the compiler and the loader speak. Specs (``bot.spec``)
are resolved into it; LexJson packages (ours or any console export) are read
into it; the LexJson and CloudFormation writers and, later, the local runtime
read from it. It mirrors Lex's own structure, not our authoring conveniences,
so that anything a real export carries has one obvious place to live.

Rules that need the whole bot (names, quotas, references) live in
``bot.validate``: the models only check types, so that a build can report
every problem at once instead of the first one pydantic trips on.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

ResolutionStrategy = Literal["ORIGINAL_VALUE", "TOP_RESOLUTION"]
StepAction = Literal[
    "ElicitIntent",
    "StartIntent",
    "ElicitSlot",
    "EvaluateConditional",
    "InvokeDialogCodeHook",
    "ConfirmIntent",
    "FulfillIntent",
    "CloseIntent",
    "EndConversation",
]
SelectionStrategy = Literal["Random", "Ordered"]
FALLBACK_SIGNATURE = "AMAZON.FallbackIntent"


class Frozen(BaseModel):
    """Immutable, strict-about-unknown-fields base for every definition model."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Button(Frozen):
    text: str
    value: str


class ImageResponseCard(Frozen):
    title: str
    subtitle: str | None = None
    image_url: str | None = None
    buttons: tuple[Button, ...] = ()


class Message(Frozen):
    """One message: Lex allows exactly one of these kinds to be set."""

    plain_text: str | None = None
    ssml: str | None = None
    custom_payload: str | None = None
    image_response_card: ImageResponseCard | None = None


class MessageGroup(Frozen):
    """A message and up to two variations; Lex picks one per turn."""

    message: Message
    variations: tuple[Message, ...] = ()


class Response(Frozen):
    """What the bot says: every group is sent, one variation from each."""

    message_groups: tuple[MessageGroup, ...]
    allow_interrupt: bool = True


class Prompt(Frozen):
    """A question; re-asked up to ``max_retries`` times when the answer is not understood."""

    message_groups: tuple[MessageGroup, ...]
    max_retries: int = 2
    allow_interrupt: bool = True
    message_selection_strategy: SelectionStrategy = "Random"


class NextStep(Frozen):
    """Where the conversation goes from a point of the flow (the console's "next step").

    Bots built with the console since 2022 carry one at each point (after the initial response,
    after a slot is captured or not, after confirmation, after fulfilment, after closing); the
    runtime follows them instead of its default flow when present.
    """

    action: StepAction
    slot_to_elicit: str | None = None
    intent_name: str | None = None
    """For StartIntent: the intent to start."""
    suppress_next_message: bool = False
    session_attributes: tuple[tuple[str, str], ...] = ()
    """Session attributes this step sets, in file order."""


class FlowStep(Frozen):
    """What the bot says at a point of the flow, and where it goes next."""

    response: Response | None = None
    next_step: NextStep | None = None


class SlotTypeValue(Frozen):
    value: str
    synonyms: tuple[str, ...] = ()


class SlotType(Frozen):
    """A custom slot type: a value list, or AMAZON.AlphaNumeric narrowed by a regex."""

    name: str
    identifier: str | None = None
    description: str | None = None
    values: tuple[SlotTypeValue, ...] = ()
    parent_slot_type_signature: str | None = None
    resolution_strategy: ResolutionStrategy = "ORIGINAL_VALUE"
    regex_filter: str | None = None


class Slot(Frozen):
    name: str
    slot_type_name: str
    prompt: Prompt | None
    """Lex lets an optional slot have no prompt: it is then filled only from utterances or by code."""
    identifier: str | None = None
    description: str | None = None
    required: bool = True
    sample_utterances: tuple[str, ...] = ()
    default_values: tuple[str, ...] = ()
    allow_multiple_values: bool = False
    obfuscate: bool = False
    captured: FlowStep | None = None
    """slotCaptureSetting: captureResponse + captureNextStep."""
    capture_failed: FlowStep | None = None
    """slotCaptureSetting: failureResponse + failureNextStep (after the last retry)."""


class SlotPriority(Frozen):
    priority: int
    slot_name: str


class Confirmation(Frozen):
    prompt: Prompt
    declination: Response | None = None
    active: bool = True
    confirmed: FlowStep | None = None
    """confirmationResponse + confirmationNextStep."""
    declined_next_step: NextStep | None = None
    failed: FlowStep | None = None
    """failureResponse + failureNextStep (no clear yes or no after the retries)."""


class Closing(Frozen):
    response: Response | None
    active: bool = True
    next_step: NextStep | None = None


class InputContext(Frozen):
    name: str


class OutputContext(Frozen):
    name: str
    time_to_live_in_seconds: int
    turns_to_live: int


class Intent(Frozen):
    name: str
    identifier: str | None = None
    description: str | None = None
    parent_intent_signature: str | None = None
    sample_utterances: tuple[str, ...] = ()
    slots: tuple[Slot, ...] = ()
    slot_priorities: tuple[SlotPriority, ...] = ()
    dialog_code_hook: bool = False
    fulfillment_code_hook: bool = False
    confirmation: Confirmation | None = None
    closing: Closing | None = None
    input_contexts: tuple[InputContext, ...] = ()
    output_contexts: tuple[OutputContext, ...] = ()
    initial: FlowStep | None = None
    """initialResponseSetting: initialResponse + nextStep, once the intent is recognised."""
    fulfilled: FlowStep | None = None
    """postFulfillmentStatusSpecification: successResponse + successNextStep."""
    fulfillment_failed: FlowStep | None = None
    """postFulfillmentStatusSpecification: failureResponse + failureNextStep."""

    @property
    def is_fallback(self) -> bool:
        return self.parent_intent_signature == FALLBACK_SIGNATURE

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.slots if s.name == name), None)

    def slots_in_priority_order(self) -> tuple[Slot, ...]:
        """Slots as Lex elicits them: by priority, then any unlisted ones in declaration order."""
        ranked = sorted(self.slot_priorities, key=lambda p: p.priority)
        names = [p.slot_name for p in ranked]
        names += [s.name for s in self.slots if s.name not in names]
        by_name = {s.name: s for s in self.slots}
        return tuple(by_name[n] for n in names if n in by_name)


class VoiceSettings(Frozen):
    voice_id: str
    engine: str | None = None


class Locale(Frozen):
    locale_id: str
    name: str | None = None
    description: str | None = None
    nlu_confidence_threshold: float = 0.4
    voice_settings: VoiceSettings | None = None
    intents: tuple[Intent, ...] = ()
    slot_types: tuple[SlotType, ...] = ()

    def intent(self, name: str) -> Intent | None:
        return next((i for i in self.intents if i.name == name), None)

    def slot_type(self, name: str) -> SlotType | None:
        return next((t for t in self.slot_types if t.name == name), None)


class Bot(Frozen):
    name: str
    identifier: str | None = None
    description: str | None = None
    idle_session_ttl_in_seconds: int = 300
    child_directed: bool = False
    locales: tuple[Locale, ...] = ()

    def locale(self, locale_id: str) -> Locale | None:
        return next((loc for loc in self.locales if loc.locale_id == locale_id), None)
