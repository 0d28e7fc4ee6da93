"""The Slack app's front door: signatures, timestamps, replays, URL verification, routes, DM events,
deferral, settings, and the local routes of ``meety serve``."""

from __future__ import annotations

import base64
import json
import logging
import threading
from datetime import timedelta
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from admin_api.slack import handler
from admin_api.slack.deferral import DEFERRED, DeferralRefused, LambdaDeferrer, ThreadDeferrer
from admin_api.slack.local_routes import slack_routes
from admin_api.slack.settings import SlackSettings, load_slack_settings
from admin_api.slack.verify import ReplayGuard, SlackUnauthorized, verify_request
from bot.errors import SettingsError
from tests.slack_support import (
    NOW,
    SECRET,
    Wired,
    events_body,
    settings_for,
    sign,
    signed_event,
)
from tests.slack_support import wired as wired

MARKER = "BODY-MARKER-do-not-log-7f3a"
CHALLENGE = {"type": "url_verification", "token": "legacy", "challenge": MARKER}
T = int(NOW.timestamp())


def dm(event_id: str = "Ev0001", **event: Any) -> dict[str, Any]:
    message = {"type": "message", "channel_type": "im", "user": "U0ADMIN001", "channel": "D0DM000001"}
    message |= {"text": f"hello {MARKER}", "ts": "1700000001.000100"} | event
    return {"type": "event_callback", "event_id": event_id, "team_id": "T0TEAM0001", "event": message}


def status(event: dict[str, Any]) -> int:
    return int(handler.lambda_handler(event, None)["statusCode"])


# -- signatures and timestamps ----------------------------------------------------------------------------


def test_url_verification_answers_the_challenge(wired: Wired) -> None:
    result = handler.lambda_handler(signed_event("/slack/events", events_body(CHALLENGE)), None)
    assert result["statusCode"] == 200
    assert json.loads(result["body"]) == {"challenge": MARKER}


def test_a_hand_computed_signature_is_accepted_at_the_window_edges() -> None:
    settings, body = settings_for(None), b'{"type":"url_verification"}'
    for ts in (T - 300, T + 300, T):
        headers = {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sign(body, ts)}
        verify_request(settings, headers, body, NOW, ReplayGuard())


