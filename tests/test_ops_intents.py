"""DeployStatus and RecentAlarms through ``lambda_handler``: who may ask, what they hear, what is audited.

GIVEN the recorded events under ``tests/events`` with a token (or none) in the ``authorization`` request
attribute and AWS stubbed by botocore's Stubber on real response shapes, WHEN the code hook answers,
THEN staff get the answer, everyone else a polite refusal with no AWS call, and each turn is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from fulfillment.handler import set_app
from fulfillment.ops.alarms import ALARM_TYPES
from fulfillment.ops.clients import AwsClients
from tests.ops_intents_support import Clients, OpsWorld, call, event, ops_world, said, state
from tests.ops_support import stubbed_client
from tests.runtime_support import NOW
from tests.test_ops_alarms import alarms_page, history_item, metric_alarm
from tests.test_ops_deploys import SHA, action, fetched, listed, stage
from tests.test_ops_deploys import state as pipeline_state

DEPLOY = "deploy_status_fulfillment.json"
ALARMS = "recent_alarms_fulfillment.json"


@pytest.fixture
def pipeline() -> Iterator[tuple[Any, Stubber]]:
    with stubbed_client("codepipeline") as pair:
        yield pair


@pytest.fixture
def watch() -> Iterator[tuple[Any, Stubber]]:
    with stubbed_client("cloudwatch") as pair:
        yield pair


@pytest.fixture
def world(tmp_path: Path, pipeline: tuple[Any, Stubber], watch: tuple[Any, Stubber]) -> Iterator[OpsWorld]:
    built = ops_world(tmp_path, Clients(pipeline=pipeline[0], watch=watch[0]))
    set_app(built.app)
    yield built
    set_app(None)
    built.audit.close()


# -- who may ask ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [DEPLOY, "deploy_status_dialog.json", ALARMS])
def test_anonymous_callers_are_refused_politely_without_calling_aws(world: OpsWorld, name: str) -> None:
    reply = call(event(name))
    assert state(reply) == ("Close", "Failed")
    assert "staff only" in said(reply)
    assert "sign in" in said(reply)
    (entry,) = world.entries()
    assert (entry.outcome, entry.actor, entry.subject, entry.detail) == (
        "refused",
        "anonymous",
        None,
        "reason=not_signed_in",
    )
    # the Stubbers hold no responses: any AWS call would have failed the test at teardown


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda w: w.token("ops")[:-4] + "AAAA", "invalid_token"),  # tampered signature
        (lambda w: w.token("ops", now=NOW - timedelta(hours=1)), "invalid_token"),  # expired
        (lambda w: "not-a-jwt", "invalid_token"),
        (lambda w: w.token("viewer"), "no_role"),
        (lambda w: w.token(), "no_role"),
    ],
    ids=["tampered", "expired", "garbage", "viewer", "no-roles"],
)
def test_untrusted_or_unprivileged_tokens_are_refused(world: OpsWorld, make_token: Any, reason: str) -> None:
    reply = call(event(DEPLOY, make_token(world)))
    assert state(reply) == ("Close", "Failed")
    expected = "need the ops role" if reason == "no_role" else "couldn't verify your sign-in"
    assert expected in said(reply)
    (entry,) = world.entries()
    assert (entry.outcome, entry.detail) == ("refused", f"reason={reason}")


def test_a_session_attribute_cannot_claim_an_identity(world: OpsWorld) -> None:
    """Session attributes are the client's to write: a token there is ignored."""
    evt = event(DEPLOY)
    evt["sessionState"]["sessionAttributes"] = {"authorization": f"Bearer {world.token('admin')}"}
    assert state(call(evt)) == ("Close", "Failed")


# -- DeployStatus ----------------------------------------------------------------------------------------


def test_failed_pipeline_names_stage_action_error_and_revision(
    world: OpsWorld, pipeline: tuple[Any, Stubber]
) -> None:
    _, stubber = pipeline
    listed(stubber, "web-app", "Failed")
    fetched(stubber, "web-app", "Failed")
    failed = action(
        "DeployECS", "Failed", errorDetails={"code": "JobFailed", "message": "Health check failed"}
    )
    pipeline_state(
        stubber, "web-app", [stage("Source", "Succeeded", []), stage("Deploy", "Failed", [failed])]
    )
    reply = call(event(DEPLOY, world.token("ops")))
    assert state(reply) == ("Close", "Fulfilled")
    text = said(reply)
    assert "web-app: failed at Sat 2026-11-21 04:07 EST" in text
    assert "Stopped at stage Deploy, action DeployECS: Health check failed" in text
    assert f"Revision {SHA[:12]}: “Fix login redirect”" in text
    (entry,) = world.entries()
    assert (entry.outcome, entry.actor, entry.subject, entry.detail) == (
        "answered",
        "dana",
        "sub-dana",
        "pipeline=web-app",
    )


