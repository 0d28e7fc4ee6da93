"""One broken spec per rule: the build fails and the message names the file, the part and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.build import compile_project
from bot.errors import InvalidBot
from bot.settings import BuildSettings
from tests.conftest import EN, ES, SPECS, ProjectFactory


def problems_of(root: Path, settings: BuildSettings | None = None) -> list[str]:
    with pytest.raises(InvalidBot) as caught:
        compile_project(root, settings or BuildSettings())
    return [str(p) for p in caught.value.problems]


def only(problems: list[str], needle: str) -> str:
    matching = [p for p in problems if needle in p]
    assert len(matching) == 1, f"expected one problem containing {needle!r}, got {problems}"
    return matching[0]


def test_the_tiny_project_is_valid(make_project: ProjectFactory) -> None:
    # GIVEN the untouched fixture WHEN it is compiled THEN both locales resolve with all intents
    bot = compile_project(make_project(), BuildSettings())
    assert [loc.locale_id for loc in bot.locales] == ["en_US", "es_US"]
    book = bot.locales[1].intent("Book")
    assert book is not None
    assert book.confirmation is not None
    assert book.confirmation.prompt.message_groups[0].message.plain_text == "¿Reservo con {Who} el {When}?"


def test_invalid_intent_name(make_project: ProjectFactory) -> None:
    root = make_project(specs=SPECS.replace('name="Greet"', 'name="Greet me"'))
    problem = only(problems_of(root), "Greet me")
    assert problem.startswith("intents/tiny.py: en_US, es_US > intent Greet me:")
    assert "letters or digits" in problem


def test_name_longer_than_100_characters(make_project: ProjectFactory) -> None:
    long_name = "B" * 101
    root = make_project(specs=SPECS.replace('name="Book"', f'name="{long_name}"'))
    assert "1-100 letters" in only(problems_of(root), f"en_US, es_US > intent {long_name}:")


def test_utterance_longer_than_500_characters(make_project: ProjectFactory) -> None:
    long = "hello " * 90
    root = make_project(en=EN.replace('"hi there"', f'"{long.strip()}"'))
    problem = only(problems_of(root), "characters; the limit is 500")
    assert problem.startswith(
        "locales/en_US.toml [Greet.utterances]: en_US > intent Greet > sampleUtterances"
    )


def test_more_than_1500_utterances(make_project: ProjectFactory) -> None:
    many = ", ".join(f'"hello number {n}"' for n in range(1501))
    root = make_project(en=EN.replace('utterances = ["hello", "hi there"]', f"utterances = [{many}]"))
    assert "locales/en_US.toml [Greet.utterances]" in only(problems_of(root), "1501 utterances")


def test_more_than_100_slots(make_project: ProjectFactory) -> None:
    slots = ", ".join(
        f'SlotSpec(name="S{n}", slot_type="AMAZON.Number", prompt=ask("Book.who"))' for n in range(101)
    )
    root = make_project(specs=SPECS.replace("slots=(\n", f"slots=({slots},\n", 1))
    problem = only(problems_of(root), "slots; the limit is 100")
    assert problem.startswith("intents/tiny.py: en_US, es_US > intent Book: 103 slots")


def test_more_than_5_buttons(make_project: ProjectFactory) -> None:
    six = ", ".join(['ButtonSpec(text="Greet.book", value="Greet.book")'] * 6)
    root = make_project(
        specs=SPECS.replace(
            'buttons=(ButtonSpec(text="Greet.book", value="Greet.book"),)', f"buttons=({six})"
        )
    )
    problem = only(problems_of(root), "en_US > intent Greet > closing > message 2 > card")
    assert "6 buttons; a card holds at most 5" in problem
    assert problem.startswith("locales/en_US.toml [Greet.card]")


def test_button_text_longer_than_50(make_project: ProjectFactory) -> None:
    root = make_project(en=EN.replace('book = "Book a meeting"', f'book = "{"x" * 51}"'))
    problem = only(problems_of(root), "button text")
    assert problem.startswith(
        "locales/en_US.toml [Greet.book]: en_US > intent Greet > closing > message 2 > card"
    )
    assert "must be 1..50 characters" in problem


def test_message_longer_than_1000_characters(make_project: ProjectFactory) -> None:
    root = make_project(en=EN.replace('who = "With whom?"', f'who = "{"w" * 1001}"'))
    problem = only(problems_of(root), "1001 characters")
    assert problem.startswith(
        "locales/en_US.toml [Book.who]: en_US > intent Book > slot Who > prompt > message 1"
    )


def test_utterance_placeholder_that_names_no_slot(make_project: ProjectFactory) -> None:
    root = make_project(es=ES.replace('el {When}"]', 'el {Cuando}"]'))
    problem = only(problems_of(root), "{Cuando}")
    assert problem.startswith("locales/es_US.toml [Book.utterances]: es_US > intent Book > sampleUtterances")
    assert "not a slot of this intent" in problem


def test_message_placeholder_that_names_no_slot(make_project: ProjectFactory) -> None:
    root = make_project(en=EN.replace("on {When}?", "at {Time}?"))
    problem = only(problems_of(root), "{Time}")
    assert problem.startswith("locales/en_US.toml [Book.confirm]: en_US > intent Book > confirmation")


def test_slot_type_used_but_not_defined(make_project: ProjectFactory) -> None:
    root = make_project(specs=SPECS.replace('slot_type="Person"', 'slot_type="Human"'))
    problem = only(problems_of(root), "'Human'")
    assert problem.startswith("intents/tiny.py: en_US, es_US > intent Book > slot Who > slotType:")


def test_slot_priority_naming_an_unknown_slot(make_project: ProjectFactory) -> None:
    root = make_project(
        specs=SPECS.replace(
            "dialog_code_hook=True,", 'dialog_code_hook=True, slot_priorities=("When", "Whom"),'
        )
    )
    problems = problems_of(root)
    assert "'Whom', which is not a slot" in only(
        problems, "en_US, es_US > intent Book > slotPriorities: priority names"
    )
    assert "slots without a priority: Who" in only(
        problems, "en_US, es_US > intent Book > slotPriorities: slots without"
    )


def test_key_missing_in_one_locale(make_project: ProjectFactory) -> None:
    root = make_project(es=ES.replace('declined = "De acuerdo, no la reservo."\n', ""))
    problem = only(problems_of(root), "missing key")
    assert (
        problem
        == "locales/es_US.toml: es_US > intent Book > declination > message 1: missing key 'Book.declined'"
    )


def test_locale_without_a_text_file(make_project: ProjectFactory) -> None:
    problem = only(problems_of(make_project(es=None)), "no text file")
    assert problem.startswith("locales/es_US.toml: es_US")


def test_unsupported_locale_id(make_project: ProjectFactory) -> None:
    root = make_project(specs=SPECS.replace('"es_US"', '"xx_XX"'), extra={"locales/xx_XX.toml": ES})
    problem = only(problems_of(root), "unsupported locale id 'xx_XX'")
    assert problem.startswith("intents/tiny.py: xx_XX")


def test_same_utterance_in_two_intents(make_project: ProjectFactory) -> None:
    root = make_project(en=EN.replace('"hi there"', '"Book a meeting  with {Who}"'))
    problems = problems_of(root)
    problem = only(problems, "is also an utterance")
    assert (
        "en_US > intent Book > sampleUtterances: "
        "'book a meeting with {who}' is also an utterance of intent Greet" in problem
    )


def test_more_than_3_variations(make_project: ProjectFactory) -> None:
    root = make_project(en=EN.replace('reply = ["Hello!", "Hi!"]', 'reply = ["a", "b", "c", "d"]'))
    assert "at most 3 variations" in only(problems_of(root), "locales/en_US.toml [Greet.reply]")


def test_max_retries_out_of_range(make_project: ProjectFactory) -> None:
    root = make_project(specs=SPECS.replace('ask("Book.when")', 'ask("Book.when", retries=6)'))
    problems = problems_of(root)
    assert "en_US, es_US > intent Book > slot When > prompt: maxRetries is 6" in only(problems, "maxRetries")


def test_fallback_intent_with_utterances(make_project: ProjectFactory) -> None:
    specs = SPECS.replace(
        'parent="AMAZON.FallbackIntent",', 'parent="AMAZON.FallbackIntent", utterances="Greet.utterances",'
    )
    problems = problems_of(make_project(specs=specs))
    assert any("FallbackIntent cannot have sample utterances" in p for p in problems)


def test_locale_without_fallback_intent(make_project: ProjectFactory) -> None:
    specs = SPECS.replace(
        'IntentSpec(name="FallbackIntent", parent="AMAZON.FallbackIntent", closing=say("Fallback.reply")),',
        "",
    )
    assert "no FallbackIntent" in only(
        problems_of(make_project(specs=specs)), "en_US, es_US: no FallbackIntent"
    )


def test_slot_type_without_values_or_regex(make_project: ProjectFactory) -> None:
    root = make_project(
        en=EN.replace('[Person.values]\n"Jane Doe" = ["Jane"]\n"John Smith" = []', "[Person]\nvalues = []")
    )
    problem = only(problems_of(root), "no values")
    assert problem.startswith("locales/en_US.toml [Person.values]: en_US > slot type Person > values")


def test_description_longer_than_lex_allows(make_project: ProjectFactory) -> None:
    root = make_project(
        specs=SPECS.replace('BotSpec(name="Tiny",', f'BotSpec(name="Tiny", description="{"d" * 2001}",')
    )
    assert "the limit is 2000" in only(problems_of(root), "description is 2001 characters")


def test_toml_syntax_error_names_the_line(make_project: ProjectFactory) -> None:
    root = make_project(en=EN.replace('who = "With whom?"', "who = With whom?"))
    problems = problems_of(root)
    syntax = only(problems, "not valid TOML")
    assert syntax.startswith("locales/en_US.toml: ")
    assert "line" in syntax


def test_spec_module_error_names_file_and_line(make_project: ProjectFactory) -> None:
    root = make_project(specs=SPECS.replace('slot_type="AMAZON.Date"', "slot_type=42"))
    problem = only(problems_of(root), "SlotSpec")
    assert problem.startswith("intents/tiny.py:")
    assert "slot_type" in problem
    assert "valid string" in problem


def test_unknown_configuration_source(make_project: ProjectFactory) -> None:
    specs = SPECS.replace('values="Person.values"', 'values_from="people", regex="[a-z]+"')
    problems = problems_of(make_project(specs=specs))
    assert "en_US, es_US > slot type Person > values_from: unknown setting 'people'" in only(
        problems, "values_from"
    )


def test_every_problem_is_listed_not_only_the_first(make_project: ProjectFactory) -> None:
    # GIVEN three unrelated mistakes in three places
    specs = SPECS.replace('name="Greet"', 'name="Greet me"').replace(
        'slot_type="Person"', 'slot_type="Human"'
    )
    es = ES.replace('declined = "De acuerdo, no la reservo."\n', "")
    problems = problems_of(make_project(specs=specs, es=es))
    # THEN all of them are reported together
    assert any("Greet me" in p for p in problems)
    assert any("'Human'" in p for p in problems)
    assert any("missing key 'Book.declined'" in p for p in problems)


@pytest.mark.parametrize("regex", ["[a-z]+", "[a-z]*", "a.b", "[a-z]{2,}", "[a-z"])
def test_regex_filter_outside_lex_dialect(make_project: ProjectFactory, regex: str) -> None:
    specs = SPECS.replace('values="Person.values"', f'regex="{regex}"')
    problem = only(problems_of(make_project(specs=specs)), "regex")
    assert problem.startswith("intents/tiny.py: en_US, es_US > slot type Person > regex:")


def test_regex_filter_in_lex_dialect_is_accepted(make_project: ProjectFactory) -> None:
    specs = SPECS.replace('values="Person.values"', r'regex=r"[A-Za-z\u002D]{1,30}"')
    bot = compile_project(make_project(specs=specs), BuildSettings())
    person = bot.locales[0].slot_type("Person")
    assert person is not None
    assert person.regex_filter == r"[A-Za-z\u002D]{1,30}"
