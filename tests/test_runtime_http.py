"""The runtime's HTTP layer speaks Lex V2's wire format: validation, errors, and what boto3 really sees.

A small echoing fake stands in for the runtime core, so these tests pin the HTTP contract alone. The last
group runs the real boto3 client against a real uvicorn server: that is the compatibility that matters.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import uvicorn
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError
from starlette.exceptions import StarletteDeprecationWarning

from bot.runtime import errors
from bot.runtime.api import SessionTarget
from bot.runtime.http import MAX_BODY_BYTES, create_app

with warnings.catch_warnings():  # Starlette 1.x asks for "httpx2"; the dev extra provides httpx, which works
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

BOT = "ABCDEFGHIJ"
BASE = f"/bots/{BOT}/botAliases/TSTALIASID/botLocales/en_US/sessions"
TEXT_URL = f"{BASE}/user-1/text"
SESSION_URL = f"{BASE}/user-1"
ERROR_CLASSES = [
    errors.ValidationException,
    errors.AccessDeniedException,
    errors.ResourceNotFoundException,
    errors.ConflictException,
    errors.DependencyFailedException,
    errors.ThrottlingException,
    errors.InternalServerException,
]


class EchoRuntime:
    """A RuntimeApi that echoes its input, remembers sessions, and raises a chosen error on demand.

    Text ``raise:<ErrorCode>`` makes recognize_text raise that LexRuntimeError subclass.
    """

    def __init__(self) -> None:
        self.sessions: dict[SessionTarget, dict[str, Any]] = {}
        self.calls: list[tuple[str, SessionTarget, tuple[Any, ...]]] = []
        self.last_result: dict[str, Any] = {}

    def recognize_text(
        self,
        target: SessionTarget,
        text: str,
        session_state: dict[str, Any] | None,
        request_attributes: dict[str, str] | None,
    ) -> dict[str, Any]:
        self.calls.append(("recognize_text", target, (text, session_state, request_attributes)))
        if text.startswith("raise:"):
            raise getattr(errors, text.removeprefix("raise:"))(f"asked to fail: {text}")
        state = session_state or self.sessions.get(target) or {"dialogAction": {"type": "ElicitIntent"}}
        self.sessions[target] = state
        result: dict[str, Any] = {
            "messages": [{"contentType": "PlainText", "content": f"You said: {text}"}],
            "sessionState": state,
            "interpretations": [{"intent": {"name": "FallbackIntent", "slots": {}}}],
            "sessionId": target.session_id,
        }
        if request_attributes is not None:
            result["requestAttributes"] = request_attributes
        self.last_result = result
        return result

    def put_session(
        self,
        target: SessionTarget,
        session_state: dict[str, Any],
        messages: list[dict[str, Any]] | None,
        request_attributes: dict[str, str] | None,
    ) -> dict[str, Any]:
        self.calls.append(("put_session", target, (session_state, messages, request_attributes)))
        self.sessions[target] = session_state
        self.last_result = {
            "messages": messages,
            "sessionState": session_state,
            "requestAttributes": request_attributes,
            "sessionId": target.session_id,
        }
        return self.last_result

    def get_session(self, target: SessionTarget) -> dict[str, Any]:
        self.calls.append(("get_session", target, ()))
        if target not in self.sessions:
            raise errors.ResourceNotFoundException(f"Session {target.session_id} does not exist.")
        return {"sessionId": target.session_id, "messages": [], "sessionState": self.sessions[target]}

    def delete_session(self, target: SessionTarget) -> dict[str, Any]:
        self.calls.append(("delete_session", target, ()))
        if self.sessions.pop(target, None) is None:
            raise errors.ResourceNotFoundException(f"Session {target.session_id} does not exist.")
        return {
            "botId": target.bot_id,
            "botAliasId": target.alias_id,
            "localeId": target.locale_id,
            "sessionId": target.session_id,
        }

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "sessions": len(self.sessions)}


class RaisingRuntime:
    """Every operation raises the same exception."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def recognize_text(self, *args: Any) -> dict[str, Any]:
        raise self.exc

    def put_session(self, *args: Any) -> dict[str, Any]:
        raise self.exc

    def get_session(self, *args: Any) -> dict[str, Any]:
        raise self.exc

    def delete_session(self, *args: Any) -> dict[str, Any]:
        raise self.exc

    def health(self) -> dict[str, Any]:
        raise self.exc


