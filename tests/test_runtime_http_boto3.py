"""The real boto3 ``lexv2-runtime`` client against the runtime's HTTP layer, served by a real uvicorn server.

This is the compatibility that matters: RecognizeText, PutSession's encoded headers, GetSession, DeleteSession
and Lex errors, exactly as boto3 sees them. An echoing fake stands in for the runtime core.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import uvicorn
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from bot.runtime import errors
from bot.runtime.http import create_app
from tests.runtime_http_support import BOT, EchoRuntime, decode_header


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
