"""The real project bot through the NLU, and the held-out benchmark data staying unread."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bot.build import compile_project
from bot.runtime.nlu import LocaleNlu, train_locale
from bot.settings import BuildSettings
from tests.conftest import REPO
from tests.file_audit import opened_files, under

EN_US = [
    ("can you set up a call with John tomorrow", "ScheduleMeeting"),
    ("I'd like to meet with Sarah on Monday at 10am", "ScheduleMeeting"),
    ("what alarms fired today", "RecentAlarms"),
    ("are any alarms going off right now", "RecentAlarms"),
    ("please cancel my meeting on Thursday", "CancelMeeting"),
    ("which meetings do I have this week?", "ListMyMeetings"),
    ("is the payments pipeline green?", "DeployStatus"),
    ("did the deploy of checkout fail", "DeployStatus"),
    ("take a backup of the users database", "TriggerBackup"),
    ("did my database backup finish?", "BackupStatus"),
    ("good morning!", "Greeting"),
    ("what can I do here?", "Help"),
]
ES_US = [
    ("hola", "Greeting"),
    ("buenas tardes, ¿cómo estás?", "Greeting"),
    ("¿se terminó mi respaldo?", "BackupStatus"),
    ("agenda una reunión con Juan mañana a las 10", "ScheduleMeeting"),
    ("cancela mi junta del jueves", "CancelMeeting"),
    ("¿qué reuniones tengo esta semana?", "ListMyMeetings"),
    ("¿cómo va el despliegue de pagos?", "DeployStatus"),
    ("haz un respaldo de la base usuarios", "TriggerBackup"),
    ("¿hay alarmas sonando ahorita?", "RecentAlarms"),
    ("¿qué puedes hacer?", "Help"),
]


@pytest.fixture(scope="module")
def project() -> dict[str, LocaleNlu]:
    bot = compile_project(Path(REPO), BuildSettings())
    return {locale.locale_id: train_locale(locale) for locale in bot.locales}


@pytest.mark.parametrize(
    ("locale_id", "text", "intent"), [("en_US", *c) for c in EN_US] + [("es_US", *c) for c in ES_US]
)
def test_realistic_utterances(project: dict[str, LocaleNlu], locale_id: str, text: str, intent: str) -> None:
    top = project[locale_id].interpret(text)[0]
    assert top.intent == intent
    assert top.score >= 0.4


def test_nonsense_falls_below_the_bot_threshold(project: dict[str, LocaleNlu]) -> None:
    assert project["en_US"].interpret("purple monkey dishwasher")[0].score < 0.4
    assert project["es_US"].interpret("mono morado lavaplatos")[0].score < 0.4


def test_captures_on_the_project_bot(project: dict[str, LocaleNlu]) -> None:
    en = project["en_US"]
    best = en.capture("ScheduleMeeting", "Book a meeting with Jane Doe on Friday at 3pm")[0]
    assert dict(best.slots) == {"AttendeeName": "Jane Doe", "MeetingDate": "Friday", "MeetingTime": "3pm"}
    # no sample reads "book a meeting with {AttendeeName}", but "i'd like to book a meeting with {...}" does
    assert dict(en.capture("ScheduleMeeting", "Book a meeting with Jane Doe")[0].slots) == {
        "AttendeeName": "Jane Doe"
    }
    assert en.capture("CancelMeeting", "cancel request 01HZX3K5Q9W8E7R6T5Y4U3I2O1")[0].slots == {
        "RequestId": "01HZX3K5Q9W8E7R6T5Y4U3I2O1"
    }
    assert en.capture_slot("ScheduleMeeting", "AttendeeName", "it's with Jane Doe")[0] == "Jane Doe"
    topic = project["es_US"].capture_slot("ScheduleMeeting", "MeetingTopic", "es sobre la revisión de diseño")
    assert topic[0] == "la revisión de diseño"


def test_nothing_reads_the_held_out_benchmark(shared_dir: Path) -> None:
    # GIVEN every file opened while training, interpreting and loading the quick benchmark's data
    spec = importlib.util.spec_from_file_location("nlu_quick", REPO / "bench" / "nlu_quick.py")
    assert spec is not None
    assert spec.loader is not None
    quick = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(quick)
    with opened_files() as opened:
        train, val, _, _ = quick.load(shared_dir)
        nlu = train_locale(quick.locale_from(train[:3000]))
        nlu.interpret(val[0][0])
        nlu.capture(val[0][1], val[0][0])
    # THEN the CLINC150 train/validation files were read, and nothing under shared/bench
    assert any(p.endswith("clinc150/train.json") for p in opened)
    assert not under(opened, shared_dir / "bench")
    sources = [*sorted((REPO / "bot" / "runtime" / "nlu").glob("*.py")), REPO / "bench" / "nlu_quick.py"]
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert '"bench"' not in text, source
        assert "test.json" not in text, source