def decode_header(value: str) -> Any:
    """How SDK users decode PutSession's headers: base64, then gunzip, then JSON."""
    return json.loads(gzip.decompress(base64.b64decode(value)))


def assert_lex_error(response: Any, code: str, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["x-amzn-ErrorType"] == code
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["message"]
    message: str = body["message"]
    return message


@pytest.fixture
def runtime() -> EchoRuntime:
    return EchoRuntime()


@pytest.fixture
def client(runtime: EchoRuntime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as test_client:
        yield test_client


# -- the happy paths ----------------------------------------------------------------------------------


@pytest.mark.parametrize("offload", [True, False])
def test_recognize_text_returns_the_core_answer_as_json(runtime: EchoRuntime, offload: bool) -> None:
    body = {
        "text": "book a meeting",
        "sessionState": {"sessionAttributes": {"team": "platform"}},
        "requestAttributes": {"channel": "web"},
    }
    with TestClient(create_app(runtime, offload=offload)) as client:
        response = client.post(TEXT_URL, json=body)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == runtime.last_result
    target = SessionTarget(BOT, "TSTALIASID", "en_US", "user-1")
    assert runtime.calls == [
        ("recognize_text", target, ("book a meeting", body["sessionState"], {"channel": "web"}))
    ]


def test_every_response_has_a_fresh_request_id(client: TestClient) -> None:
    responses = [
        client.post(TEXT_URL, json={"text": "hi"}),
        client.get("/health"),
        client.get(SESSION_URL.replace("user-1", "nobody")),
        client.get("/no/such/page"),
    ]

    ids = [r.headers["x-amzn-RequestId"] for r in responses]
    assert all(uuid.UUID(i).version == 4 for i in ids)
    assert len(set(ids)) == len(ids)


def test_session_ids_may_contain_colons_dots_and_dashes(client: TestClient, runtime: EchoRuntime) -> None:
    session_id = "us-east-1:7d1f.a_b-c"

    response = client.post(f"{BASE}/{session_id}/text", json={"text": "hi"})

    assert response.status_code == 200
    assert response.json()["sessionId"] == session_id


def test_text_length_counts_utf16_code_units_like_lex(client: TestClient) -> None:
    assert client.post(TEXT_URL, json={"text": "📅" * 512}).status_code == 200
    assert client.post(TEXT_URL, json={"text": "é" * 1024}).status_code == 200
    message = assert_lex_error(client.post(TEXT_URL, json={"text": "📅" * 513}), "ValidationException", 400)
    assert "less than or equal to 1024" in message


def test_put_session_answers_in_gzip_base64_headers_with_an_empty_body(
    client: TestClient, runtime: EchoRuntime
) -> None:
    body = {
        "sessionState": {"dialogAction": {"type": "ElicitIntent"}, "sessionAttributes": {"a": "ü"}},
        "messages": [{"contentType": "PlainText", "content": "Welcome back!"}],
        "requestAttributes": {"x": "y"},
    }

    response = client.post(SESSION_URL, json=body)

    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-amz-lex-session-id"] == "user-1"
    assert decode_header(response.headers["x-amz-lex-session-state"]) == body["sessionState"]
    assert decode_header(response.headers["x-amz-lex-messages"]) == body["messages"]
    assert decode_header(response.headers["x-amz-lex-request-attributes"]) == {"x": "y"}


def test_put_session_omits_headers_for_absent_values(client: TestClient) -> None:
    response = client.post(SESSION_URL, json={"sessionState": {}})

    assert response.status_code == 200
    assert decode_header(response.headers["x-amz-lex-session-state"]) == {}
    assert "x-amz-lex-messages" not in response.headers
    assert "x-amz-lex-request-attributes" not in response.headers


@pytest.mark.parametrize(
    ("requested", "answered"),
    [
        ("audio/mpeg", "text/plain; charset=utf-8"),
        ("audio/pcm", "text/plain; charset=utf-8"),
        ("text/plain; charset=utf-8", "text/plain; charset=utf-8"),
    ],
)
def test_put_session_never_answers_audio(client: TestClient, requested: str, answered: str) -> None:
    response = client.post(SESSION_URL, json={"sessionState": {}}, headers={"ResponseContentType": requested})

    assert response.status_code == 200
    assert response.headers["content-type"] == answered
    assert response.content == b""


def test_get_and_delete_session(client: TestClient) -> None:
    client.post(SESSION_URL, json={"sessionState": {"sessionAttributes": {"k": "v"}}})

    got = client.get(SESSION_URL)
    deleted = client.delete(SESSION_URL)
    gone = client.get(SESSION_URL)

    assert got.status_code == 200
    assert got.json()["sessionState"] == {"sessionAttributes": {"k": "v"}}
    assert deleted.json() == {
        "botId": BOT,
        "botAliasId": "TSTALIASID",
        "localeId": "en_US",
        "sessionId": "user-1",
    }
    assert_lex_error(gone, "ResourceNotFoundException", 404)


def test_health(client: TestClient) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "sessions": 0}


# -- validation ---------------------------------------------------------------------------------------

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


# -- routing --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", f"{BASE}/user-1/conversation"),
        ("POST", f"{BASE}/user-1/utterance"),
        ("GET", TEXT_URL),
        ("PUT", SESSION_URL),
        ("PATCH", SESSION_URL),
        ("GET", f"/bots/{BOT}"),
        ("GET", "/bots"),
        ("GET", "/bots/"),
        ("POST", f"{SESSION_URL}/"),
    ],
)
def test_unknown_lex_operations_answer_resource_not_found(client: TestClient, method: str, url: str) -> None:
    response = client.request(method, url)

    assert "No Lex V2 runtime operation matches" in assert_lex_error(
        response, "ResourceNotFoundException", 404
    )


