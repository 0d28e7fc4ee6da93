"""The Slack app Lambda (HTTP API, payload v2): ``POST /slack/events`` and ``POST /slack/interactions``.

Every request's signature and timestamp are verified on the raw body before anything else is read;
a failure is a 401, logged with its reason and never the body. No signing secret configured: every
route is a 404, as if the app did not exist.

Slack wants an answer within 3 seconds, so the handler only does what is fast and bounded (verify,
parse, check the clicking user's role) and hands everything slow to a ``Deferrer``: a direct message's
Lex turn, the decision (a store write, but approving may start a backup and mails the requester) and
every Web API call. The one exception is ``views.open`` for the reject form: its ``trigger_id`` expires
3 seconds after the click, so it is called right away with the client's short timeout (2 s).

Deferred work travels as a JSON job to this same function, ``{"meety_slack_deferred": job}`` (see
``admin_api.slack.deferral``); ``lambda_handler`` recognises the marker and runs the job. API Gateway
never puts that key at the top of an event, so only a principal allowed to invoke the function can.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient

from admin_api.slack import approvals, payloads
from admin_api.slack.approvals import APPROVE, Click
from admin_api.slack.deferral import DEFERRED, Deferrer, Job, LambdaDeferrer, ThreadDeferrer
from admin_api.slack.payloads import BadPayload
from admin_api.slack.settings import SlackSettings, load_slack_settings
from admin_api.slack.verify import ReplayGuard, SlackUnauthorized, verify_request
from fulfillment.domain.decisions import Decisions

log = logging.getLogger("meety.slack")
EVENTS = "/slack/events"
INTERACTIONS = "/slack/interactions"
ADMIN = "admin"
EVENT_MEMORY = 3600.0
"""Seconds an ``event_id`` is remembered: Slack retries after about 0 s, 1 min and 5 min."""
DmHandler = Callable[[SlackSettings, dict[str, Any], WebClient, datetime], object]
"""``(settings, event or payload, web client, now)``: a DM's message, or a press on a reply's button."""


def _system_clock() -> datetime:
    return datetime.now(UTC)


def _dm_message(settings: SlackSettings, event: dict[str, Any], web: WebClient, now: datetime) -> None:
    from admin_api.slack import dm  # here: the Lex client and token code load only when a DM comes

    dm.handle_message(settings, event, web, now)


def _dm_button(settings: SlackSettings, payload: dict[str, Any], web: WebClient, now: datetime) -> None:
    from admin_api.slack import dm

    dm.handle_button(settings, payload, web, now)


@dataclass
class SlackApp:
    """The Slack app wired once: settings, the decision service, where slow work goes, a clock.

    ``clock`` is real time (Slack signs with it, and DM tokens are stamped with it), not the business
    clock ``MEETY_CLOCK`` may pin; decisions use their own clock.
    """

    settings: SlackSettings
    decisions: Decisions | None = None
    deferrer: Deferrer | None = None
    clock: Callable[[], datetime] = _system_clock
    web: Callable[[SlackSettings], WebClient] = approvals.web_client
    on_message: DmHandler = _dm_message
    on_button: DmHandler = _dm_button
    replays: ReplayGuard = field(default_factory=ReplayGuard)
    events_seen: ReplayGuard = field(default_factory=lambda: ReplayGuard(window=EVENT_MEMORY))

    def handle(self, event: Mapping[str, Any]) -> dict[str, Any]:
        http = (event.get("requestContext") or {}).get("http") or {}
        path = event.get("rawPath")
        if not self.settings.enabled or http.get("method") != "POST" or path not in (EVENTS, INTERACTIONS):
            return _json(404, {"message": "Not Found"})
        headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
        try:
            body = _raw_body(event)
            verify_request(self.settings, headers, body, self.clock(), self.replays)
        except SlackUnauthorized as exc:
            source = http.get("sourceIp", "?")
            log.warning("refused a Slack request to %s from %s: %s", path, source, exc.reason)
            return _json(401, {"message": "Unauthorized: the request is not signed by Slack"})
        try:
            return self._event(body, headers) if path == EVENTS else self._interaction(body)
        except BadPayload as exc:
            log.warning("unreadable Slack payload on %s: %s", path, exc)
            return _json(400, {"message": f"unreadable payload: {exc}"})

    def _event(self, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        payload = payloads.json_object(body)
        if payload.get("type") == "url_verification":
            challenge = payload.get("challenge")
            if not isinstance(challenge, str):
                raise BadPayload("url_verification without a challenge")
            return _json(200, {"challenge": challenge})
        message = payloads.direct_message(payload)
        if message is None:
            return _ack()
        event_id, event = message
        now = self.clock().timestamp()
        if not self.events_seen.first_sight(event_id, now, now):
            retry = headers.get("x-slack-retry-num", "none")
            log.info("dropped Slack event %s, already handled (retry %s)", event_id, retry)
            return _ack()
        if not self._defer({"kind": "dm", "event": event}):
            self.events_seen.forget(event_id)  # so that Slack's retry gets through
            return _busy()
        return _ack()

    def _interaction(self, body: bytes) -> dict[str, Any]:
        parsed = payloads.interaction(body)
        if isinstance(parsed, payloads.Clicked):
            return self._clicked(parsed.click, parsed.trigger_id)
        if isinstance(parsed, payloads.ReasonGiven):
            return self._reason_given(parsed.click)
        if isinstance(parsed, payloads.ReplyPressed):
            return self._ack_deferred({"kind": "button", "payload": parsed.payload})
        return _ack()

    def _clicked(self, click: Click, trigger_id: str | None) -> dict[str, Any]:
        if ADMIN not in self.settings.roles_of(click.user_id):
            log.info(
                "refused a decision on %s by Slack user %s: not an admin", click.request_id, click.user_id
            )
            return self._ack_deferred({"kind": "refuse", "channel": click.channel, "user": click.user_id})
        if click.action == APPROVE:
            return self._ack_deferred({"kind": "decide", "click": dataclasses.asdict(click)})
        try:  # now, not deferred: the trigger_id expires 3 s after the click
            web = self.web(self.settings)
            web.retry_handlers = []  # one try within the client's 2 s timeout: a retry would be too late
            web.views_open(trigger_id=trigger_id, view=approvals.reject_form(click))
        except Exception as exc:
            log.error("could not open the reject form for %s: %s", click.request_id, type(exc).__name__)
            text = "Could not open the reject form; please try again."
            return self._ack_deferred(
                {"kind": "say", "channel": click.channel, "user": click.user_id, "text": text}
            )
        return _ack()

    def _reason_given(self, click: Click) -> dict[str, Any]:
        if ADMIN not in self.settings.roles_of(click.user_id):
            return _form_error("Only Meety admins can reject requests.")
        if not click.reason or len(click.reason) > approvals.REASON_MAX:
            return _form_error(f"Give a reason of 1 to {approvals.REASON_MAX} characters.")
        return self._ack_deferred({"kind": "decide", "click": dataclasses.asdict(click)})

    def _defer(self, job: Job) -> bool:
        try:
            if self.deferrer is None:
                raise RuntimeError("no deferrer configured")
            self.deferrer.defer(job)
            return True
        except Exception as exc:
            log.error("could not defer Slack work (%s): %s", job.get("kind"), type(exc).__name__)
            return False

    def _ack_deferred(self, job: Job) -> dict[str, Any]:
        return _ack() if self._defer(job) else _busy()

    def run(self, job: Job) -> None:
        """Do one deferred job (``lambda_handler`` calls this for the marker event)."""
        kind = job.get("kind")
        web = self.web(self.settings)
        if kind == "dm":
            self.on_message(self.settings, job["event"], web, self.clock())
        elif kind == "button":
            self.on_button(self.settings, job["payload"], web, self.clock())
        elif kind == "decide":
            click = Click.of(job["click"])
            if self.decisions is None or ADMIN not in self.settings.roles_of(click.user_id):
                approvals.refuse(web, click.channel, click.user_id)  # checked again: a job is input too
                return
            approvals.decide(self.settings, self.decisions, web, click)
        elif kind == "refuse":
            approvals.refuse(web, str(job["channel"]), str(job["user"]))
        elif kind == "say":
            web.chat_postEphemeral(channel=str(job["channel"]), user=str(job["user"]), text=str(job["text"]))
        else:
            log.error("unknown deferred Slack job %r", kind)


def _raw_body(event: Mapping[str, Any]) -> bytes:
    body = event.get("body") or ""
    if not event.get("isBase64Encoded"):
        return str(body).encode("utf-8")
    try:
        return base64.b64decode(str(body), validate=True)
    except binascii.Error:
        raise SlackUnauthorized("body is not valid base64") from None


def _json(status: int, body: Mapping[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def _ack() -> dict[str, Any]:
    return {"statusCode": 200, "headers": {}, "body": ""}


def _busy() -> dict[str, Any]:
    return _json(503, {"message": "busy; retry shortly"})


def _form_error(message: str) -> dict[str, Any]:
    """Keeps the modal open with ``message`` under the reason field (Slack's ``response_action``)."""
    return _json(200, {"response_action": "errors", "errors": {approvals.REASON_BLOCK: message}})


# -- the entry point --------------------------------------------------------------------------------------

_app: SlackApp | None = None
_lock = threading.Lock()


def build_app(environ: Mapping[str, str] | None = None) -> SlackApp:
    """Settings from ``MEETY_SLACK_*``; when enabled, the admin API's services and a deferrer."""
    settings = load_slack_settings(environ)
    if not settings.enabled:
        return SlackApp(settings)
    from admin_api.wiring import build_services  # the store and the rest: only when Slack is on

    decisions = build_services().decisions
    function = (os.environ if environ is None else environ).get("AWS_LAMBDA_FUNCTION_NAME")
    deferrer = LambdaDeferrer(function) if function else ThreadDeferrer(lambda_handler)
    return SlackApp(settings, decisions=decisions, deferrer=deferrer)


def use(app: SlackApp | None) -> None:
    """Serve the next events with ``app`` (tests, the local server); None rebuilds from the environment."""
    global _app
    with _lock:
        _app = app


def _get() -> SlackApp:
    global _app
    with _lock:
        if _app is None:
            _app = build_app()
        return _app


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    app = _get()
    if isinstance(event, dict) and DEFERRED in event and "requestContext" not in event:
        job = event[DEFERRED]
        try:
            if not app.settings.enabled or not isinstance(job, dict):
                raise ValueError("Slack is off, or the job is not an object")
            app.run(job)
        except Exception:  # logged, not raised: Lambda's async retry would redo a DM turn or a decision
            log.exception("deferred Slack work failed")
            return {"done": False}
        return {"done": True}
    return app.handle(event)
