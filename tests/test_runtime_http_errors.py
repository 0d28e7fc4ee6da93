"""The runtime's HTTP layer turns failures into Lex V2 errors: unknown routes and errors raised by the core.

Unknown Lex operations are ResourceNotFoundException, other unknown paths plain 404/405 JSON. Each
LexRuntimeError the core raises keeps its code and status; anything else is a 500 InternalServerException
that logs the detail and never returns it.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.runtime import errors
from bot.runtime.http import create_app
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

ERROR_CLASSES = [
    errors.ValidationException,
    errors.AccessDeniedException,
    errors.ResourceNotFoundException,
    errors.ConflictException,
    errors.DependencyFailedException,
    errors.ThrottlingException,
    errors.InternalServerException,
]


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
