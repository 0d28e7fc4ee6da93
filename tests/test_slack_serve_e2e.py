"""The Slack app through the real `meety serve`: signed requests on /slack/*, new requests announced in the
admins channel, an admin approving with a click, and a staff DM answered by the bot.

Slack's Web API is a fake on loopback (``MEETY_SLACK_API_URL``), recording every call the server makes.
"""

from __future__ import annotations

import http.client
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.serve_support import REQUEST_ID, Server, start
from tests.slack_support import ADMIN_ID, BOT_TOKEN, CHANNEL, SECRET, FakeSlack, interaction_body, sign
from tests.test_slack_approvals import click

OPS_ID = "U0OPSUSER1"
DM_CHANNEL = "D0DMCHAN01"


def post(
    server: Server, path: str, body: bytes, content_type: str, *, signed: bool = True
) -> tuple[int, Any]:
    timestamp = int(time.time())  # the server checks Slack's 5-minute window against real time
    headers = {"content-type": content_type, "x-slack-request-timestamp": str(timestamp)}
    if signed:
        headers["x-slack-signature"] = sign(body, timestamp)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    return response.status, json.loads(raw) if raw else None


def wait_for(condition: Any, seconds: float = 20.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the deferred Slack work")


def status_of(data: Path, request_id: str) -> str:
    with sqlite3.connect(data / "meety.db") as db:
        (status,) = db.execute("SELECT status FROM requests WHERE id = ?", (request_id,)).fetchone()
    return str(status)


def test_slack_app_through_meety_serve(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FakeSlack() as slack:
        server = start(
            data,
            "--sandbox",
            env={
                "MEETY_SLACK_SIGNING_SECRET": SECRET,
                "MEETY_SLACK_BOT_TOKEN": BOT_TOKEN,
                "MEETY_SLACK_ADMIN_CHANNEL": CHANNEL,
                "MEETY_SLACK_API_URL": slack.url,
                "MEETY_SLACK_ROLES": f"{ADMIN_ID}:admin,{OPS_ID}:ops",
            },
        )
        try:
            assert "Slack app:" in "".join(server.output)
            challenge = json.dumps({"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV"}).encode()
            assert post(server, "/slack/events", challenge, "application/json") == (
                200,
                {"challenge": "3eZbrw1aBm2rZgRNFdxV"},
            )
            status, _ = post(server, "/slack/events", challenge, "application/json", signed=False)
            assert status == 401

            # a visitor books over the Lex runtime API: the request is announced in the admins channel
            lex = server.client()
            where = server.where("visitor-1")
            lex.recognize_text(**where, text="book a 30 minute meeting with Jane Doe on friday at 2pm")
            lex.recognize_text(**where, text="jane@example.com")
            filed = REQUEST_ID.search(lex.recognize_text(**where, text="yes")["messages"][0]["content"])
            assert filed is not None
            request_id = filed.group()
            (announced,) = slack.to("chat.postMessage")
            assert announced.body["channel"] == CHANNEL
            buttons = [e for b in announced.body["blocks"] if b["type"] == "actions" for e in b["elements"]]
            assert {(b["action_id"], b["value"]) for b in buttons} == {
                ("meety_approve", request_id),
                ("meety_reject", request_id),
            }

            # the admin clicks Approve: acknowledged at once, decided and the message updated
            status, _ = post(
                server,
                "/slack/interactions",
                interaction_body(click("meety_approve", request_id)),
                "application/x-www-form-urlencoded",
            )
            assert status == 200
            (updated,) = wait_for(lambda: slack.to("chat.update"))
            assert "actions" not in [b["type"] for b in updated.body.get("blocks") or []]
            assert status_of(data, request_id) == "approved"

            # a staff member asks in a DM: the bot answers as it would in the widget, with their role
            dm = {
                "type": "event_callback",
                "team_id": "T0TEAM0001",
                "event_id": "Ev0DM00001",
                "event": {
                    "type": "message",
                    "channel_type": "im",
                    "channel": DM_CHANNEL,
                    "user": OPS_ID,
                    "text": "deploy status",
                    "ts": "1700000001.000100",
                    "team": "T0TEAM0001",
                },
            }
            assert post(server, "/slack/events", json.dumps(dm).encode(), "application/json")[0] == 200
            answer = wait_for(
                lambda: [c for c in slack.to("chat.postMessage") if c.body["channel"] == DM_CHANNEL]
            )
            assert "web-app" in json.dumps(answer[0].body)
        finally:
            server.stop()
