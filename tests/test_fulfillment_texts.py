"""Fulfillment texts: a message per broken rule in every locale, placeholders the checks fill, fallback."""

from __future__ import annotations

import random
import string
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fulfillment.scheduling import (
    Problem,
    SchedulingRules,
    Violation,
    check_date,
    check_duration,
    check_meeting,
    check_start,
)
from fulfillment.texts import RULES, MissingTextError, Texts, fill, rule_key
from tests.conftest import REPO

LOCALES = ("en_US", "es_US")
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=NY)  # a Wednesday
RULES_NY = SchedulingRules(host_zone=NY)
NO_WORKING_DAYS = SchedulingRules(host_zone=NY, working_days=frozenset())
WED, SAT = date(2026, 11, 18), date(2026, 11, 21)


def _problem(found: Problem | None) -> Problem:
    assert found is not None
    return found


PROBLEMS: list[Problem] = [
    _problem(check_date(date(2026, 11, 17), NY, NOW, RULES_NY)),
    _problem(check_date(date(2027, 6, 1), NY, NOW, RULES_NY)),
    _problem(check_date(SAT, NY, NOW, RULES_NY)),
    _problem(check_start(date(2026, 11, 19), time(8), NY, NOW, RULES_NY)),
    _problem(check_start(WED, time(10, 30), NY, NOW, RULES_NY)),
    _problem(check_start(WED, time(10, 30), NY, NOW, NO_WORKING_DAYS)),
    _problem(check_start(date(2027, 2, 16), time(16), NY, NOW, RULES_NY)),
    _problem(check_meeting(date(2026, 11, 19), time(16, 30), timedelta(hours=1), NY, NOW, RULES_NY)),
    _problem(check_duration(timedelta(minutes=5), RULES_NY)),
]
"""Problems from the real checks, at least one per Violation (TOO_SOON with and without "earliest")."""


@pytest.fixture(scope="module")
def texts() -> Texts:
    return Texts.load(REPO / "locales")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_the_cases_cover_every_violation() -> None:
    assert {p.violation for p in PROBLEMS} == set(Violation)
    too_soon = [p for p in PROBLEMS if p.violation is Violation.TOO_SOON]
    assert {"earliest" in p.details for p in too_soon} == {True, False}


def test_rules_table_has_only_known_keys(texts: Texts) -> None:
    known = {rule_key(p).removeprefix(f"{RULES}.") for p in PROBLEMS}
    for locale in LOCALES:
        assert set(texts.catalogs[locale]["Fulfillment"]["rules"]) == known, locale


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: f"{p.violation.name}-{sorted(p.details)}")
def test_every_rule_has_a_message_using_only_its_details(texts: Texts, locale: str, problem: Problem) -> None:
    key = rule_key(problem)
    own = texts.catalogs[locale]
    for part in key.split("."):
        own = own[part]  # the locale's own text, not the fallback
    variations = texts.variations(locale, key)
    assert 1 <= len(variations) <= 2
    for template in variations:
        assert placeholders(template) <= set(problem.details), template
        assert template.endswith("?"), template
    for seed in range(4):
        text = texts.rule_message(locale, problem, random.Random(seed))  # noqa: S311
        assert "{" not in text
        assert text in {fill(t, problem.details) for t in variations}


def test_rule_message_in_english(texts: Texts) -> None:
    problem = Problem(Violation.DURATION_OUT_OF_RANGE, "MeetingDuration", {"min": "15", "max": "240"})
    assert texts.rule_message("en_US", problem) == (
        "Meetings can last from 15 to 240 minutes. How long should this one be?"
    )