def test_other_unknown_paths_are_plain_json_404(client: TestClient) -> None:
    response = client.get("/nope")

    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}
    assert "x-amzn-ErrorType" not in response.headers


def test_wrong_method_outside_lex_is_plain_405(client: TestClient) -> None:
    response = client.post("/health")

    assert response.status_code == 405
    assert response.json() == {"message": "Method Not Allowed"}
    assert "GET" in response.headers["allow"]


# -- errors raised by the core ----------------------------------------------------------------------------

OPERATIONS = [
    ("POST", TEXT_URL, {"text": "hi"}),
    ("POST", SESSION_URL, {"sessionState": {}}),
    ("GET", SESSION_URL, None),
    ("DELETE", SESSION_URL, None),
    ("GET", "/health", None),
]


def test_the_error_list_covers_every_lex_runtime_error() -> None:
    assert set(ERROR_CLASSES) == set(errors.LexRuntimeError.__subclasses__())


@pytest.mark.parametrize("error_class", ERROR_CLASSES)
@pytest.mark.parametrize(("method", "url", "body"), OPERATIONS)
def test_core_errors_map_to_their_code_and_status(
    error_class: type[errors.LexRuntimeError], method: str, url: str, body: Any
) -> None:
    with TestClient(create_app(RaisingRuntime(error_class("the core says no")))) as client:
        response = client.request(method, url, json=body)

    assert assert_lex_error(response, error_class.code, error_class.status) == "the core says no"


@pytest.mark.parametrize(("method", "url", "body"), OPERATIONS)
def test_unexpected_core_errors_are_500_without_details(
    caplog: pytest.LogCaptureFixture, method: str, url: str, body: Any
) -> None:
    boom = RuntimeError("secret detail at /srv/meety/dialog.py line 12")
    app = create_app(RaisingRuntime(boom))
    with TestClient(app) as client, caplog.at_level(logging.ERROR, logger="bot.runtime.http"):
        response = client.request(method, url, json=body)

    message = assert_lex_error(response, "InternalServerException", 500)
    assert message == "An internal error occurred. Try your request again."
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert "secret detail" in caplog.text
    assert response.headers["x-amzn-RequestId"] in caplog.text


def test_a_response_the_core_cannot_serialise_is_a_500(runtime: EchoRuntime) -> None:
    runtime.health = lambda: {"score": float("nan")}  # type: ignore[method-assign]
    with TestClient(create_app(runtime)) as client:
        response = client.get("/health")

    assert_lex_error(response, "InternalServerException", 500)


