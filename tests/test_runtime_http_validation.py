"""The runtime's HTTP layer validates requests as Lex V2 does, before the runtime core is called.

Path parameters and body members are checked with Lex's wording, every problem is reported at once, the user's
text is never echoed back, and bodies that are not a JSON object (or are too large) are refused: all as 400
ValidationException, with the core never called.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.runtime.http import MAX_BODY_BYTES
from tests.runtime_http_support import (
    BASE,
    BOT,
    SESSION_URL,
    TEXT_URL,
    EchoRuntime,
    TestClient,
    assert_lex_error,
)

# Fixtures, imported by name so pytest finds them here (the redundant alias marks a deliberate re-export).
from tests.runtime_http_support import client as client
from tests.runtime_http_support import runtime as runtime

MUST = "failed to satisfy constraint: Member must"
ALIAS = f"/bots/{BOT}/botAliases"
PLAIN = {"contentType": "PlainText", "content": "m"}


def case(method: str, url: str, body: Any, expected: str, id: str) -> Any:
    return pytest.param(method, url, body, expected, id=id)


VALIDATION_CASES = [
    case("POST", "/bots/ABC/botAliases/A/botLocales/en_US/sessions/s1/text", {"text": "hi"},
         f"Value 'ABC' at 'botId' {MUST} have length greater than or equal to 10", "bot id short"),
    case("GET", f"/bots/{BOT}X/botAliases/A/botLocales/en_US/sessions/s1", None,
         f"at 'botId' {MUST} have length less than or equal to 10", "bot id long"),
    case("DELETE", "/bots/ABCDE-GHIJ/botAliases/A/botLocales/en_US/sessions/s1", None,
         f"at 'botId' {MUST} satisfy regular expression pattern: ^[0-9a-zA-Z]+$", "bot id pattern"),
    case("GET", f"{ALIAS}//botLocales/en_US/sessions/s1", None,
         f"at 'botAliasId' {MUST} have length greater than or equal to 1", "alias empty"),
    case("GET", f"{ALIAS}/A/botLocales//sessions/s1", None,
         f"at 'localeId' {MUST} have length greater than or equal to 1", "locale empty"),
    case("GET", f"{BASE}/s", None,
         f"Value 's' at 'sessionId' {MUST} have length greater than or equal to 2", "session id short"),
    case("GET", f"{BASE}/{'s' * 101}", None,
         f"at 'sessionId' {MUST} have length less than or equal to 100", "session id long"),
    case("POST", f"{BASE}/bad%20id/text", {"text": "hi"},
         f"Value 'bad id' at 'sessionId' {MUST} satisfy regular expression pattern: [0-9a-zA-Z._:-]+",
         "session id space"),
    case("POST", f"{BASE}/bad!id", {"sessionState": {}},
         f"at 'sessionId' {MUST} satisfy regular expression pattern", "session id bang"),
    case("POST", TEXT_URL, {},
         f"1 validation error detected: Value null at 'text' {MUST} not be null", "text missing"),
    case("POST", TEXT_URL, {"text": None}, f"Value null at 'text' {MUST} not be null", "text null"),
    case("POST", TEXT_URL, {"text": 42}, f"Value at 'text' {MUST} be a string", "text number"),
    case("POST", TEXT_URL, {"text": ""},
         f"Value at 'text' {MUST} have length greater than or equal to 1", "text empty"),
    case("POST", TEXT_URL, {"text": "x" * 1025},
         f"Value at 'text' {MUST} have length less than or equal to 1024", "text long"),
    case("POST", TEXT_URL, {"text": "hi", "sessionState": ["a"]},
         f"at 'sessionState' {MUST} be a structure", "state list"),
    case("POST", TEXT_URL, {"text": "hi", "sessionState": {"sessionAttributes": {"n": 1}}},
         f"at 'sessionState.sessionAttributes.n' {MUST} be a string", "session attribute number"),
    case("POST", TEXT_URL, {"text": "hi", "requestAttributes": ["a"]},
         f"at 'requestAttributes' {MUST} be a map of strings to strings", "request attributes list"),
    case("POST", TEXT_URL, {"text": "hi", "requestAttributes": {"a": {"nested": "x"}}},
         f"at 'requestAttributes.a' {MUST} be a string", "request attribute object"),
    case("POST", TEXT_URL, {"text": "hi", "requestAttributes": {"": "x"}},
         f"at 'requestAttributes' {MUST} have keys with length greater than or equal to 1", "empty key"),
    case("POST", SESSION_URL, {}, f"Value null at 'sessionState' {MUST} not be null", "put without state"),
    case("POST", SESSION_URL, {"sessionState": "Delegate"}, f"at 'sessionState' {MUST} be a structure",
         "put state string"),
    case("POST", SESSION_URL, {"sessionState": {}, "messages": PLAIN},
         f"at 'messages' {MUST} be a list", "messages object"),
    case("POST", SESSION_URL, {"sessionState": {}, "messages": [PLAIN] * 11},
         f"at 'messages' {MUST} have length less than or equal to 10", "11 messages"),
    case("POST", SESSION_URL, {"sessionState": {}, "messages": ["hello"]},
         f"at 'messages.1.member' {MUST} be a structure", "message string"),
    case("POST", SESSION_URL, {"sessionState": {}, "messages": [{"content": "hello"}]},
         f"Value null at 'messages.1.member.contentType' {MUST} not be null", "message without type"),
    case("POST", SESSION_URL, {"sessionState": {}, "messages": [PLAIN, {"contentType": "Audio"}]},
         f"Value 'Audio' at 'messages.2.member.contentType' {MUST} satisfy enum value set: "
         "[PlainText, CustomPayload, SSML, ImageResponseCard]", "message type unknown"),
    case("POST", SESSION_URL, {"sessionState": {}, "messages": [{**PLAIN, "content": "x" * 1025}]},
         f"at 'messages.1.member.content' {MUST} have length less than or equal to 1024", "message long"),
    case("POST", SESSION_URL,
         {"sessionState": {}, "messages": [{"contentType": "SSML", "imageResponseCard": "card"}]},
         f"at 'messages.1.member.imageResponseCard' {MUST} be a structure", "card string"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "url", "body", "expected"), VALIDATION_CASES)
def test_validation_errors_match_lex(
    client: TestClient, runtime: EchoRuntime, method: str, url: str, body: Any, expected: str
) -> None:
    response = client.request(method, url, json=body)

    message = assert_lex_error(response, "ValidationException", 400)
    assert expected in message
    assert runtime.calls == []


def test_all_validation_errors_are_reported_at_once(client: TestClient) -> None:
    response = client.post("/bots/abc/botAliases/A/botLocales/en_US/sessions/x/text", json={"text": ""})

    message = assert_lex_error(response, "ValidationException", 400)
    assert message.startswith("3 validation errors detected: Value 'abc' at 'botId'")
    assert "; Value 'x' at 'sessionId'" in message
    assert "; Value at 'text'" in message


def test_the_users_text_is_not_echoed_in_errors(client: TestClient) -> None:
    secret = "my card number is 4111 1111 1111 1111 " * 30

    message = assert_lex_error(client.post(TEXT_URL, json={"text": secret}), "ValidationException", 400)
    assert "4111" not in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "The request body is not valid JSON"),
        (b'{"text": NaN}', "The request body is not valid JSON: NaN is not a valid JSON value"),
        (b"\xff\xfe\xfa", "The request body is not valid JSON"),
        (b"[" * 10_000 + b"]" * 10_000, "The request body is not valid JSON"),
        (b'["text", "hi"]', "The request body must be a JSON object."),
        (b'"hi"', "The request body must be a JSON object."),
        (b" " * (MAX_BODY_BYTES + 1), f"The request body must be at most {MAX_BODY_BYTES} bytes."),
    ],
)
def test_bodies_that_are_not_a_json_object_are_rejected(
    client: TestClient, runtime: EchoRuntime, content: bytes, expected: str
) -> None:
    response = client.post(TEXT_URL, content=content, headers={"content-type": "application/json"})

    assert expected in assert_lex_error(response, "ValidationException", 400)
    assert runtime.calls == []


def test_body_limit_applies_without_content_length(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    response = client.post(TEXT_URL, content=chunks())

    assert "at most" in assert_lex_error(response, "ValidationException", 400)


def test_an_empty_body_is_an_empty_structure(client: TestClient) -> None:
    response = client.post(TEXT_URL, content=b"")

    assert "Value null at 'text'" in assert_lex_error(response, "ValidationException", 400)
