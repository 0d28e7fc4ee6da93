"""The Lex V2 code hook Lambda: ``lambda_handler`` routes each event to a small per-intent handler.

The app (settings, store, texts) is built once, lazily, on the first event; importing this module only
creates the Powertools logger and metrics. Whatever goes wrong (an unknown intent, a malformed event, a
store failure, a bug), the answer is a valid Lex response that closes the intent as Failed with a polite
message, and the error is logged: a Lambda that raises makes Lex fail the whole turn.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from fulfillment import lex, tracing
from fulfillment.app import LOCALES_DIR, App, build_app, clock_from, open_store
from fulfillment.domain import Request
from fulfillment.intents_meeting import dialog as schedule_dialog
from fulfillment.intents_meeting import fulfil as schedule_fulfil
from fulfillment.intents_my_meetings import cancel_dialog, cancel_fulfil, list_meetings
from fulfillment.logs import masked_logger
from fulfillment.mail_notifier import MailNotifier
from fulfillment.settings import FulfillmentSettings, load_fulfillment_settings
from fulfillment.slack_replies import for_channel
from fulfillment.texts import Texts

Json = dict[str, Any]
IntentHandler = Callable[[App, Mapping[str, Any]], Json]
NAMESPACE = "Meety"
SERVICE = "meety-fulfillment"
FALLBACK_INTENT = "FallbackIntent"

logger = masked_logger(SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


def staff_only(module: str, function: str) -> IntentHandler:
    """A staff intent's handler, imported on first use with the ops context built then too.

    Most turns are meeting turns: the ops modules, AWS error translation, token verification and the ops
    audit (~50 ms of imports) are paid by the first staff turn of a warm Lambda, not by every cold start.
    """

    def run(app: App, event: Mapping[str, Any]) -> Json:
        intent_handler: IntentHandler = getattr(importlib.import_module(module), function)
        return intent_handler(_with_ops(app), event)

    return run


ROUTES: dict[tuple[str, str], IntentHandler] = {
    ("ScheduleMeeting", "DialogCodeHook"): schedule_dialog,
    ("ScheduleMeeting", "FulfillmentCodeHook"): schedule_fulfil,
    ("ListMyMeetings", "DialogCodeHook"): lambda app, event: lex.delegate(
        lex.clean_intent(lex.intent_of(event), "ListMyMeetings"), lex.attributes(event)
    ),
    ("ListMyMeetings", "FulfillmentCodeHook"): list_meetings,
    ("CancelMeeting", "DialogCodeHook"): cancel_dialog,
    ("CancelMeeting", "FulfillmentCodeHook"): cancel_fulfil,
    ("DeployStatus", "DialogCodeHook"): staff_only("fulfillment.intents_ops", "deploy_dialog"),
    ("DeployStatus", "FulfillmentCodeHook"): staff_only("fulfillment.intents_ops", "deploy_fulfil"),
    ("RecentAlarms", "FulfillmentCodeHook"): staff_only("fulfillment.intents_ops", "alarms_fulfil"),
    ("TriggerBackup", "DialogCodeHook"): staff_only("fulfillment.intents_backup", "trigger_dialog"),
    ("TriggerBackup", "FulfillmentCodeHook"): staff_only("fulfillment.intents_backup", "trigger_fulfil"),
    ("BackupStatus", "FulfillmentCodeHook"): staff_only("fulfillment.intents_backup", "status_fulfil"),
}

_app: App | None = None
_settings: FulfillmentSettings | None = None
"""The settings ``_app`` was built from (None for an app a test injected): the ops context needs them."""
_texts: Texts | None = None
_lock = threading.Lock()


def record_metric(name: str, dimensions: Mapping[str, str]) -> None:
    if not dimensions:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
        return
    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=NAMESPACE) as metric:
        for key, value in dimensions.items():
            metric.add_dimension(name=key, value=value[:250] or "-")


def _get_app() -> App:
    global _app, _settings
    with _lock:
        if _app is None:
            settings = _settings = load_fulfillment_settings()
            clock = clock_from(settings)
            store = open_store(settings)
            app = build_app(settings, store, _get_texts(), clock)
            app = replace(app, notifier=MailNotifier(clock), announce=_announce)
            # Powertools' switch for local runs; single_metric ignores it, so honour it here, once
            disabled = os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() == "true"
            _app = replace(app, record=(lambda name, dimensions: None) if disabled else record_metric)
            if settings.tracing:
                tracing.start(SERVICE)
        return _app


def announce_nowhere(request: Request) -> None:
    """Without the Slack app, new requests wait in the portal's queue."""


