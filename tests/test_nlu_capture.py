"""Slot capture from sample-utterance templates, and while a slot is elicited."""

from __future__ import annotations

from bot.model import Intent, Locale
from bot.runtime.nlu import SlotCapture, train_locale
from tests.test_nlu_bots import FALLBACK, english, slot, trained_english, trained_spanish

FULL = "book a meeting with {AttendeeName} on {MeetingDate} at {MeetingTime}"


def test_spans_come_back_as_typed() -> None:
    # GIVEN the template "book a meeting with {AttendeeName} on {MeetingDate} at {MeetingTime}"
    # WHEN the user types it with capitals  THEN the best capture has the original casing
    captures = trained_english().capture("BookMeeting", "Book a meeting with Jane Doe on Friday at 3pm")
    assert captures[0] == SlotCapture(
        slots={"AttendeeName": "Jane Doe", "MeetingDate": "Friday", "MeetingTime": "3pm"}, template=FULL
    )


def test_literals_match_whatever_the_case_accents_and_punctuation() -> None:
    text = "BOOK a  meeting, with José Núñez on Friday the 5th, at 3:30pm!"
    best = trained_english().capture("BookMeeting", text)[0]
    assert best.template == FULL
    assert dict(best.slots) == {
        "AttendeeName": "José Núñez",
        "MeetingDate": "Friday the 5th",
        "MeetingTime": "3:30pm",
    }


def test_more_literal_words_rank_first_then_more_slots() -> None:
    captures = trained_english().capture("BookMeeting", "book a meeting with Jane on Monday")
    assert captures[0].template == "book a meeting with {AttendeeName} on {MeetingDate}"
    assert dict(captures[0].slots) == {"AttendeeName": "Jane", "MeetingDate": "Monday"}
    # the shorter template still matches, with a worse split, further down
    assert {"AttendeeName": "Jane on Monday"} in [dict(c.slots) for c in captures[1:]]


def test_candidates_are_unique() -> None:
    captures = trained_english().capture("BookMeeting", "book a meeting with Jane on Monday at 9")
    keys = [tuple(sorted(c.slots.items())) for c in captures]
    assert len(keys) == len(set(keys))


def test_words_around_the_command_are_tolerated() -> None:
    captures = trained_english().capture(
        "BookMeeting", "Hi! Could you book a meeting with Jane Doe on Friday at 3pm please?"
    )
    assert dict(captures[0].slots) == {
        "AttendeeName": "Jane Doe",
        "MeetingDate": "Friday",
        "MeetingTime": "3pm",
    }


def test_no_template_matches() -> None:
    nlu = trained_english()
    # a template without placeholders captures nothing
    assert nlu.capture("BookMeeting", "book a meeting") == []
    assert nlu.capture("BookMeeting", "hello there") == []
    assert nlu.capture("Greeting", "hello") == []
    assert nlu.capture("NoSuchIntent", "book a meeting with Jane") == []


def test_adjacent_placeholders_give_every_split() -> None:
    remind = Intent(
        name="Remind",
        sample_utterances=("remind me {Task} {When}", "set a reminder"),
        slots=(slot("Task", "AMAZON.AlphaNumeric"), slot("When", "AMAZON.Date")),
    )
    nlu = train_locale(Locale(locale_id="en_US", intents=(remind, FALLBACK)))
    captures = [dict(c.slots) for c in nlu.capture("Remind", "Remind me buy milk tomorrow")]
    assert captures == [
        {"Task": "buy", "When": "milk tomorrow"},
        {"Task": "buy milk", "When": "tomorrow"},
    ]


def test_spanish_capture() -> None:
    captures = trained_spanish().capture("Agendar", "Necesito una cita con María José el próximo martes")
    assert captures[0].template == "necesito una cita con {Persona} el {Fecha}"
    assert dict(captures[0].slots) == {"Persona": "María José", "Fecha": "próximo martes"}


def test_capture_slot_uses_the_slot_samples_then_the_whole_text() -> None:
    nlu = trained_english()
    # GIVEN AttendeeName samples "with {AttendeeName}" and "my name is {AttendeeName}"
    assert nlu.capture_slot("BookMeeting", "AttendeeName", "My name is Jane Doe.") == [
        "Jane Doe",
        "My name is Jane Doe",
    ]
    assert nlu.capture_slot("BookMeeting", "AttendeeName", "with John") == ["John", "with John"]
    # no sample matches: the whole text (edge punctuation and spaces trimmed)
    assert nlu.capture_slot("BookMeeting", "AttendeeName", "  Emily Johnson! ") == ["Emily Johnson"]
    # a slot without samples, or an unknown one
    assert nlu.capture_slot("BookMeeting", "MeetingDate", "next Friday") == ["next Friday"]
    assert nlu.capture_slot("Nope", "Nothing", "whatever") == ["whatever"]


def test_capture_is_deterministic() -> None:
    first, second = train_locale(english()), train_locale(english())
    text = "book a meeting with Jane on Monday at 9"
    assert first.capture("BookMeeting", text) == second.capture("BookMeeting", text)


def test_pieces_of_templates_generalise() -> None:
    # GIVEN only "i want to meet with {AttendeeName}" and "set up a call with {AttendeeName}"
    nlu = trained_english()
    # WHEN the user says less (or other words) around the slot THEN the piece "meet with {...}" still captures
    captures = nlu.capture("BookMeeting", "Could we meet with Jane Doe")
    assert dict(captures[0].slots) == {"AttendeeName": "Jane Doe"}
    assert captures[0].template == "i want to meet with {AttendeeName}"
    # but a piece needs some context: "on {MeetingDate}" alone is not enough
    assert nlu.capture("CancelMeeting", "on Friday") == []
