"""Real exported Lex V2 bots run in the local runtime without their Lambdas."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.lexjson import load_package
from tests.runtime_support import Chat, runtime_for


@pytest.fixture
def airline(shared_dir: Path) -> Chat:
    return Chat(runtime_for(load_package(shared_dir / "lex-exports" / "lex-helper")))


def test_airline_tracks_baggage_from_one_utterance(airline: Chat) -> None:
    airline.say("I want to track my baggage with reservation number ABC123")
    assert airline.intent["name"] == "TrackBaggage"
    assert airline.slot("ReservationNumber") == "ABC123"
    assert airline.intent["state"] == "ReadyForFulfillment"


def test_airline_asks_for_the_reservation_number(airline: Chat) -> None:
    airline.say("track my baggage please")
    assert airline.intent["name"] == "TrackBaggage"
    assert airline.eliciting == "ReservationNumber"
    assert airline.texts == ["Can you provide the ReservationNumber?"]
    airline.say("XYZ789")
    assert airline.slot("ReservationNumber") == "XYZ789"


def test_airline_books_a_flight_slot_by_slot(airline: Chat) -> None:
    airline.say("Book a flight to Paris")
    assert airline.intent["name"] == "BookFlight"
    assert airline.slot("DestinationCity") == "Paris"
    answers = {
        "TripType": "round trip",
        "OriginCity": "Boston",
        "DepartureDate": "december 3",
        "ReturnDate": "december 10",
        "NumberOfPassengers": "two",
        "Origin_Airport_Code": "BOS",
        "Destination_Airport_Code": "CDG",
    }
    seen = []
    while airline.action == "ElicitSlot":
        slot = airline.eliciting
        assert slot is not None
        seen.append(slot)
        airline.say(answers[slot])
    assert seen == [
        "TripType",
        "OriginCity",
        "DepartureDate",
        "ReturnDate",
        "NumberOfPassengers",
        "Origin_Airport_Code",
        "Destination_Airport_Code",
    ]
    assert airline.slot("TripType") == "Round Trip"
    assert airline.slot("NumberOfPassengers") == "2"
    assert airline.slot("DepartureDate") == "2026-12-03"
    assert airline.intent["state"] == "ReadyForFulfillment"


def test_airline_regex_slot_refuses_a_wrong_code(airline: Chat) -> None:
    airline.say("Book a flight to Paris")
    for answer in ("round trip", "Boston", "december 3", "december 10", "two"):
        airline.say(answer)
    assert airline.eliciting == "Origin_Airport_Code"
    airline.say("boston logan")
    assert airline.eliciting == "Origin_Airport_Code"


def test_airline_in_italian(shared_dir: Path) -> None:
    chat = Chat(runtime_for(load_package(shared_dir / "lex-exports" / "lex-helper")), locale="it_IT")
    chat.say("Ciao")
    assert chat.intent["name"] in {"Greeting", "FallbackIntent"}


def test_bedrock_loan_application_confirms(shared_dir: Path) -> None:
    bot = load_package(shared_dir / "lex-exports" / "generative-ai-amazon-bedrock-langchain-agent-example")
    chat = Chat(runtime_for(bot))
    chat.say("Apply for loan")
    assert chat.intent["name"] == "LoanApplication"
    assert chat.eliciting == "UserName"
    assert chat.texts
