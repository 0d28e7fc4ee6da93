"""The sample bot every CloudFormation test writes, and its role.

Two locales, custom slot types, and an intent using every feature the writer spells: slots with defaults and
multiple values, priorities, confirmation with SSML variations, a closing card, and contexts. Tuples are given
out of name order on purpose, so the tests can see the writer sort them.
"""

from __future__ import annotations

from typing import Any

from bot.model import (
    Bot,
    Button,
    Closing,
    Confirmation,
    ImageResponseCard,
    InputContext,
    Intent,
    Locale,
    Message,
    MessageGroup,
    OutputContext,
    Prompt,
    Response,
    Slot,
    SlotPriority,
    SlotType,
    SlotTypeValue,
    VoiceSettings,
)

ROLE = {"Fn::GetAtt": ["MeetyBotRole", "Arn"]}


def text(value: str) -> MessageGroup:
    return MessageGroup(message=Message(plain_text=value))


def prompt(value: str, **kwargs: Any) -> Prompt:
    return Prompt(message_groups=(text(value),), **kwargs)


def fallback(closing: str) -> Intent:
    return Intent(
        name="FallbackIntent",
        description="Default intent when no other intent matches",
        parent_intent_signature="AMAZON.FallbackIntent",
        fulfillment_code_hook=True,
        closing=Closing(response=Response(message_groups=(text(closing),))),
    )


SLOT_TYPES = (
    # Listed out of name order on purpose: the writer sorts by Name.
    SlotType(
        name="TicketCode",
        description="A ticket id like AB1234.",
        parent_slot_type_signature="AMAZON.AlphaNumeric",
        regex_filter="[A-Z]{2}[0-9]{4}",
    ),
    SlotType(
        name="RoomName",
        values=(
            SlotTypeValue(value="Everest", synonyms=("big room", "the large one")),
            SlotTypeValue(value="Kilimanjaro"),
        ),
        resolution_strategy="TOP_RESOLUTION",
    ),
)

SCHEDULE_SLOTS = (
    Slot(
        name="When",
        slot_type_name="AMAZON.Date",
        prompt=prompt("For which day?", max_retries=3, message_selection_strategy="Ordered"),
        sample_utterances=("on {When}",),
        default_values=("[PreferredDay]", "tomorrow"),
    ),
    Slot(
        name="Attendee",
        slot_type_name="AMAZON.FirstName",
        description="Who to meet.",
        prompt=prompt("Who should I invite?", allow_interrupt=False),
    ),
    Slot(
        name="Room",
        slot_type_name="RoomName",
        prompt=prompt("Which room?"),
        required=False,
        allow_multiple_values=True,
    ),
    Slot(name="Ticket", slot_type_name="TicketCode", prompt=prompt("Ticket id?"), obfuscate=True),
)

SCHEDULE = Intent(
    name="ScheduleMeeting",
    description="Book a meeting.",
    sample_utterances=("Schedule a meeting with {Attendee}", "Book {Room} on {When}"),
    slots=SCHEDULE_SLOTS,
    # Not in priority order on purpose: the writer keeps the given order.
    slot_priorities=(
        SlotPriority(priority=2, slot_name="When"),
        SlotPriority(priority=1, slot_name="Attendee"),
        SlotPriority(priority=3, slot_name="Room"),
        SlotPriority(priority=4, slot_name="Ticket"),
    ),
    dialog_code_hook=True,
    fulfillment_code_hook=True,
    confirmation=Confirmation(
        prompt=Prompt(
            message_groups=(
                MessageGroup(
                    message=Message(ssml="<speak>Book it for {When}?</speak>"),
                    variations=(
                        Message(plain_text="Shall I book it for {When}?"),
                        Message(custom_payload='{"ask": "confirm"}'),
                    ),
                ),
            ),
            max_retries=1,
        ),
        declination=Response(message_groups=(text("Okay, I won't book it."),), allow_interrupt=False),
    ),
    closing=Closing(
        response=Response(
            message_groups=(
                MessageGroup(
                    message=Message(
                        image_response_card=ImageResponseCard(
                            title="Booked",
                            subtitle="Anything else?",
                            image_url="https://example.org/meety.png",
                            buttons=(
                                Button(text="Invite more", value="Add attendees"),
                                Button(text="Done", value="No thanks"),
                            ),
                        )
                    )
                ),
                text("See you there, [FirstName]."),
            )
        )
    ),
    output_contexts=(OutputContext(name="MeetingBooked", time_to_live_in_seconds=300, turns_to_live=5),),
)

CANCEL = Intent(
    name="CancelMeeting",
    sample_utterances=("Cancel it", "Cancel my meeting"),
    input_contexts=(InputContext(name="MeetingBooked"),),
)

EN_US = Locale(
    locale_id="en_US",
    description="English (US)",
    nlu_confidence_threshold=0.4,
    voice_settings=VoiceSettings(voice_id="Joanna", engine="neural"),
    intents=(SCHEDULE, fallback("Sorry, I didn't get that."), CANCEL),
    slot_types=SLOT_TYPES,
)

DE_DE = Locale(
    locale_id="de_DE",
    nlu_confidence_threshold=0.55,
    voice_settings=VoiceSettings(voice_id="Vicki"),
    intents=(
        Intent(
            name="TerminPlanen",
            sample_utterances=("Termin mit {Teilnehmer}",),
            slots=(Slot(name="Teilnehmer", slot_type_name="AMAZON.FirstName", prompt=prompt("Mit wem?")),),
            slot_priorities=(SlotPriority(priority=0, slot_name="Teilnehmer"),),
        ),
        fallback("Das habe ich nicht verstanden."),
    ),
)

BOT = Bot(
    name="Meety",
    description="Meeting requests, ChatOps and approvals.",
    idle_session_ttl_in_seconds=600,
    locales=(EN_US, DE_DE),  # en_US first on purpose: sorted output puts de_DE first
)
