"""`meety serve` as a user runs it, driven by the real boto3 lexv2-runtime client."""

from __future__ import annotations

import http.client
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.conftest import REPO
from tests.serve_support import MEETY, Server, start


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start(tmp_path / "data")
    yield running
    running.stop()


def test_health_names_the_bot_and_its_ids(server: Server) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/health")
    response = conn.getresponse()
    body = json.loads(response.read())
    assert response.status == 200
    assert body["bot"] == {
        "name": "Meety",
        "id": server.bot_id,
        "aliasIds": ["TSTALIASID"],
        "locales": ["en_US", "es_US"],
    }


def test_a_conversation_through_boto3(server: Server) -> None:
    lex = server.client()
    where = server.where("us-east-1:4f1c2a")
    first = lex.recognize_text(**where, text="book a meeting with Jane Doe tomorrow at 3pm")
    assert first["sessionState"]["intent"]["name"] == "ScheduleMeeting"
    assert first["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "MeetingDuration"}
    assert first["interpretations"][0]["nluConfidence"]["score"] > 0.5
    assert first["messages"][0]["contentType"] == "PlainText"
    second = lex.recognize_text(
        **where, text="45 minutes", sessionState={"sessionAttributes": {"timeZone": "UTC"}}
    )
    assert (
        second["sessionState"]["intent"]["slots"]["MeetingDuration"]["value"]["interpretedValue"] == "PT45M"
    )
    assert second["sessionState"]["sessionAttributes"] == {"timeZone": "UTC"}
    got = lex.get_session(**where)
    assert got["sessionState"]["dialogAction"]["slotToElicit"] == "AttendeeEmail"
    put = lex.put_session(**where, sessionState={"dialogAction": {"type": "ElicitIntent"}})
    assert put["sessionId"] == where["sessionId"]
    deleted = lex.delete_session(**where)
    assert deleted["sessionId"] == where["sessionId"]
    with pytest.raises(ClientError) as caught:
        lex.get_session(**where)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_spanish_through_boto3(server: Server) -> None:
    reply = server.client().recognize_text(**server.where("es-1", "es_US"), text="hola")
    assert reply["sessionState"]["intent"]["name"] == "Greeting"


@pytest.mark.parametrize(
    ("change", "code", "status"),
    [
        ({"botId": "ZZZZZZZZZZ"}, "ResourceNotFoundException", 404),
        ({"botAliasId": "NOTANALIAS"}, "ResourceNotFoundException", 404),
        ({"localeId": "fr_FR"}, "ResourceNotFoundException", 404),
        ({"sessionId": "bad session id!"}, "ValidationException", 400),
    ],
)
def test_wrong_ids_get_lex_errors(server: Server, change: dict[str, str], code: str, status: int) -> None:
    with pytest.raises(ClientError) as caught:
        server.client().recognize_text(**{**server.where("s-err"), **change}, text="hello")
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "ValidationException"),
        (json.dumps({"text": ""}).encode(), 400, "ValidationException"),
        (json.dumps({"text": "x" * 1025}).encode(), 400, "ValidationException"),
        (
            json.dumps({"text": "hi", "sessionState": {"dialogAction": {"type": "Jump"}}}).encode(),
            400,
            "ValidationException",
        ),
    ],
)
def test_malformed_requests_get_lex_errors(server: Server, body: bytes, status: int, code: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    path = f"/bots/{server.bot_id}/botAliases/TSTALIASID/botLocales/en_US/sessions/raw-1/text"
    conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    payload = json.loads(response.read())
    assert response.status == status
    assert response.getheader("x-amzn-ErrorType") == code
    assert payload["message"]


def test_a_failing_code_hook_is_a_424(tmp_path: Path) -> None:
    running = start(tmp_path / "data", "--code-hook", "tests.hooks:raising")
    try:
        with pytest.raises(ClientError) as caught:
            running.client().recognize_text(**running.where("hook-1"), text="book a meeting with Jane Doe")
        assert caught.value.response["Error"]["Code"] == "DependencyFailedException"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 424
        assert "Traceback" not in caught.value.response["Error"]["Message"]
    finally:
        running.stop()


def test_sessions_survive_a_server_restart(tmp_path: Path) -> None:
    first = start(tmp_path / "data")
    first.client().recognize_text(**first.where("keep-1"), text="book a meeting with Jane Doe")
    first.stop()
    second = start(tmp_path / "data")
    try:
        reply = second.client().recognize_text(**second.where("keep-1"), text="friday")
        slots = reply["sessionState"]["intent"]["slots"]
        assert slots["AttendeeName"]["value"]["interpretedValue"] == "Jane Doe"
        assert slots["MeetingDate"]["value"]["interpretedValue"] == "2026-11-20"
    finally:
        second.stop()


def test_serve_runs_a_real_export(tmp_path: Path, shared_dir: Path) -> None:
    running = start(tmp_path / "data", "--bot", str(shared_dir / "lex-exports" / "lex-helper"))
    try:
        assert running.bot_id == "47C8A1C439"
        reply = running.client().recognize_text(**running.where("air-1"), text="Track baggage ABC123")
        assert reply["sessionState"]["intent"]["name"] == "TrackBaggage"
    finally:
        running.stop()


def test_a_bad_setting_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [MEETY, "serve", "--timezone", "Mars/Olympus", "--data-dir", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Mars/Olympus" in result.stderr
    assert "Traceback" not in result.stderr
