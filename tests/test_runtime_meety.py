"""Conversations with the Meety bot in both locales, through the runtime core (no HTTP)."""

from __future__ import annotations

import pytest

from tests.runtime_support import Chat, meety_bot, runtime_for


@pytest.fixture
def chat() -> Chat:
    return Chat(runtime_for(meety_bot()))


@pytest.fixture
def chat_es() -> Chat:
    return Chat(runtime_for(meety_bot()), locale="es_US")


def test_greeting_closes_with_a_card(chat: Chat) -> None:
    chat.say("hi there")
    assert chat.intent["name"] == "Greeting"
    assert chat.intent["state"] == "Fulfilled"
    assert chat.action == "Close"
    assert chat.texts
    assert chat.cards
    assert 1 <= len(chat.cards[0]["buttons"]) <= 5


def test_saludo_in_spanish(chat_es: Chat) -> None:
    chat_es.say("hola buenas")
    assert chat_es.intent["name"] == "Greeting"
    assert chat_es.intent["state"] == "Fulfilled"


def test_full_scheduling_from_one_utterance(chat: Chat) -> None:
    # GIVEN a request that carries who, when and how long
    chat.say("book a 30 minute meeting with Jane Doe tomorrow at 3pm")
    # THEN those slots are filled and only the e-mail is asked for
    assert chat.intent["name"] == "ScheduleMeeting"
    assert chat.slot("AttendeeName") == "Jane Doe"
    assert chat.slot("MeetingDate") == "2026-11-19"
    assert chat.slot("MeetingTime") == "15:00"
    assert chat.slot("MeetingDuration") == "PT30M"
    assert chat.eliciting == "AttendeeEmail"
    chat.say("it's jane.doe@example.com")
    assert chat.slot("AttendeeEmail") == "jane.doe@example.com"
    # the optional topic is not asked; the details are read back for confirmation
    assert chat.action == "ConfirmIntent"
    assert any("Jane Doe" in t for t in chat.texts)
    chat.say("yes please")
    assert chat.intent["confirmationState"] == "Confirmed"
    # no code hook configured: fulfilment is left to the client, as Lex does without a Lambda
    assert chat.intent["state"] == "ReadyForFulfillment"
    assert chat.action == "Close"


def test_slot_by_slot_dialog(chat: Chat) -> None:
    chat.say("I need to schedule a meeting")
    asked = []
    answers = {
        "AttendeeName": "John Smith",
        "MeetingDate": "next friday",
        "MeetingTime": "10:30 am",
        "MeetingDuration": "45 minutes",
        "AttendeeEmail": "john@example.org",
    }
    while chat.action == "ElicitSlot":
        slot = chat.eliciting
        assert slot is not None
        asked.append(slot)
        assert chat.texts, f"no prompt for {slot}"
        chat.say(answers[slot])
    assert asked == ["AttendeeName", "MeetingDate", "MeetingTime", "MeetingDuration", "AttendeeEmail"]
    assert chat.slot("MeetingTime") == "10:30"
    assert chat.slot("MeetingDuration") == "PT45M"
    assert chat.action == "ConfirmIntent"


def test_duration_prompt_offers_buttons(chat: Chat) -> None:
    chat.say("book a meeting with Jane Doe tomorrow at 3pm")
    assert chat.eliciting == "MeetingDuration"
    values = [b["value"] for b in chat.cards[0]["buttons"]]
    chat.say(values[1])
    assert chat.slot("MeetingDuration") is not None


def test_fallback_on_nonsense(chat: Chat) -> None:
    chat.say("purple monkey dishwasher quantum")
    assert chat.intent["name"] == "FallbackIntent"
    assert chat.texts
    assert chat.last["interpretations"][0]["intent"]["name"] == "FallbackIntent"
    assert "nluConfidence" not in chat.last["interpretations"][0]


def test_declined_confirmation(chat: Chat) -> None:
    chat.say("book 30 minutes with Jane Doe tomorrow at 3pm")
    chat.say("jane@example.com")
    assert chat.action == "ConfirmIntent"
    chat.say("no")
    assert chat.intent["confirmationState"] == "Denied"
    assert chat.intent["state"] == "Failed"
    assert chat.action == "Close"
    assert chat.texts