_announce: Callable[[Request], None] = announce_nowhere


def use_announcer(announce: Callable[[Request], None]) -> None:
    """Tell the admins about new requests through ``announce`` (``meety serve`` wires the Slack app's)."""
    global _announce, _app
    with _lock:
        _announce = announce
        if _app is not None:
            _app = replace(_app, announce=announce)


def _with_ops(app: App) -> App:
    """``app`` with its ops context, built once from the settings the app was built from."""
    global _app
    if app.ops is not None or _settings is None:
        return app  # an injected app without ops: the staff intent answers Failed, as for any bug
    with _lock:
        if _app is not None and _app.ops is None:
            from fulfillment.ops_context import build_ops

            _app = replace(_app, ops=build_ops(_settings, _dynamodb_client(_app.store)))
        return _app if _app is not None else app


def _dynamodb_client(store: object) -> Any:
    """The DynamoDB store's client, reused for the ops audit (one connection pool, one cold start)."""
    return getattr(store, "client", None)


def _get_texts() -> Texts:
    global _texts
    if _texts is None:
        _texts = _app.texts if _app is not None else Texts.load(LOCALES_DIR)
    return _texts


def set_app(app: App | None) -> None:
    """Use ``app`` for the next events (tests inject a store and a clock); None rebuilds from the env."""
    global _app, _texts, _settings
    with _lock:
        _settings = None
        _app = replace(app, record=record_metric) if app is not None else None
        _texts = app.texts if app is not None else None


def failed(event: object, texts: Texts | None) -> Json:
    """Close as Failed with an apology: the answer when nothing better can be given."""
    source = event if isinstance(event, Mapping) else {}
    locale = lex.locale_of(source)
    name = lex.intent_name(source) or FALLBACK_INTENT
    try:
        message = (texts or _get_texts()).message(locale, "Fulfillment.messages.failed")
    except Exception:
        message = "Sorry, something went wrong on my side. Please try again in a moment."
    intent = lex.clean_intent(lex.intent_of(source), name)
    return lex.close(intent, "Failed", lex.attributes(source), [lex.plain(message)])


def route(app: App, event: Mapping[str, Any]) -> Json:
    name = lex.intent_name(event)
    source = lex.text(event.get("invocationSource")) or ""
    handler = ROUTES.get((name or "", source))
    if handler is None:
        logger.warning("no handler for this event", extra={"intent": name, "source": source})
        app.record("Fallbacks", {})
        return failed(event, app.texts)
    return handler(app, event)


@metrics.log_metrics(raise_on_empty_metrics=False)
def lambda_handler(event: Any, context: Any) -> Json:
    texts: Texts | None = None
    try:
        session = event.get("sessionId") if isinstance(event, Mapping) else None
        logger.set_correlation_id(session if isinstance(session, str) else None)
        app = _get_app()
        texts = app.texts
        if not isinstance(event, Mapping):
            raise TypeError(f"the event is a {type(event).__name__}, not an object")
        with tracing.segment(lex.intent_name(event), lex.text(event.get("invocationSource"))):
            reply = route(app, event)
        reply = for_channel(event, reply)  # Slack (Lex's channel) reads mrkdwn, not the widget's markdown
        # fulfilment turns (a request filed, listed, cancelled) are worth a line; dialog-hook turns, the
        # bulk of the traffic, only at DEBUG: one JSON line costs ~40% of a warm dialog-hook invocation
        source = lex.text(event.get("invocationSource"))
        log = logger.info if source == "FulfillmentCodeHook" else logger.debug
        log(
            "answered",
            extra={
                "intent": lex.intent_name(event),
                "source": source,
                "action": reply["sessionState"]["dialogAction"]["type"],
                "state": reply["sessionState"].get("intent", {}).get("state"),
            },
        )
        return reply
    except Exception:
        logger.exception("the code hook failed; answering Failed")
        try:
            return failed(event, texts)
        except Exception:
            return {
                "sessionState": {
                    "dialogAction": {"type": "Close"},
                    "intent": {"name": FALLBACK_INTENT, "state": "Failed"},
                },
                "messages": [lex.plain("Sorry, something went wrong on my side. Please try again.")],
            }