def test_in_progress_pipeline_in_spanish_and_in_the_users_zone(world: OpsWorld, pipeline: Any) -> None:
    _, stubber = pipeline
    listed(stubber, "web-app", "InProgress")
    fetched(stubber, "web-app", "InProgress")
    pipeline_state(stubber, "web-app", [stage("Deploy", "InProgress", [action("DeployECS", "InProgress")])])
    evt = event(DEPLOY, world.token("admin"))
    evt["bot"]["localeId"] = "es_US"
    evt["sessionState"]["sessionAttributes"] = {"timeZone": "Europe/Madrid"}
    text = said(call(evt))
    assert text.splitlines()[0] == "web-app: en curso desde sáb 2026-11-21 10:00 CET."
    assert "Ahora en la etapa Deploy, acción DeployECS." in text


def test_moto_like_missing_stage_api_degrades_with_a_note(world: OpsWorld, pipeline: Any) -> None:
    _, stubber = pipeline
    listed(stubber, "web-app", "Failed")
    fetched(stubber, "web-app", "Failed")
    stubber.add_client_error("get_pipeline_state", "AccessDeniedException", http_status_code=400)
    text = said(call(event(DEPLOY, world.token("ops"))))
    assert "web-app: failed" in text
    assert "(I couldn't read the stage details: Meety's AWS role may not read them.)" in text


