"""Approvals in Slack: announcing pending requests, Approve / Reject clicks on a real SQLite store, the
reject form, conflicts, unknown requests and role refusals, with the Web API on a fake Slack server."""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import pytest
from ulid import ULID

from admin_api.slack import handler
from admin_api.slack.approvals import APPROVE, REJECT, REJECT_FORM, Announcer, announce, web_client
from admin_api.slack.deferral import DEFERRED
from fulfillment.domain import BackupDetails, Request, StoreError
from fulfillment.domain.decisions import Actor
from tests.request_store_support import add, backup, meeting
from tests.slack_support import (
    ADMIN_ID,
    CHANNEL,
    MESSAGE_TS,
    NOW,
    STRANGER_ID,
    VIEWER_ID,
    Wired,
    interaction_event,
    settings_for,
)
from tests.slack_support import wired as wired

_ticks = itertools.count()


def post(payload: dict[str, Any]) -> dict[str, Any]:
    """Send a signed interaction (each with its own timestamp: the same payload twice is no replay)."""
    return handler.lambda_handler(
        interaction_event(payload, timestamp=int(NOW.timestamp()) + next(_ticks) % 200), None
    )


def click(action_id: str, request_id: str, user: str = ADMIN_ID) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "ada", "name": "ada", "team_id": "T0TEAM0001"},
        "api_app_id": "A0APP00001",
        "trigger_id": "1234.5678.trigger",
        "container": {"type": "message", "message_ts": MESSAGE_TS, "channel_id": CHANNEL},
        "channel": {"id": CHANNEL, "name": "meety-admins"},
        "message": {"type": "message", "ts": MESSAGE_TS, "text": "New meeting request", "blocks": []},
        "actions": [
            {"action_id": action_id, "block_id": "meety_decide", "value": request_id, "type": "button"}
        ],
    }


def submission(view: dict[str, Any], reason: str | None, user: str = ADMIN_ID) -> dict[str, Any]:
    state = {"values": {"reason": {"reason": {"type": "plain_text_input", "value": reason}}}}
    return {
        "type": "view_submission",
        "user": {"id": user, "username": "ada", "name": "ada"},
        "view": {
            "id": "V0FAKE0001",
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "state": state,
        },
    }


def acknowledged(result: dict[str, Any]) -> None:
    assert (result["statusCode"], result["body"]) == (200, "")


def updated_text(wired: Wired) -> str:
    (update,) = wired.slack.to("chat.update")
    assert (update.body["channel"], update.body["ts"]) == (CHANNEL, MESSAGE_TS)
    assert all(block["type"] != "actions" for block in update.body["blocks"])  # the buttons are gone
    return json.dumps(update.body["blocks"])


# -- announcing -------------------------------------------------------------------------------------------


def test_announce_posts_the_pending_request_with_approve_and_reject(wired: Wired) -> None:
    request = add(wired.store, meeting())
    settings = wired.app.settings
    assert announce(settings, request, web_client(settings)) == MESSAGE_TS
    (call,) = wired.slack.calls
    assert (call.method, call.path) == ("chat.postMessage", "/api/chat.postMessage")
    assert call.headers["authorization"] == "Bearer xoxb-test-token"
    assert call.body["channel"] == CHANNEL
    summary, actions = call.body["blocks"]
    text = summary["text"]["text"]
    for part in (
        "Carol",
        "carol@example.com",
        "Mon 23 Nov 2026, 10:00 Europe/Madrid",
        "09:00 UTC",
        "30 min",
        "sync",
        "Alice",
    ):
        assert part in text
    assert request.id in text
    assert actions == {
        "type": "actions",
        "block_id": "meety_decide",
        "elements": [
            {
                "type": "button",
                "action_id": APPROVE,
                "text": {"type": "plain_text", "text": "Approve"},
                "style": "primary",
                "value": request.id,
            },
            {
                "type": "button",
                "action_id": REJECT,
                "text": {"type": "plain_text", "text": "Reject"},
                "style": "danger",
                "value": request.id,
            },
        ],
    }


def test_a_backup_request_names_its_database_and_user_text_is_escaped(wired: Wired) -> None:
    request = backup().model_copy(
        update={"backup": BackupDetails(target_kind="rds", target_name="orders-db")}
    )
    plain = meeting()
    assert plain.meeting is not None
    loud = plain.meeting.model_copy(update={"attendee_name": "<!channel> & co"})
    shouting = plain.model_copy(update={"meeting": loud})
    settings = wired.app.settings
    announce(settings, request, web_client(settings))
    announce(settings, shouting, web_client(settings))
    first, second = (call.body["blocks"][0]["text"]["text"] for call in wired.slack.calls)
    assert "*Database:* rds `orders-db`" in first
    assert "&lt;!channel&gt; &amp; co" in second
    assert "<!channel>" not in second


