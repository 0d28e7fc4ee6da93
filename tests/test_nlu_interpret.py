"""Intent classification: ranking, score range, fallback, nonsense, normalisation, Spanish, determinism."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.model import Intent, Locale
from bot.runtime.nlu import IntentScore, train_locale
from tests.conftest import REPO
from tests.test_nlu_bots import FALLBACK, english, spanish, trained_english, trained_spanish


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hey, good morning to you", "Greeting"),
        ("could you book me a meeting with Emily tomorrow", "BookMeeting"),
        ("I want to schedule a call with Bob on Monday at noon", "BookMeeting"),
        ("what meetings have I got this week?", "ListMeetings"),
        ("show me the meetings on my calendar", "ListMeetings"),
        ("please cancel tomorrow's meeting", "CancelMeeting"),
        ("I can't make it to the meeting, call it off", "CancelMeeting"),
    ],
)
def test_paraphrases_not_in_training_get_the_right_intent(text: str, intent: str) -> None:
    # GIVEN a 4-intent bot  WHEN a paraphrase is interpreted  THEN its intent comes first
    scores = trained_english().interpret(text)
    assert scores[0].intent == intent
    assert scores[0].score >= 0.4


def test_scores_are_in_range_descending_and_limited() -> None:
    nlu = trained_english()
    for text in ["book a meeting with Jane", "hello", "purple monkey dishwasher", "", "?!"]:
        scores = nlu.interpret(text)
        assert 1 <= len(scores) <= 4
        assert all(isinstance(s, IntentScore) and 0.0 <= s.score <= 1.0 for s in scores)
        assert [s.score for s in scores] == sorted((s.score for s in scores), reverse=True)
    assert len(nlu.interpret("book a meeting", limit=2)) == 2
    assert nlu.interpret("book a meeting", limit=0) == []


def test_at_most_five_by_default_and_fallback_never_returned() -> None:
    # GIVEN a bot with 8 intents besides its FallbackIntent
    intents = tuple(
        Intent(name=f"Topic{i}", sample_utterances=(f"tell me about topic {word}", f"{word} info please"))
        for i, word in enumerate(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"])
    )
    nlu = train_locale(Locale(locale_id="en_US", intents=(FALLBACK, *intents)))
    # WHEN interpreting THEN five at most, never the fallback, even when asked for all
    assert len(nlu.interpret("tell me about delta")) == 5
    everything = nlu.interpret("something else entirely", limit=50)
    assert len(everything) == 8
    assert "FallbackIntent" not in {s.intent for s in everything}
    assert "FallbackIntent" not in nlu.intents


@pytest.mark.parametrize(
    "text", ["purple monkey dishwasher", "asdfgh", "qwertyuiop zxcv", "the quantum flux capacitor"]
)
def test_nonsense_scores_below_lex_default_threshold(text: str) -> None:
    assert trained_english().interpret(text)[0].score < 0.4


def test_nonsense_stays_low_even_on_a_two_intent_bot() -> None:
    # a plain softmax could not go below 1/2 here; the hidden "none" class can
    yes = Intent(
        name="Yes", sample_utterances=("yes", "yes please", "sure", "of course", "absolutely", "yeah")
    )
    no = Intent(name="No", sample_utterances=("no", "no thanks", "nope", "not at all", "never", "nah"))
    nlu = train_locale(Locale(locale_id="en_US", intents=(yes, no, FALLBACK)))
    assert nlu.interpret("purple monkey dishwasher")[0].score < 0.4
    assert nlu.interpret("yes sure")[0].intent == "Yes"
    assert nlu.interpret("yes sure")[0].score > 0.6


def test_in_domain_scores_well_above_threshold() -> None:
    nlu = trained_english()
    for text in [
        "book a meeting with John Smith on Friday",
        "list all my meetings",
        "cancel the meeting please",
    ]:
        assert nlu.interpret(text)[0].score > 0.7


def test_accents_case_and_punctuation_do_not_matter() -> None:
    nlu = trained_english()
    assert nlu.interpret("What\u2019s on my calendar?!") == nlu.interpret("whats on my calendar")
    assert nlu.interpret("  BOOK a meeting,   with JANE. ") == nlu.interpret("book a meeting with jane")
    es = trained_spanish()
    assert es.interpret("¿Qué tal?") == es.interpret("que tal")
    assert es.interpret("CANCELA MI REUNIÓN") == es.interpret("cancela mi reunion")


def test_every_training_utterance_scores_its_own_intent_highest() -> None:
    # GIVEN any sample utterance without placeholders, typed in any case or punctuation
    for locale, nlu in [(english(), trained_english()), (spanish(), trained_spanish())]:
        for intent in locale.intents:
            for utterance in intent.sample_utterances:
                if "{" in utterance:
                    continue
                # WHEN it is interpreted THEN its intent is first, with full confidence
                top = nlu.interpret(utterance.upper() + "!")[0]
                assert (top.intent, top.score) == (intent.name, 1.0), utterance


def test_duplicate_sample_goes_to_the_first_intent() -> None:
    a = Intent(name="A", sample_utterances=("status", "show the status", "what is the status"))
    b = Intent(
        name="B", sample_utterances=("status", "deploy status", "pipeline status", "is the deploy done")
    )
    nlu = train_locale(Locale(locale_id="en_US", intents=(a, b)))
    assert nlu.interpret("Status?")[0].intent == "A"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hola, buenas", "Saludo"),
        ("quiero una reunión con Pedro mañana", "Agendar"),
        ("por favor agenda una cita con Ana", "Agendar"),
        ("cancela la junta del viernes", "Cancelar"),
        ("ya no puedo ir, anula la reunión", "Cancelar"),
    ],
)
def test_spanish(text: str, intent: str) -> None:
    assert trained_spanish().interpret(text)[0].intent == intent


def test_deterministic_across_trainings() -> None:
    first, second = train_locale(english()), train_locale(english())
    for text in ["book a meeting with Jane", "hello there", "cancel it", "random words here"]:
        assert first.interpret(text) == second.interpret(text)
        assert first.interpret(text) == first.interpret(text)


def test_locales_without_trainable_intents() -> None:
    only_fallback = train_locale(Locale(locale_id="en_US", intents=(FALLBACK,)))
    assert only_fallback.interpret("hello") == []
    assert only_fallback.capture("FallbackIntent", "hello") == []
    # an intent with no sample utterances cannot be predicted (as in Lex)
    silent = Intent(name="CodeOnly")
    hello = Intent(name="Hello", sample_utterances=("hello", "hi"))
    nlu = train_locale(Locale(locale_id="en_US", intents=(silent, hello, FALLBACK)))
    assert [s.intent for s in nlu.interpret("hello")] == ["Hello"]


def test_single_intent_bot_can_still_say_no() -> None:
    hello = Intent(name="Hello", sample_utterances=("hello", "hi there", "good morning", "hey"))
    nlu = train_locale(Locale(locale_id="en_US", intents=(hello, FALLBACK)))
    assert nlu.interpret("hello")[0].score == 1.0
    assert nlu.interpret("purple monkey dishwasher")[0].score < 0.4


def test_import_is_cheap_and_does_nothing() -> None:
    # scipy (training only) and pydantic (the bot model) are not imported with the package
    code = "import sys, bot.runtime.nlu; print(sorted(m for m in ('scipy', 'pydantic') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_deterministic_across_processes() -> None:
    # string hashing differs between processes; the model must not depend on it
    code = (
        "from tests.test_nlu_bots import trained_english; "
        "print([(s.intent, s.score) for t in ('book a meeting with Jane', 'hello', 'purple monkey') "
        "for s in trained_english().interpret(t)])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    assert "BookMeeting" in outputs.pop()