def test_a_wrong_answer_is_retried_then_falls_back(chat: Chat) -> None:
    chat.say("book a meeting with Jane Doe tomorrow at 3pm for an hour")
    assert chat.eliciting == "AttendeeEmail"
    chat.say("not telling you")
    assert chat.eliciting == "AttendeeEmail"
    assert chat.texts
    chat.say("still no")
    chat.say("nope nope")
    assert chat.intent["name"] == "FallbackIntent"


def test_switching_intent_mid_dialog(chat: Chat) -> None:
    chat.say("book a meeting with Jane Doe")
    assert chat.intent["name"] == "ScheduleMeeting"
    chat.say("actually show me my meetings")
    assert chat.intent["name"] == "ListMyMeetings"


def test_reunion_completa_en_espanol(chat_es: Chat) -> None:
    chat_es.say("quiero agendar una reunión con Ana López mañana a las 3 de la tarde")
    assert chat_es.intent["name"] == "ScheduleMeeting"
    assert chat_es.slot("AttendeeName") == "Ana López"
    assert chat_es.slot("MeetingDate") == "2026-11-19"
    assert chat_es.slot("MeetingTime") == "15:00"
    assert chat_es.eliciting == "MeetingDuration"
    chat_es.say("media hora")
    assert chat_es.slot("MeetingDuration") == "PT30M"
    chat_es.say("mi correo es ana@example.com")
    assert chat_es.action == "ConfirmIntent"
    chat_es.say("no")
    assert chat_es.intent["state"] == "Failed"
    assert chat_es.texts


def test_fallback_en_espanol(chat_es: Chat) -> None:
    chat_es.say("zxqv plorf")
    assert chat_es.intent["name"] == "FallbackIntent"


def test_session_attributes_are_kept_when_omitted_and_replaced_when_given(chat: Chat) -> None:
    chat.say("hello", session_state={"sessionAttributes": {"timeZone": "Europe/Madrid", "x": "1"}})
    assert chat.last["sessionState"]["sessionAttributes"] == {"timeZone": "Europe/Madrid", "x": "1"}
    chat.say("help")
    assert chat.last["sessionState"]["sessionAttributes"] == {"timeZone": "Europe/Madrid", "x": "1"}
    chat.say("hi", session_state={"sessionAttributes": {"y": "2"}})
    assert chat.last["sessionState"]["sessionAttributes"] == {"y": "2"}


def test_interpretations_are_ranked_and_at_most_five(chat: Chat) -> None:
    body = chat.say("what is the status of the deploy")
    interpretations = body["interpretations"]
    assert interpretations[0]["intent"]["name"] == "DeployStatus"
    assert 2 <= len(interpretations) <= 5
    scores = [i["nluConfidence"]["score"] for i in interpretations if "nluConfidence" in i]
    assert scores == sorted(scores, reverse=True)
    assert any(i["intent"]["name"] == "FallbackIntent" for i in interpretations)


def test_reunion_de_una_sola_frase(chat_es: Chat) -> None:
    chat_es.say("agenda media hora con Ana López mañana a las 3 de la tarde")
    assert chat_es.intent["name"] == "ScheduleMeeting"
    assert chat_es.slot("AttendeeName") == "Ana López"
    assert chat_es.slot("MeetingDuration") == "PT30M"
    assert chat_es.slot("MeetingDate") == "2026-11-19"
    assert chat_es.slot("MeetingTime") == "15:00"
    assert chat_es.eliciting == "AttendeeEmail"


def test_reunion_paso_a_paso(chat_es: Chat) -> None:
    chat_es.say("quiero programar una reunión")
    answers = {
        "AttendeeName": "Carlos Pérez",
        "MeetingDate": "el viernes",
        "MeetingTime": "a las 10 de la mañana",
        "MeetingDuration": "una hora",
        "AttendeeEmail": "carlos@example.com",
    }
    asked = []
    while chat_es.action == "ElicitSlot":
        slot = chat_es.eliciting
        assert slot is not None
        asked.append(slot)
        chat_es.say(answers[slot])
    assert asked == list(answers)
    assert chat_es.slot("MeetingDate") == "2026-11-20"
    assert chat_es.slot("MeetingTime") == "10:00"
    assert chat_es.slot("MeetingDuration") == "PT1H"
    assert chat_es.action == "ConfirmIntent"
    chat_es.say("sí")
    assert chat_es.intent["confirmationState"] == "Confirmed"
