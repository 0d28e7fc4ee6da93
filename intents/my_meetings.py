"""The user's own meeting requests: see where they stand, or withdraw one.

Both intents read the requester's records, so the answers come from the
fulfillment code; the specs only carry what Lex must ask or confirm.
"""

from __future__ import annotations

from bot.spec import ConfirmationSpec, IntentSpec, SlotSpec, SlotTypeSpec, ask, say

LIST_MY_MEETINGS = IntentSpec(
    name="ListMyMeetings",
    description="List the user's meeting requests and their approval status.",
    utterances="ListMyMeetings.utterances",
    fulfillment_code_hook=True,
)

CANCEL_MEETING = IntentSpec(
    name="CancelMeeting",
    description="Cancel one of the user's meeting requests, by request ID or by date.",
    utterances="CancelMeeting.utterances",
    slots=(
        SlotSpec(
            name="RequestId",
            slot_type="RequestId",
            description="The request's ULID; the dialog hook asks for it when the date is ambiguous.",
            required=False,
            prompt=ask("CancelMeeting.RequestId.prompt"),
        ),
        SlotSpec(
            name="MeetingDate",
            slot_type="AMAZON.Date",
            description="The day of the meeting to cancel, when no request ID is given.",
            required=False,
            prompt=ask("CancelMeeting.MeetingDate.prompt"),
        ),
    ),
    dialog_code_hook=True,
    fulfillment_code_hook=True,
    confirmation=ConfirmationSpec(
        prompt=ask("CancelMeeting.confirmation.prompt"),
        declination=say("CancelMeeting.confirmation.declination"),
    ),
)

INTENTS: tuple[IntentSpec, ...] = (LIST_MY_MEETINGS, CANCEL_MEETING)

SLOT_TYPES: tuple[SlotTypeSpec, ...] = (
    SlotTypeSpec(
        name="RequestId",
        description="A meeting request ID: a 26-character ULID.",
        regex="[0-9A-Za-z]{26}",
        resolution="ORIGINAL_VALUE",
    ),
)