def test_unknown_pipeline_name_is_asked_again_with_the_configured_ones(world: OpsWorld) -> None:
    reply = call(event("deploy_status_dialog.json", world.token("ops"), PipelineName="billing"))
    assert reply["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "PipelineName"}
    assert (
        said(reply)
        == "I don't know a pipeline called “billing”. I can check: web-app, payments-api. Which one?"
    )


def test_known_pipeline_passes_the_dialog_hook(world: OpsWorld) -> None:
    reply = call(event("deploy_status_dialog.json", world.token("ops"), PipelineName="WEB-APP"))
    assert reply["sessionState"]["dialogAction"]["type"] == "Delegate"


def test_pipeline_aws_does_not_know(world: OpsWorld, pipeline: Any) -> None:
    _, stubber = pipeline
    stubber.add_client_error("list_pipeline_executions", "PipelineNotFoundException", http_status_code=400)
    reply = call(event(DEPLOY, world.token("ops")))
    assert state(reply) == ("Close", "Failed")
    assert said(reply) == "AWS has no pipeline called “web-app”."
    assert world.entries()[0].detail == "pipeline=web-app error=not_found"


@pytest.mark.parametrize(
    ("code", "http", "expected", "kind"),
    [
        ("ThrottlingException", 400, "AWS isn't answering right now", "unavailable"),
        ("AccessDeniedException", 400, "isn't allowed to do that (ListPipelineExecutions)", "access_denied"),
        ("InternalError", 500, "AWS isn't answering right now", "unavailable"),
    ],
)
def test_aws_failures_get_a_friendly_answer(
    world: OpsWorld, pipeline: Any, code: str, http: int, expected: str, kind: str
) -> None:
    _, stubber = pipeline
    stubber.add_client_error(
        "list_pipeline_executions", code, "User: arn:aws:iam::123456789012:role/x is not authorized", http
    )
    reply = call(event(DEPLOY, world.token("ops")))
    assert state(reply) == ("Close", "Failed")
    assert expected in said(reply)
    assert "123456789012" not in said(reply)  # AWS's message text never reaches the user
    (entry,) = world.entries()
    assert (entry.outcome, entry.detail) == ("failed", f"pipeline=web-app error={kind}:{code}")


def test_overview_of_all_configured_pipelines(world: OpsWorld, pipeline: Any) -> None:
    _, stubber = pipeline
    listed(stubber, "web-app", "Succeeded")
    fetched(stubber, "web-app", "Succeeded")
    stubber.add_response(
        "list_pipeline_executions",
        {"pipelineExecutionSummaries": []},
        {"pipelineName": "payments-api", "maxResults": 1},
    )
    reply = call(event(DEPLOY, world.token("ops"), PipelineName=None))
    lines = said(reply).splitlines()
    assert lines[0] == "Deploy status of 2 pipelines:"
    assert lines[1].startswith(
        "web-app: succeeded at Sat 2026-11-21 04:07 EST (started Sat 2026-11-21 04:00 EST)."
    )
    assert lines[2] == "payments-api: it hasn't run yet."
    assert world.entries()[0].detail == "overview"


def test_no_credentials_say_how_to_configure_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    built = ops_world(tmp_path, AwsClients())
    set_app(built.app)
    try:
        reply = call(event(DEPLOY, built.token("ops")))
    finally:
        set_app(None)
    assert state(reply) == ("Close", "Failed")
    assert "no AWS credentials or region configured" in said(reply)
    assert "meety serve --sandbox" in said(reply)
    assert built.entries()[0].detail == "pipeline=web-app error=not_configured:NoCredentialsError"


def test_long_overviews_fit_lex_message_limits(tmp_path: Path, pipeline: Any) -> None:
    client, stubber = pipeline
    names = [f"service-{n:02d}-deployment-pipeline" for n in range(40)]
    for _name in names:
        stubber.add_client_error(
            "list_pipeline_executions", "PipelineNotFoundException", http_status_code=400
        )
    built = ops_world(tmp_path, Clients(pipeline=client), pipelines=names)
    set_app(built.app)
    try:
        reply = call(event(DEPLOY, built.token("ops"), PipelineName=None))
    finally:
        set_app(None)
    messages = [m["content"] for m in reply["messages"]]
    assert 1 <= len(messages) <= 5
    assert all(len(m) <= 1000 for m in messages)
    assert (
        "service-00-deployment-pipeline: I couldn't read it (AWS has no pipeline by that name)."
        in messages[0]
    )


# -- RecentAlarms -----------------------------------------------------------------------------------------


def history(stubber: Stubber, items: list[dict[str, Any]], hours: int) -> None:
    now = NOW.astimezone(NOW.tzinfo)
    stubber.add_response(
        "describe_alarm_history",
        {"AlarmHistoryItems": items},
        {
            "HistoryItemType": "StateUpdate",
            "StartDate": now - timedelta(hours=hours),
            "EndDate": now,
            "AlarmTypes": ALARM_TYPES,
            "ScanBy": "TimestampDescending",
        },
    )


def test_alarms_firing_and_recovered_within_the_window(world: OpsWorld, watch: Any) -> None:
    _, stubber = watch
    since = NOW - timedelta(hours=2)
    alarms_page(stubber, [metric_alarm("checkout-5xx-rate", since, "Threshold Crossed: 12 > 5")])
    history(
        stubber,
        [
            history_item("queue-age", NOW - timedelta(hours=1), "ALARM", "OK", "back to normal"),
            history_item(
                "queue-age", NOW - timedelta(hours=3), "OK", "ALARM", "Threshold Crossed: 900 > 600"
            ),
        ],
        hours=6,
    )
    reply = call(event(ALARMS, world.token("ops")))
    assert state(reply) == ("Close", "Fulfilled")
    assert said(reply).splitlines() == [
        "Firing now (1):",
        "• checkout-5xx-rate since Wed 2026-11-18 08:00 EST: Threshold Crossed: 12 > 5",
        "Fired in the last 6 hours and recovered:",
        "• queue-age fired Wed 2026-11-18 07:00 EST, recovered Wed 2026-11-18 09:00 EST: "
        "Threshold Crossed: 900 > 600",
    ]
    assert world.entries()[0].detail == "window=360m firing=1"


def test_no_alarms_is_a_clear_answer_with_the_default_window(world: OpsWorld, watch: Any) -> None:
    _, stubber = watch
    alarms_page(stubber, [])
    history(stubber, [], hours=24)
    reply = call(event(ALARMS, world.token("ops"), TimeWindow=None))
    assert said(reply) == "All clear: no alarm is firing, and none fired in the last 24 hours."


def test_missing_history_api_is_said_not_hidden(world: OpsWorld, watch: Any) -> None:
    _, stubber = watch
    alarms_page(stubber, [])
    stubber.add_client_error("describe_alarm_history", "AccessDenied", http_status_code=403)
    reply = call(event(ALARMS, world.token("ops")))
    assert "couldn't read the alarm history" in said(reply)
    assert said(reply).startswith("No alarm is firing right now.")


def test_out_of_range_window_is_asked_again(world: OpsWorld) -> None:
    reply = call(event(ALARMS, world.token("ops"), TimeWindow="P30D"))
    assert reply["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "TimeWindow"}
    assert "between 5 minutes and 14 days" in said(reply)


def test_alarm_throttling_is_a_friendly_failure(world: OpsWorld, watch: Any) -> None:
    _, stubber = watch
    stubber.add_client_error("describe_alarms", "Throttling", http_status_code=400)
    reply = call(event(ALARMS, world.token("ops")))
    assert state(reply) == ("Close", "Failed")
    assert "AWS isn't answering right now" in said(reply)
