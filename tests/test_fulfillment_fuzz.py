"""Whatever event arrives, ``lambda_handler`` answers with a response Lex accepts (``check_reply``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.runtime.codehook import LocalLambdaContext, check_reply
from fulfillment import handler
from fulfillment.handler import lambda_handler
from tests.fulfillment_support import make_app
from tests.runtime_support import meety_bot

EVENTS = Path(__file__).parent / "events"
BASES = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EVENTS.glob("*.json"))]
INTENTS = ["ScheduleMeeting", "ListMyMeetings", "CancelMeeting", "Greeting", "FallbackIntent"]
SLOTS = ["AttendeeName", "MeetingDate", "MeetingTime", "MeetingDuration", "AttendeeEmail", "RequestId"]

junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
slot_text = st.sampled_from(
    ["2026-11-19", "2026-11-21", "1999-01-01", "10:00", "15:00", "03:00", "PT30M", "PT9H", "P1Y", "x", ""]
) | st.text(max_size=10)
scalar_slot = st.builds(
    lambda interpreted, resolved: {
        "shape": "Scalar",
        "value": {"originalValue": "x", "interpretedValue": interpreted, "resolvedValues": resolved},
    },
    interpreted=slot_text | junk,
    resolved=st.lists(slot_text, max_size=3) | junk,
)
slots = st.dictionaries(st.sampled_from(SLOTS), st.none() | scalar_slot | junk, max_size=6)


@st.composite
def events(draw: st.DrawFn) -> Any:
    event: dict[str, Any] = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    state = event.setdefault("sessionState", {})
    if not isinstance(state, dict):
        return event
    intent: Any = {
        "name": draw(st.sampled_from(INTENTS)),
        "slots": draw(slots),
        "state": draw(st.sampled_from(["InProgress", "ReadyForFulfillment"]) | junk),
        "confirmationState": draw(st.sampled_from(["None", "Confirmed", "Denied"]) | junk),
    }
    state["intent"] = draw(st.just(intent) | junk)
    event["invocationSource"] = draw(st.sampled_from(["DialogCodeHook", "FulfillmentCodeHook"]) | junk)
    state["sessionAttributes"] = draw(
        st.dictionaries(
            st.sampled_from(["timeZone", "meetyOffers", "x"]),
            st.sampled_from(["Asia/Tokyo", "Not/AZone", '{"10:00":"2026-11-20"}', "../etc"]) | junk,
            max_size=3,
        )
        | junk
    )
    for key in draw(st.lists(st.sampled_from(["sessionId", "bot", "sessionState", "messageVersion"]))):
        event[key] = draw(junk)
    return event


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=events())
def test_every_reply_is_a_valid_lex_response(tmp_path_factory: Any, event: Any) -> None:
    locale = meety_bot().locale("en_US")
    assert locale is not None
    handler.set_app(make_app(tmp_path_factory.mktemp("fuzz") / "meety.db"))
    try:
        reply = lambda_handler(event, LocalLambdaContext())
    finally:
        handler.set_app(None)
    hook = check_reply(reply, locale)
    assert hook.action in {"Close", "Delegate", "ElicitSlot", "ConfirmIntent", "ElicitIntent"}
    if hook.action == "Close":
        assert hook.intent is not None
        assert isinstance(hook.intent["name"], str)
        assert hook.intent["state"] in {"Failed", "Fulfilled", "InProgress"}
    for message in hook.messages:
        assert message["contentType"] in {"PlainText", "ImageResponseCard"}
