"""The real fulfillment hook behind `meety serve`, driven by the real boto3 lexv2-runtime client.

One server (host zone New York, clock Wed 2026-11-18 10:00) serves the whole module; each test uses its
own sessions and its own meeting times, so the requests they file do not collide.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.serve_support import REQUEST_ID, Server, start

STORE_FILE = "requests.db"


def start_with_requests(tmp: Path) -> Server:
    """The server with its request store in ``tmp`` and a New York host."""
    env = {"MEETY_HOST_TIMEZONE": "America/New_York", "MEETY_STORE": f"sqlite:///{tmp / STORE_FILE}"}
    return start(tmp / "data", env=env)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def server(files: Path) -> Iterator[Server]:
    running = start_with_requests(files)
    yield running
    running.stop()


@dataclass
class Session:
    """One user's conversation through boto3, with the last reply at hand."""

    lex: Any
    bot_id: str
    locale: str = "en_US"
    session_id: str = field(default_factory=lambda: f"e2e-{uuid.uuid4().hex[:10]}")
    last: dict[str, Any] = field(default_factory=dict)

    def say(self, text: str, **kwargs: Any) -> dict[str, Any]:
        self.last = self.lex.recognize_text(
            botId=self.bot_id,
            botAliasId="TSTALIASID",
            localeId=self.locale,
            sessionId=self.session_id,
            text=text,
            **kwargs,
        )
        return self.last

    @property
    def action(self) -> dict[str, Any]:
        return dict(self.last["sessionState"].get("dialogAction") or {})

    @property
    def intent(self) -> dict[str, Any]:
        return dict(self.last["sessionState"].get("intent") or {})

    @property
    def texts(self) -> list[str]:
        return [m["content"] for m in self.last.get("messages", []) if m["contentType"] == "PlainText"]

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            m["imageResponseCard"]
            for m in self.last.get("messages", [])
            if m["contentType"] == "ImageResponseCard"
        ]


def session(server: Server, locale: str = "en_US") -> Session:
    return Session(server.client(), server.bot_id, locale)


def ask_to_book(s: Session, text: str, email: str) -> None:
    """Say the request, give the email if asked, and stop at the read-back."""
    s.say(text)
    if s.action.get("slotToElicit") == "AttendeeEmail":
        s.say(email)
    assert s.action == {"type": "ConfirmIntent"}, s.texts


def book(s: Session, text: str, email: str, yes: str = "yes") -> str:
    """File a request and return its id."""
    ask_to_book(s, text, email)
    s.say(yes)
    assert s.action["type"] == "Close", s.texts
    assert s.intent["state"] == "Fulfilled", s.texts
    found = REQUEST_ID.search(s.texts[0])
    assert found is not None, s.texts
    return found.group()


def take_first_offer(s: Session, email: str, yes: str) -> str:
    """Click the first offered time (its value is what the button sends), give the e-mail if asked, and
    confirm the read-back, which must name that time; returns the value."""
    value = str(s.cards[0]["buttons"][0]["value"])
    s.say(value)
    if s.action.get("slotToElicit") == "AttendeeEmail":
        s.say(email)
    assert s.action == {"type": "ConfirmIntent"}, s.texts
    assert value in s.texts[0]
    s.say(yes)
    assert s.intent["state"] == "Fulfilled", s.texts
    return value


def test_full_request_in_one_utterance(server: Server, files: Path) -> None:
    s = session(server)
    ask_to_book(s, "book a 30 minute meeting with Jane Doe tomorrow at 10am", "jane@example.com")
    assert s.intent["state"] == "InProgress"
    assert s.intent["confirmationState"] == "None"
    [question] = s.texts
    assert "30-minute" in question
    assert "Jane Doe" in question
    assert "Thu 2026-11-19" in question
    assert "10:00" in question
    assert "PT30M" not in question
    s.say("yes")
    assert s.intent["state"] == "Fulfilled", s.texts
    message = s.texts[0]
    found = REQUEST_ID.search(message)
    assert found is not None, message
    assert "pending" in message
    assert (files / STORE_FILE).is_file()


def test_read_back_in_both_zones_and_a_no_files_nothing(server: Server) -> None:
    s = session(server)
    s.say("hi", sessionState={"sessionAttributes": {"timeZone": "Europe/London"}})
    ask_to_book(s, "book a 30 minute meeting with Jane Doe tomorrow at 4pm", "jane@example.com")
    assert "16:00 your time (11:00 America/New_York)" in s.texts[0]
    s.say("no")
    assert s.intent["state"] == "Failed", s.texts
    assert s.intent["confirmationState"] == "Denied"
    s.say("show my meetings")
    assert "no pending or approved" in s.texts[0]


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("book a 30 minute meeting with Jane Doe on 2026-11-10 at 10am", "MeetingDate"),
        ("book a 30 minute meeting with Jane Doe on saturday at 10am", "MeetingDate"),
        ("book a 30 minute meeting with Jane Doe tomorrow at 7pm", "MeetingTime"),
        ("book a 6 hour meeting with Jane Doe tomorrow at 10am", "MeetingDuration"),
    ],
)
def test_rule_breaks_are_reprompted(server: Server, text: str, slot: str) -> None:
    s = session(server)
    s.say(text)
    assert s.action == {"type": "ElicitSlot", "slotToElicit": slot}, s.texts
    assert s.intent["slots"][slot] is None
    assert s.texts


