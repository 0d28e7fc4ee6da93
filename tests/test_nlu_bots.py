"""Small hand-built locales (and their trained NLU, cached) shared by the ``test_nlu_*`` modules.

No tests here: the file is named like them only to sit with them.
"""

from __future__ import annotations

from functools import cache

from bot.model import FALLBACK_SIGNATURE, Intent, Locale, Slot, SlotType, SlotTypeValue
from bot.runtime.nlu import LocaleNlu, train_locale

FALLBACK = Intent(name="FallbackIntent", parent_intent_signature=FALLBACK_SIGNATURE)

PERSON = SlotType(
    name="PersonName",
    values=(
        SlotTypeValue(value="Jane Doe", synonyms=("Jane",)),
        SlotTypeValue(value="John Smith"),
        SlotTypeValue(value="Emily Johnson"),
    ),
)


def slot(name: str, slot_type: str, *samples: str) -> Slot:
    return Slot(name=name, slot_type_name=slot_type, prompt=None, sample_utterances=samples)


def english() -> Locale:
    """Greeting, BookMeeting (with slots), ListMeetings, CancelMeeting, and the fallback."""
    greeting = Intent(
        name="Greeting",
        sample_utterances=(
            "hi",
            "hello",
            "hey there",
            "good morning",
            "good afternoon",
            "good evening",
            "hi there",
            "hello bot",
            "howdy",
            "greetings",
            "hey how are you",
            "what's up",
        ),
    )
    book = Intent(
        name="BookMeeting",
        sample_utterances=(
            "book a meeting",
            "schedule a meeting",
            "set up a meeting",
            "i need to book a meeting",
            "can you schedule a meeting for me",
            "book a meeting with {AttendeeName}",
            "schedule a meeting with {AttendeeName}",
            "set up a call with {AttendeeName}",
            "book a meeting with {AttendeeName} on {MeetingDate}",
            "book a meeting with {AttendeeName} on {MeetingDate} at {MeetingTime}",
            "meet {AttendeeName} at {MeetingTime}",
            "arrange a meeting on {MeetingDate}",
            "i want to meet with {AttendeeName}",
            "find time with {AttendeeName} on {MeetingDate}",
        ),
        slots=(
            slot("AttendeeName", "PersonName", "with {AttendeeName}", "my name is {AttendeeName}"),
            slot("MeetingDate", "AMAZON.Date"),
            slot("MeetingTime", "AMAZON.Time"),
        ),
    )
    listing = Intent(
        name="ListMeetings",
        sample_utterances=(
            "show my meetings",
            "list my meetings",
            "what meetings do i have",
            "my meetings",
            "do i have any meetings",
            "show me my upcoming meetings",
            "what's on my calendar",
            "which meetings are scheduled",
            "any meetings coming up",
            "show my schedule",
            "what is on my agenda",
            "list upcoming meetings",
        ),
    )
    cancel = Intent(
        name="CancelMeeting",
        sample_utterances=(
            "cancel my meeting",
            "cancel a meeting",
            "please cancel the meeting",
            "i need to cancel a meeting",
            "call off my meeting",
            "drop my meeting",
            "remove my meeting",
            "delete the meeting",
            "cancel the meeting on {MeetingDate}",
            "cancel my meeting with {AttendeeName}",
            "i can't make my meeting",
            "scrap the meeting",
        ),
        slots=(slot("MeetingDate", "AMAZON.Date"), slot("AttendeeName", "PersonName")),
    )
    return Locale(
        locale_id="en_US", intents=(greeting, book, listing, cancel, FALLBACK), slot_types=(PERSON,)
    )


def spanish() -> Locale:
    greeting = Intent(
        name="Saludo",
        sample_utterances=(
            "hola",
            "buenos días",
            "buenas tardes",
            "buenas noches",
            "qué tal",
            "hola cómo estás",
        ),
    )
    book = Intent(
        name="Agendar",
        sample_utterances=(
            "agendar una reunión",
            "quiero agendar una reunión",
            "programa una junta",
            "agenda una reunión con {Persona}",
            "necesito una cita con {Persona} el {Fecha}",
            "reserva una reunión para el {Fecha}",
        ),
        slots=(slot("Persona", "AMAZON.FirstName"), slot("Fecha", "AMAZON.Date")),
    )
    cancel = Intent(
        name="Cancelar",
        sample_utterances=(
            "cancela mi reunión",
            "cancelar la junta",
            "ya no puedo ir a la reunión",
            "anula mi cita",
            "borra la reunión del {Fecha}",
        ),
        slots=(slot("Fecha", "AMAZON.Date"),),
    )
    return Locale(locale_id="es_US", intents=(greeting, book, cancel, FALLBACK))


@cache
def trained_english() -> LocaleNlu:
    return train_locale(english())


@cache
def trained_spanish() -> LocaleNlu:
    return train_locale(spanish())