def test_nothing_is_announced_without_a_channel_or_token(wired: Wired) -> None:
    request = meeting()
    for changes in ({"admin_channel": None}, {"bot_token": None}):
        settings = settings_for(wired.slack.url, **changes)
        assert announce(settings, request, web_client(settings)) is None
    assert wired.slack.calls == []


def test_the_announcer_never_raises_and_skips_decided_requests(
    wired: Wired, caplog: pytest.LogCaptureFixture
) -> None:
    announcer = Announcer(wired.app.settings)
    announcer(meeting().model_copy(update={"status": "approved"}))
    assert wired.slack.calls == []
    wired.slack.fail["chat.postMessage"] = "channel_not_found"
    request = meeting()
    announcer(request)
    assert f"request {request.id} was not announced in Slack: SlackApiError" in caplog.text
    Announcer(settings_for("http://127.0.0.1:9/api/"))(request)  # nothing listens there


# -- deciding ---------------------------------------------------------------------------------------------


def test_an_admin_approves_from_slack(wired: Wired) -> None:
    request = add(wired.store, meeting())
    acknowledged(post(click(APPROVE, request.id)))
    assert wired.store.get(request.id).status == "pending"  # type: ignore[union-attr]
    assert wired.slack.calls == []  # answered before any of the work: the deferrer holds it
    assert wired.deferrer.run_all() == [{"done": True}]
    decided = wired.store.get(request.id)
    assert decided is not None
    assert decided.status == "approved"
    assert decided.decision is not None
    assert decided.decision.by == f"slack:{ADMIN_ID}"
    last = wired.store.audit(request.id)[-1]
    assert (last.actor, last.channel, last.action, last.to_status) == (
        f"slack:{ADMIN_ID}",
        "slack",
        "approved",
        "approved",
    )
    assert wired.notifier.sent == [(request.id, "approved")]
    text = updated_text(wired)
    assert f"*Approved* by <@{ADMIN_ID}>" in text
    assert "Carol" in text


def test_an_admin_rejects_with_a_reason_from_the_form(wired: Wired) -> None:
    request = add(wired.store, meeting())
    acknowledged(post(click(REJECT, request.id)))
    (opened,) = wired.slack.to("views.open")  # at once: the trigger id expires in 3 s
    assert opened.body["trigger_id"] == "1234.5678.trigger"
    view = opened.body["view"]
    assert view["callback_id"] == REJECT_FORM
    assert json.loads(view["private_metadata"]) == {
        "request_id": request.id,
        "channel": CHANNEL,
        "ts": MESSAGE_TS,
    }
    assert wired.deferrer.jobs == []
    acknowledged(post(submission(view, "  Double booked <!channel>  ")))
    assert wired.store.get(request.id).status == "pending"  # type: ignore[union-attr]
    wired.deferrer.run_all()
    decided = wired.store.get(request.id)
    assert decided is not None
    assert decided.status == "rejected"
    assert decided.decision is not None
    assert decided.decision.reason == "Double booked <!channel>"
    last = wired.store.audit(request.id)[-1]
    assert (last.actor, last.channel, last.reason) == (
        f"slack:{ADMIN_ID}",
        "slack",
        "Double booked <!channel>",
    )
    assert f"*Rejected* by <@{ADMIN_ID}>: Double booked &lt;!channel&gt;" in updated_text(wired)


@pytest.mark.parametrize(
    ("user", "reason"), [(ADMIN_ID, "   "), (ADMIN_ID, None), (ADMIN_ID, "x" * 501), (VIEWER_ID, "ok")]
)
def test_the_reject_form_keeps_bad_submissions_open(wired: Wired, user: str, reason: str | None) -> None:
    request = add(wired.store, meeting())
    post(click(REJECT, request.id))
    view = wired.slack.to("views.open")[0].body["view"]
    result = post(submission(view, reason, user))
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["response_action"] == "errors"
    assert wired.deferrer.jobs == []
    assert wired.store.get(request.id).status == "pending"  # type: ignore[union-attr]


