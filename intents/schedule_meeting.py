"""Booking a meeting: Meety's main job.

The user names who, when and how long; Meety reads the details back and files a
meeting request that waits for approval. The code hooks validate the slots as
they arrive (dates in the past, unknown people) and store the request.
"""

from __future__ import annotations

from bot.spec import (
    ButtonSpec,
    CardSpec,
    ConfirmationSpec,
    IntentSpec,
    SlotSpec,
    SlotTypeSpec,
    ask,
    say,
)

_DURATIONS = ("Minutes15", "Minutes30", "Minutes45", "Hour1")
"""The quick picks offered with the duration prompt; any other duration can be typed."""

SCHEDULE_MEETING = IntentSpec(
    name="ScheduleMeeting",
    description="Request a meeting with someone; the request waits for approval.",
    utterances="ScheduleMeeting.utterances",
    slots=(
        SlotSpec(
            name="AttendeeName",
            slot_type="PersonName",
            description="Who the meeting is with.",
            prompt=ask("ScheduleMeeting.AttendeeName.prompt"),
            sample_utterances="ScheduleMeeting.AttendeeName.utterances",
        ),
        SlotSpec(
            name="MeetingDate",
            slot_type="AMAZON.Date",
            description="The day of the meeting.",
            prompt=ask("ScheduleMeeting.MeetingDate.prompt"),
        ),
        SlotSpec(
            name="MeetingTime",
            slot_type="AMAZON.Time",
            description="When the meeting starts.",
            prompt=ask("ScheduleMeeting.MeetingTime.prompt"),
        ),
        SlotSpec(
            name="MeetingDuration",
            slot_type="AMAZON.Duration",
            description="How long the meeting lasts.",
            prompt=ask(
                "ScheduleMeeting.MeetingDuration.prompt",
                card=CardSpec(
                    title="ScheduleMeeting.MeetingDuration.card.title",
                    buttons=tuple(
                        ButtonSpec(text=f"Buttons.{d}.text", value=f"Buttons.{d}.value") for d in _DURATIONS
                    ),
                ),
            ),
        ),
        SlotSpec(
            name="AttendeeEmail",
            slot_type="AMAZON.EmailAddress",
            description="Where the invitation goes.",
            prompt=ask("ScheduleMeeting.AttendeeEmail.prompt"),
        ),
        SlotSpec(
            name="MeetingTopic",
            slot_type="MeetingTopic",
            description="What the meeting is about; optional.",
            required=False,
            prompt=ask("ScheduleMeeting.MeetingTopic.prompt"),
            sample_utterances="ScheduleMeeting.MeetingTopic.utterances",
        ),
    ),
    dialog_code_hook=True,
    fulfillment_code_hook=True,
    confirmation=ConfirmationSpec(
        prompt=ask("ScheduleMeeting.confirmation.prompt"),
        declination=say("ScheduleMeeting.confirmation.declination"),
    ),
    closing=say("ScheduleMeeting.closing"),
)

INTENTS: tuple[IntentSpec, ...] = (SCHEDULE_MEETING,)

SLOT_TYPES: tuple[SlotTypeSpec, ...] = (
    SlotTypeSpec(
        name="PersonName",
        description="A person's name; the values only teach the shape, any name is kept as said.",
        values="PersonName.values",
        resolution="ORIGINAL_VALUE",
    ),
    SlotTypeSpec(
        name="MeetingTopic",
        description="A free-form meeting topic; the values are examples, any topic is kept as said.",
        values="MeetingTopic.values",
        resolution="ORIGINAL_VALUE",
    ),
)
