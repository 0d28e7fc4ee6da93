"""The runtime's HTTP layer answers each Lex V2 runtime operation in Lex's wire format.

RecognizeText answers in JSON, PutSession in gzip+base64 headers over an empty body; GetSession, DeleteSession
and /health complete the API, and every response carries a fresh request id. A small echoing fake stands in
for the runtime core, so these tests pin the HTTP contract alone.
"""

from __future__ import annotations

import uuid

import pytest

from bot.runtime.api import SessionTarget
from bot.runtime.http import create_app
from tests.runtime_http_support import (
    BASE,
    BOT,
    SESSION_URL,
    TEXT_URL,
    EchoRuntime,
    TestClient,
    assert_lex_error,
    decode_header,
)

# Fixtures, imported by name so pytest finds them here (the redundant alias marks a deliberate re-export).
from tests.runtime_http_support import client as client
from tests.runtime_http_support import runtime as runtime


@pytest.mark.parametrize("threads", [0, 1, 4])
def test_recognize_text_returns_the_core_answer_as_json(runtime: EchoRuntime, threads: int) -> None:
    body = {
        "text": "book a meeting",
        "sessionState": {"sessionAttributes": {"team": "platform"}},
        "requestAttributes": {"channel": "web"},
    }
    with TestClient(create_app(runtime, threads=threads)) as client:
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