def test_conflict_offers_a_button_that_leads_on(server: Server) -> None:
    book(session(server), "book a 60 minute meeting with Jane Doe tomorrow at 1pm", "jane@example.com")
    s = session(server)
    s.say("book a 30 minute meeting with Alex Garcia tomorrow at 1:30pm")
    assert s.action == {"type": "ElicitSlot", "slotToElicit": "MeetingTime"}, s.texts
    assert "already taken" in s.texts[0]
    [card] = s.cards
    assert 1 <= len(card["buttons"]) <= 3
    value = take_first_offer(s, "alex@example.com", "yes")
    assert s.intent["slots"]["MeetingTime"]["value"]["interpretedValue"] == value
    assert "pending" in s.texts[0]


def test_list_and_cancel(server: Server) -> None:
    s = session(server)
    request_id = book(s, "book a 30 minute meeting with Jane Doe on friday at 2pm", "jane@example.com")
    s.say("show my meetings")
    assert s.intent["state"] == "Fulfilled", s.texts
    listing = "\n".join(s.texts)
    assert request_id in listing
    assert "Jane Doe" in listing
    assert "pending approval" in listing
    s.say("cancel my meeting on friday")
    assert s.action == {"type": "ConfirmIntent"}, s.texts
    s.say("yes")
    assert s.intent["state"] == "Fulfilled", s.texts
    assert request_id in s.texts[0]
    assert "cancelled" in s.texts[0]
    s.say("show my meetings")
    assert "no pending or approved" in s.texts[0]


def test_spanish_full_request(server: Server) -> None:
    s = session(server, "es_US")
    ask_to_book(s, "reservar una reunión con Ana Pérez el viernes a las 10 por 30 minutos", "ana@example.com")
    question = s.texts[0]
    assert "vie 2026-11-20" in question
    assert "30 minutos" in question
    assert "Ana Pérez" in question
    s.say("sí")
    assert s.intent["state"] == "Fulfilled", s.texts
    assert REQUEST_ID.search(s.texts[0]) is not None
    assert "pendiente de aprobación" in s.texts[0]


@pytest.mark.parametrize(
    ("text", "slot", "words"),
    [
        (
            "reservar una reunión con Ana Pérez el 2026-11-10 a las 10 por 30 minutos",
            "MeetingDate",
            "ya pasó",
        ),
        ("reservar una reunión con Ana Pérez el sábado a las 10 por 30 minutos", "MeetingDate", "laborable"),
        (
            "reservar una reunión con Ana Pérez mañana a las 7 de la tarde por 30 minutos",
            "MeetingTime",
            "fuera del horario",
        ),
        ("reservar una reunión con Ana Pérez mañana a las 10 por 6 horas", "MeetingDuration", "de 15 a 240"),
    ],
)
def test_spanish_rule_breaks_are_reprompted_in_spanish(
    server: Server, text: str, slot: str, words: str
) -> None:
    s = session(server, "es_US")
    s.say(text)
    assert s.action == {"type": "ElicitSlot", "slotToElicit": slot}, s.texts
    assert s.intent["slots"][slot] is None
    assert words in s.texts[0]


def test_spanish_conflict_offers_buttons_and_a_click_books(server: Server) -> None:
    book(
        session(server, "es_US"),
        "reservar una reunión con Ana Pérez el lunes a las 11 de la mañana por 60 minutos",
        "ana@example.com",
        yes="sí",
    )
    s = session(server, "es_US")
    s.say("reservar una reunión con Luis Gómez el lunes a las 11:30 de la mañana por 30 minutos")
    assert s.action == {"type": "ElicitSlot", "slotToElicit": "MeetingTime"}, s.texts
    assert "ya están ocupadas" in s.texts[0]
    [card] = s.cards
    assert card["title"] == "Horarios libres"
    assert all(b["text"].startswith("lun ") for b in card["buttons"])
    take_first_offer(s, "luis@example.com", "sí")
    assert "pendiente de aprobación" in s.texts[0]


def test_spanish_list_and_cancel(server: Server) -> None:
    s = session(server, "es_US")
    request_id = book(
        s,
        "reservar una reunión con Ana Pérez el martes a las 3 de la tarde por 30 minutos",
        "ana@example.com",
        yes="sí",
    )
    s.say("mis reuniones")
    listing = "\n".join(s.texts)
    assert request_id in listing
    assert "pendiente de aprobación" in listing
    s.say("cancela la reunión del martes")
    assert s.action == {"type": "ConfirmIntent"}, s.texts
    s.say("sí")
    assert s.intent["state"] == "Fulfilled", s.texts
    assert request_id in s.texts[0]
    assert "cancelada" in s.texts[0]
    s.say("mis reuniones")
    assert "No tienes solicitudes" in s.texts[0]