def test_a_second_decision_shows_the_current_status_and_changes_nothing(wired: Wired) -> None:
    request = add(wired.store, meeting())
    wired.app.decisions.approve(request.id, Actor(name="ada", channel="portal"))  # type: ignore[union-attr]
    trail = wired.store.audit(request.id)
    acknowledged(post(click(APPROVE, request.id)))
    wired.deferrer.run_all()
    assert "Already *approved* by ada" in updated_text(wired)
    after = wired.store.get(request.id)
    assert after is not None
    assert after.decision is not None
    assert after.decision.by == "ada"
    assert wired.store.audit(request.id) == trail


def test_a_click_on_a_slack_decided_request_names_the_slack_user(wired: Wired) -> None:
    request = add(wired.store, meeting())
    post(click(APPROVE, request.id))
    post(click(APPROVE, request.id))
    wired.deferrer.run_all()
    first, second = (json.dumps(c.body["blocks"]) for c in wired.slack.to("chat.update"))
    assert "*Approved* by" in first
    assert f"Already *approved* by <@{ADMIN_ID}>" in second


def test_an_unknown_request_is_said_to_be_gone(wired: Wired) -> None:
    missing = str(ULID())
    acknowledged(post(click(APPROVE, missing)))
    wired.deferrer.run_all()
    assert f"Request `{missing}` no longer exists" in updated_text(wired)


@pytest.mark.parametrize("user", [VIEWER_ID, STRANGER_ID], ids=["viewer", "unknown user"])
@pytest.mark.parametrize("action", [APPROVE, REJECT])
def test_non_admins_get_an_ephemeral_refusal_and_nothing_changes(
    wired: Wired, user: str, action: str
) -> None:
    request = add(wired.store, meeting())
    trail = wired.store.audit(request.id)
    acknowledged(post(click(action, request.id, user)))
    assert wired.slack.calls == []
    wired.deferrer.run_all()
    (refusal,) = wired.slack.calls
    assert refusal.method == "chat.postEphemeral"
    assert (refusal.body["channel"], refusal.body["user"]) == (CHANNEL, user)
    assert "Only Meety admins" in refusal.body["text"]
    assert wired.store.get(request.id).status == "pending"  # type: ignore[union-attr]
    assert wired.store.audit(request.id) == trail


def test_a_forged_decide_job_for_a_non_admin_is_refused(wired: Wired) -> None:
    request = add(wired.store, meeting())
    click_job = {
        "action": APPROVE,
        "request_id": request.id,
        "user_id": VIEWER_ID,
        "user_name": "vic",
        "channel": CHANNEL,
        "ts": MESSAGE_TS,
    }
    assert handler.lambda_handler({DEFERRED: {"kind": "decide", "click": click_job}}, None) == {"done": True}
    assert [c.method for c in wired.slack.calls] == ["chat.postEphemeral"]
    assert wired.store.get(request.id).status == "pending"  # type: ignore[union-attr]


def test_a_store_outage_tells_the_admin_and_keeps_the_buttons(
    wired: Wired, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = add(wired.store, meeting())

    def down(*args: Any, **kwargs: Any) -> Request:
        raise StoreError("disk on fire")

    monkeypatch.setattr(wired.store, "transition", down)
    post(click(APPROVE, request.id))
    wired.deferrer.run_all()
    assert [c.method for c in wired.slack.calls] == ["chat.postEphemeral"]
    assert "unavailable" in wired.slack.calls[0].body["text"]


def test_when_the_form_cannot_open_the_admin_is_told(wired: Wired, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    request = add(wired.store, meeting())
    wired.slack.fail["views.open"] = "expired_trigger_id"
    acknowledged(post(click(REJECT, request.id)))
    wired.deferrer.run_all()
    assert "Could not open the reject form" in wired.slack.to("chat.postEphemeral")[0].body["text"]
    assert "could not open the reject form" in caplog.text


def test_a_click_without_a_valid_request_id_is_400(wired: Wired) -> None:
    assert post(click(APPROVE, "not-a-request"))["statusCode"] == 400
    assert wired.deferrer.jobs == []


def test_a_dm_reply_button_goes_to_the_dm_handler(wired: Wired) -> None:
    pressed: list[Any] = []
    wired.app.on_button = lambda settings, payload, web, now: pressed.append(payload)
    payload = click("meety_reply_0", "Book a meeting") | {"channel": {"id": "D0DM000001"}}
    acknowledged(post(payload))
    assert pressed == []
    wired.deferrer.run_all()
    assert pressed == [payload]