def test_spanish_for_es_us(texts: Texts) -> None:
    problem = Problem(Violation.DURATION_OUT_OF_RANGE, "MeetingDuration", {"min": "15", "max": "240"})
    assert texts.rule_message("es_US", problem) == (
        "Las reuniones pueden durar de 15 a 240 minutos. ¿Cuánto debe durar esta?"
    )
    problem = Problem(Violation.NON_WORKING_DAY, "MeetingDate", {"date": "2026-11-21", "weekday": "5"})
    assert (
        texts.rule_message("es_US", problem)
        == "El 2026-11-21 no es día laborable. ¿Qué otro día te queda bien?"
    )


def test_too_soon_states_the_earliest_start_when_known(texts: Texts) -> None:
    with_earliest, without = (p for p in PROBLEMS if p.violation is Violation.TOO_SOON)
    assert "11:00" in texts.rule_message("en_US", with_earliest)
    assert "2026-11-18" in texts.rule_message("en_US", with_earliest)
    assert texts.rule_message("en_US", without) == (
        "I need at least 60 minutes' notice to book a meeting. What later time works?"
    )


def test_both_zones(texts: Texts) -> None:
    assert (
        texts.both_zones("en_US", "10:00", "15:00", "Europe/London")
        == "10:00 your time (15:00 Europe/London)"
    )
    assert texts.both_zones("es_US", "10:00", "15:00", "Europe/London") == (
        "10:00 en tu hora (15:00 en Europe/London)"
    )


def test_unknown_locale_falls_back_to_english(texts: Texts) -> None:
    problem = Problem(Violation.DATE_IN_PAST, "MeetingDate", {"today": "2026-11-18"})
    assert texts.rule_message("fr_FR", problem) == texts.rule_message("en_US", problem)
    both = texts.message("de_DE", "Fulfillment.zones.both", time_user="9", time_host="14", host_zone="UTC")
    assert both == "9 your time (14 UTC)"


@pytest.fixture
def small(tmp_path: Path) -> Texts:
    (tmp_path / "en_US.toml").write_text(
        '[A]\nhello = ["Hi {name}, {unknown} stays.", "Hey {name}!"]\nonly_en = "English {x}"\n'
        "[A.table]\nkey = 1\n",
        encoding="utf-8",
    )
    (tmp_path / "es_US.toml").write_text('[A]\nhello = "Hola {name}."\n', encoding="utf-8")
    return Texts.load(tmp_path)


def test_first_variation_and_unknown_placeholders_stay_literal(small: Texts) -> None:
    assert small.message("en_US", "A.hello", name="Ana") == "Hi Ana, {unknown} stays."
    assert small.message("en_US", "A.hello") == "Hi {name}, {unknown} stays."


def test_rng_chooses_a_variation(small: Texts) -> None:
    rngs = [random.Random(seed) for seed in range(20)]  # noqa: S311
    seen = {small.message("en_US", "A.hello", rng, name="Ana") for rng in rngs}
    assert seen == {"Hi Ana, {unknown} stays.", "Hey Ana!"}


def test_locale_text_and_fallback_for_a_missing_key(small: Texts) -> None:
    assert small.message("es_US", "A.hello", name="Ana") == "Hola Ana."
    assert small.message("es_US", "A.only_en", x=1) == "English 1"


def test_a_key_no_locale_has_is_a_clear_key_error(small: Texts) -> None:
    with pytest.raises(KeyError) as caught:
        small.message("es_US", "A.nothing")
    assert isinstance(caught.value, MissingTextError)
    assert str(caught.value) == "no message 'A.nothing' in locale es_US or the fallback en_US"


def test_a_table_is_not_a_message(small: Texts) -> None:
    with pytest.raises(TypeError, match=r"locales/en_US.toml \[A.table\] is not a message"):
        small.message("en_US", "A.table")


def test_load_needs_the_fallback_and_valid_toml(tmp_path: Path) -> None:
    (tmp_path / "es_US.toml").write_text('a = "b"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"no en_US.toml"):
        Texts.load(tmp_path)
    (tmp_path / "en_US.toml").write_text("a = \n", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid TOML"):
        Texts.load(tmp_path)