# -- the real boto3 client against a real server ----------------------------------------------------------


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, EchoRuntime]]:
    runtime = EchoRuntime()
    config = uvicorn.Config(
        create_app(runtime), host="127.0.0.1", port=0, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="lex-runtime-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the uvicorn test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", runtime
    server.should_exit = True
    thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.fixture(scope="module")
def lex(served: tuple[str, EchoRuntime]) -> BaseClient:
    client: BaseClient = boto3.client(
        "lexv2-runtime",
        endpoint_url=served[0],
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",  # noqa: S106 - dummy credentials, the local runtime ignores signatures
        config=Config(retries={"total_max_attempts": 1}),
    )
    return client


def test_boto3_recognize_text(lex: Any, served: tuple[str, EchoRuntime]) -> None:
    state = {"sessionAttributes": {"team": "platform"}, "dialogAction": {"type": "ElicitIntent"}}

    response = lex.recognize_text(
        botId=BOT,
        botAliasId="TSTALIASID",
        localeId="en_US",
        sessionId="us-east-1:boto-text",
        text="réserver une réunion 📅",
        sessionState=state,
        requestAttributes={"channel": "web"},
    )

    expected = served[1].last_result
    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == expected
    assert expected["sessionId"] == "us-east-1:boto-text"
    assert expected["messages"][0]["content"] == "You said: réserver une réunion 📅"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert uuid.UUID(response["ResponseMetadata"]["RequestId"]).version == 4


def test_boto3_put_get_delete_session(lex: Any, served: tuple[str, EchoRuntime]) -> None:
    where = {"botId": BOT, "botAliasId": "TSTALIASID", "localeId": "en_US", "sessionId": "boto-session"}
    state = {
        "dialogAction": {"type": "ElicitSlot", "slotToElicit": "MeetingDate"},
        # botocore refuses ``None`` slot values in requests, though Lex sends them in responses.
        "intent": {
            "name": "ScheduleMeeting",
            "slots": {"AttendeeName": {"value": {"originalValue": "jane", "interpretedValue": "Jane Doe"}}},
            "state": "InProgress",
        },
        "sessionAttributes": {"team": "platform"},
    }
    messages = [
        {"contentType": "PlainText", "content": "Which day?"},
        {"contentType": "ImageResponseCard", "imageResponseCard": {"title": "Pick", "buttons": []}},
    ]

    put = lex.put_session(**where, sessionState=state, messages=messages, requestAttributes={"k": "v"})

    fake = served[1].last_result
    # botocore hands back the encoded header strings, exactly as with real Lex; callers decode them.
    assert isinstance(put["sessionState"], str)
    assert decode_header(put["sessionState"]) == fake["sessionState"]
    assert decode_header(put["messages"]) == fake["messages"]
    assert decode_header(put["requestAttributes"]) == fake["requestAttributes"] == {"k": "v"}
    assert fake["sessionState"] == state
    assert put["sessionId"] == "boto-session"
    assert put["contentType"] == "text/plain; charset=utf-8"
    assert put["audioStream"].read() == b""

    got = lex.get_session(**where)
    assert got["sessionId"] == "boto-session"
    assert got["sessionState"] == state

    deleted = lex.delete_session(**where)
    assert {k: v for k, v in deleted.items() if k != "ResponseMetadata"} == where


def test_boto3_validation_exception(lex: Any) -> None:
    with pytest.raises(ClientError) as caught:
        lex.recognize_text(
            botId="ABCDE-GHIJ", botAliasId="TSTALIASID", localeId="en_US", sessionId="s1", text="hi"
        )

    error = caught.value.response
    assert error["Error"]["Code"] == "ValidationException"
    assert "at 'botId' failed to satisfy constraint" in error["Error"]["Message"]
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert isinstance(caught.value, lex.exceptions.ValidationException)


def test_boto3_resource_not_found(lex: Any) -> None:
    with pytest.raises(ClientError) as caught:
        lex.get_session(botId=BOT, botAliasId="TSTALIASID", localeId="en_US", sessionId="never-seen")

    error = caught.value.response
    assert error["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "Session never-seen does not exist.",
    }
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert isinstance(caught.value, lex.exceptions.ResourceNotFoundException)


@pytest.mark.parametrize("error_class", [errors.ConflictException, errors.DependencyFailedException])
def test_boto3_sees_other_core_errors(lex: Any, error_class: type[errors.LexRuntimeError]) -> None:
    with pytest.raises(ClientError) as caught:
        lex.recognize_text(
            botId=BOT,
            botAliasId="TSTALIASID",
            localeId="en_US",
            sessionId="s1",
            text=f"raise:{error_class.code}",
        )

    assert caught.value.response["Error"]["Code"] == error_class.code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == error_class.status