BODY = events_body(CHALLENGE)
REFUSALS: dict[str, tuple[dict[str, Any], str]] = {
    "wrong signature": ({"signature": sign(b"another body", T)}, "bad signature"),
    "wrong secret": ({"secret": "not-the-secret"}, "bad signature"),
    "older than 5 minutes": ({"timestamp": T - 301}, "outside the 5-minute window"),
    "future beyond the window": ({"timestamp": T + 301}, "outside the 5-minute window"),
    "missing signature": ({"drop": ["x-slack-signature"]}, "missing signature headers"),
    "missing timestamp": ({"drop": ["x-slack-request-timestamp"]}, "missing signature headers"),
    "no headers at all": ({"drop": ["x-slack-signature", "x-slack-request-timestamp"]}, "missing"),
    "malformed timestamp": ({"timestamp": -5, "signature": sign(BODY, -5)}, "malformed timestamp"),
    "v1 signature": ({"signature": "v1=" + sign(BODY, T)[3:]}, "malformed signature"),
    "non-ASCII signature": ({"signature": "v0=" + "é" * 64}, "malformed signature"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_unverified_requests_get_401_and_the_body_is_never_logged(
    wired: Wired, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    changes, reason = REFUSALS[case]
    caplog.set_level(logging.DEBUG)
    result = handler.lambda_handler(signed_event("/slack/events", BODY, **changes), None)
    assert result["statusCode"] == 401
    assert MARKER not in result["body"]
    assert reason in caplog.text
    assert MARKER not in caplog.text


def test_a_tampered_body_fails(wired: Wired, caplog: pytest.LogCaptureFixture) -> None:
    event = signed_event("/slack/events", BODY)
    event["body"] = event["body"].replace(MARKER, MARKER.upper())
    assert status(event) == 401
    assert "bad signature" in caplog.text
    assert MARKER.upper() not in caplog.text


def test_a_replayed_request_is_refused(wired: Wired, caplog: pytest.LogCaptureFixture) -> None:
    event = signed_event("/slack/events", events_body(dm()))
    assert status(event) == 200
    assert status(json.loads(json.dumps(event))) == 401
    assert "replayed request" in caplog.text
    assert len(wired.deferrer.jobs) == 1


def test_a_base64_body_is_verified_on_its_bytes(wired: Wired) -> None:
    event = signed_event("/slack/events", BODY)
    event["body"] = base64.b64encode(BODY).decode()
    event["isBase64Encoded"] = True
    assert json.loads(handler.lambda_handler(event, None)["body"]) == {"challenge": MARKER}
    broken = signed_event("/slack/events", BODY, timestamp=T - 1) | {"body": "***", "isBase64Encoded": True}
    assert status(broken) == 401


def test_replay_guard_forgets_after_the_window_and_stays_bounded() -> None:
    guard = ReplayGuard(window=300, capacity=3)
    assert guard.first_sight("a", at=1000, now=1000)
    assert not guard.first_sight("a", at=1000, now=1299)
    assert guard.first_sight("a", at=1400, now=1400)  # the old sighting expired
    for key in "bcde":
        guard.first_sight(key, at=1400, now=1400)
    assert len(guard) == 3


def test_verification_without_a_secret_refuses() -> None:
    with pytest.raises(SlackUnauthorized, match="no signing secret"):
        verify_request(SlackSettings(), {}, b"", NOW)


# -- routes -----------------------------------------------------------------------------------------------


def test_every_route_is_404_without_a_signing_secret(wired: Wired) -> None:
    handler.use(handler.SlackApp(settings_for(wired.slack.url, signing_secret=None)))
    assert status(signed_event("/slack/events", BODY)) == 404
    assert status(signed_event("/slack/interactions", b"payload=%7B%7D")) == 404
    assert handler.lambda_handler({DEFERRED: {"kind": "say"}}, None) == {"done": False}


def test_unknown_routes_and_methods_are_404(wired: Wired) -> None:
    assert status(signed_event("/slack/other", BODY)) == 404
    assert status(signed_event("/slack/events", BODY, method="GET")) == 404


def test_a_signed_payload_slack_never_sends_is_400(wired: Wired) -> None:
    assert status(signed_event("/slack/events", b"not json")) == 400
    assert status(signed_event("/slack/interactions", b"nothing=here", timestamp=T - 2)) == 400


# -- direct messages --------------------------------------------------------------------------------------


def test_a_dm_is_acknowledged_at_once_and_handled_later(wired: Wired) -> None:
    seen: list[tuple[Any, ...]] = []
    wired.app.on_message = lambda settings, event, web, now: seen.append((settings, event, web, now))
    result = handler.lambda_handler(signed_event("/slack/events", events_body(dm())), None)
    assert (result["statusCode"], result["body"]) == (200, "")
    assert [job["kind"] for job in wired.deferrer.jobs] == ["dm"]
    assert seen == []  # acknowledged before the work ran: the deferrer still holds it
    assert wired.deferrer.run_all() == [{"done": True}]
    settings, event, web, now = seen[0]
    assert settings is wired.app.settings
    assert event == dm()["event"]
    assert web.base_url == wired.slack.url
    assert now == NOW


def test_a_retried_event_is_acknowledged_and_not_handled_twice(
    wired: Wired, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    assert status(signed_event("/slack/events", events_body(dm("Ev42")))) == 200
    retry = signed_event(
        "/slack/events", events_body(dm("Ev42")), timestamp=T + 60, extra=[("X-Slack-Retry-Num", "1")]
    )
    assert status(retry) == 200
    assert len(wired.deferrer.jobs) == 1
    assert "already handled (retry 1)" in caplog.text
    assert MARKER not in caplog.text


@pytest.mark.parametrize(
    "event",
    [
        dm(bot_id="B0BOT00001"),
        dm(subtype="message_changed"),
        dm(subtype="bot_message"),
        dm(channel_type="channel"),
        {"type": "event_callback", "event_id": "Ev9", "event": {"type": "app_mention", "text": "hi"}},
    ],
    ids=["own message", "edit", "bot message", "channel message", "other event"],
)
def test_other_messages_are_acknowledged_and_ignored(wired: Wired, event: dict[str, Any]) -> None:
    assert status(signed_event("/slack/events", events_body(event))) == 200
    assert wired.deferrer.jobs == []


def test_when_work_cannot_be_deferred_slack_is_told_to_retry(wired: Wired) -> None:
    wired.deferrer.refuse = True
    assert status(signed_event("/slack/events", events_body(dm("Ev7")))) == 503
    wired.deferrer.refuse = False
    retry = signed_event(
        "/slack/events", events_body(dm("Ev7")), timestamp=T + 1, extra=[("X-Slack-Retry-Num", "1")]
    )
    assert status(retry) == 200
    assert len(wired.deferrer.jobs) == 1


# -- deferrers --------------------------------------------------------------------------------------------


class FakeLambda:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"StatusCode": 202}


def test_lambda_deferrer_invokes_this_function_asynchronously_with_the_marker(wired: Wired) -> None:
    seen: list[Any] = []
    wired.app.on_message = lambda settings, event, web, now: seen.append(event)
    client = FakeLambda()
    wired.app.deferrer = LambdaDeferrer("meety-slack", client)
    assert status(signed_event("/slack/events", events_body(dm("Ev8")))) == 200
    (call,) = client.calls
    assert (call["FunctionName"], call["InvocationType"]) == ("meety-slack", "Event")
    payload = json.loads(call["Payload"])
    assert set(payload) == {DEFERRED}
    assert seen == []
    assert handler.lambda_handler(payload, None) == {"done": True}  # AWS runs the async invocation
    assert seen == [dm("Ev8")["event"]]


def test_thread_deferrer_runs_jobs_logs_failures_and_bounds_its_backlog(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate, ran = threading.Event(), []

    def target(event: dict[str, Any], context: Any) -> None:
        gate.wait(5)
        if event[DEFERRED].get("fail"):
            raise ValueError("boom")
        ran.append(event[DEFERRED])

    deferrer = ThreadDeferrer(target, workers=1, backlog=2)
    deferrer.defer({"kind": "a"})
    deferrer.defer({"kind": "b", "fail": True})
    with pytest.raises(DeferralRefused):
        deferrer.defer({"kind": "c"})
    gate.set()
    deferrer.shutdown()
    assert ran == [{"kind": "a"}]
    assert "deferred Slack work (b) failed" in caplog.text


# -- settings ---------------------------------------------------------------------------------------------


def test_settings_from_the_environment() -> None:
    env = {
        "MEETY_SLACK_SIGNING_SECRET": SECRET,
        "MEETY_SLACK_BOT_TOKEN": "xoxb-1",
        "MEETY_SLACK_ADMIN_CHANNEL": "C0ADMINS01",
        "MEETY_SLACK_ROLES": "U012AB3CD:admin, U045ABCDE:ops+viewer",
        "MEETY_SLACK_API_URL": "http://127.0.0.1:9/api/",
        "MEETY_SLACK_BOT_ID": "ABCDEF1234",
    }
    settings = load_slack_settings(env)
    assert settings.enabled
    assert dict(settings.roles) == {"U012AB3CD": {"admin"}, "U045ABCDE": {"ops", "viewer"}}
    assert (settings.bot_alias_id, settings.locale, settings.lex_endpoint) == ("TSTALIASID", "en_US", None)
    assert not load_slack_settings({}).enabled


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MEETY_SLACK_ROLES", "alice:admin", "not a Slack user id"),
        ("MEETY_SLACK_ROLES", "U012AB3CD:root", "unknown role"),
        ("MEETY_SLACK_ROLES", "U012AB3CD", "is not <user id>:<role>"),
        ("MEETY_SLACK_ROLES", "U012AB3CD:admin,U012AB3CD:ops", "listed twice"),
        ("MEETY_SLACK_API_URL", "ftp://x", "MEETY_SLACK_API_URL"),
        ("MEETY_SLACK_LOCALE", "english", "MEETY_SLACK_LOCALE"),
        ("MEETY_HOST_TIMEZONE", "Mars/Base", "MEETY_HOST_TIMEZONE"),
    ],
)
def test_bad_settings_name_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as raised:
        load_slack_settings({name: value})
    assert name in str(raised.value)


# -- meety serve ------------------------------------------------------------------------------------------


def test_local_routes_pass_the_raw_body_byte_for_byte(wired: Wired) -> None:
    body = b'{"type":  "url_verification",\n "challenge": "caf\xc3\xa9 \\u00e9"}'
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(T),
        "X-Slack-Signature": sign(body, T),
    }
    client = TestClient(Starlette(routes=slack_routes()))
    response = client.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json() == {"challenge": "café é"}
    assert client.post("/slack/events", content=body + b" ", headers=headers).status_code == 401
    assert client.get("/slack/events").status_code == 404


def test_the_window_is_measured_by_the_apps_clock(wired: Wired) -> None:
    wired.app.clock = lambda: NOW + timedelta(minutes=6)
    assert status(signed_event("/slack/events", BODY)) == 401


def test_build_app_without_a_secret_builds_no_services() -> None:
    app = handler.build_app({})
    assert not app.settings.enabled
    assert app.decisions is None
