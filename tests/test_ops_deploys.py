"""DeployStatus service: CodePipeline responses (real shapes, via Stubber) become a ``DeployStatus``.

GIVEN a stubbed ``codepipeline`` client whose responses botocore's Stubber validates against the service
model, WHEN ``deploy_status`` / ``overview`` run, THEN the dataclass carries what a user asks about: status,
times, source revision, and the stage and action in progress or failed. A moto smoke test shows the
happy path against moto's implementation, and that moto's missing ``get_pipeline_state`` degrades.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber

from fulfillment.ops.aws import (
    OpsAccessDenied,
    OpsNotConfigured,
    OpsNotFound,
    OpsUnavailable,
    OpsUnsupported,
    aws_errors,
    client_config,
)
from fulfillment.ops.deploys import SUMMARY_LIMIT, StageProgress, deploy_status, overview
from tests.ops_support import stubbed_client

EID = "3f2a7c1e-8b4d-4e1a-9c55-0d2f6b7a9e10"
OLD_EID = "11111111-2222-4333-8444-555555555555"
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 21, 9, 7, 30, tzinfo=UTC)
SHA = "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c"


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    with stubbed_client("codepipeline") as pair:
        yield pair


def listed(stubber: Stubber, pipeline: str, status: str, execution_id: str = EID) -> None:
    stubber.add_response(
        "list_pipeline_executions",
        {
            "pipelineExecutionSummaries": [
                {
                    "pipelineExecutionId": execution_id,
                    "status": status,
                    "startTime": T0,
                    "lastUpdateTime": T1,
                    "sourceRevisions": [
                        {"actionName": "Source", "revisionId": SHA, "revisionSummary": "summary's message"}
                    ],
                    "trigger": {"triggerType": "Webhook", "triggerDetail": "arn:aws:codepipeline:webhook"},
                }
            ]
        },
        {"pipelineName": pipeline, "maxResults": 1},
    )


def fetched(
    stubber: Stubber, pipeline: str, status: str, revisions: list[dict[str, Any]] | None = None
) -> None:
    if revisions is None:
        message = json.dumps({"ProviderType": "GitHub", "CommitMessage": "Fix login redirect\n\nDetails..."})
        revisions = [
            {
                "name": "SourceArtifact",
                "revisionId": SHA,
                "revisionSummary": message,
                "revisionUrl": "https://github.com/acme/web/commit/9b1c2d3",
                "created": T0,
            }
        ]
    stubber.add_response(
        "get_pipeline_execution",
        {
            "pipelineExecution": {
                "pipelineName": pipeline,
                "pipelineVersion": 4,
                "pipelineExecutionId": EID,
                "status": status,
                "artifactRevisions": revisions,
                "trigger": {"triggerType": "Webhook", "triggerDetail": "arn:aws:codepipeline:webhook"},
                "executionMode": "SUPERSEDED",
            }
        },
        {"pipelineName": pipeline, "pipelineExecutionId": EID},
    )


def action(name: str, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "actionName": name,
        "latestExecution": {
            "actionExecutionId": f"act-{name}",
            "status": status,
            "lastStatusChange": T1,
            **extra,
        },
    }


def stage(name: str, status: str, actions: list[dict[str, Any]], execution_id: str = EID) -> dict[str, Any]:
    return {
        "stageName": name,
        "latestExecution": {"pipelineExecutionId": execution_id, "status": status},
        "actionStates": actions,
    }


def state(stubber: Stubber, pipeline: str, stages: list[dict[str, Any]]) -> None:
    stubber.add_response(
        "get_pipeline_state",
        {"pipelineName": pipeline, "pipelineVersion": 4, "stageStates": stages, "created": T0, "updated": T1},
        {"name": pipeline},
    )


def test_succeeded_pipeline_reports_times_and_revision_without_stage_call(stubbed: Any) -> None:
    """A success needs no stage detail: no ``get_pipeline_state`` call (the Stubber flags an extra one)."""
    client, stubber = stubbed
    listed(stubber, "web", "Succeeded")
    fetched(stubber, "web", "Succeeded")
    status = deploy_status(client, "web")
    assert status.status == "Succeeded"
    assert status.execution_id == EID
    assert (status.started, status.ended) == (T0, T1)
    assert status.revision_id == SHA
    assert status.revision_summary == "Fix login redirect"
    assert status.stage is None
    assert status.degraded is None
    assert not status.never_run


def test_in_progress_pipeline_names_stage_and_action(stubbed: Any) -> None:
    """The stage of *this* execution that is running, and its running action; no end time yet."""
    client, stubber = stubbed
    listed(stubber, "web", "InProgress")
    fetched(stubber, "web", "InProgress")
    state(
        stubber,
        "web",
        [
            stage("Source", "Succeeded", [action("Source", "Succeeded")]),
            stage("Build", "InProgress", [action("Lint", "Succeeded"), action("CodeBuild", "InProgress")]),
            stage("Deploy", "Failed", [action("DeployToECS", "Failed")], execution_id=OLD_EID),
        ],
    )
    status = deploy_status(client, "web")
    assert status.status == "InProgress"
    assert status.ended is None
    assert status.stage == StageProgress(stage="Build", status="InProgress", action="CodeBuild")


def test_stage_of_another_execution_is_not_reported(stubbed: Any) -> None:
    """Stage state is per stage, not per execution: an older run still busy in Build is not ours to report
    (our latest run has only passed Source), so no stage rather than the wrong one."""
    client, stubber = stubbed
    listed(stubber, "web", "InProgress")
    fetched(stubber, "web", "InProgress")
    state(
        stubber,
        "web",
        [
            stage("Source", "Succeeded", [action("Source", "Succeeded")]),
            stage("Build", "InProgress", [action("CodeBuild", "InProgress")], execution_id=OLD_EID),
        ],
    )
    status = deploy_status(client, "web")
    assert status.status == "InProgress"
    assert status.stage is None
    assert status.degraded is None


def test_failed_pipeline_carries_the_error_summary(stubbed: Any) -> None:
    """A failure says where and why: stage, action, ``errorDetails`` code and message."""
    client, stubber = stubbed
    listed(stubber, "api", "Failed")
    fetched(stubber, "api", "Failed")
    failed = action(
        "DeployToECS",
        "Failed",
        summary="Deployment failed",
        errorDetails={"code": "JobFailed", "message": "Deployment d-X1 failed: 2 tasks failed health checks"},
    )
    state(
        stubber,
        "api",
        [
            stage("Source", "Succeeded", [action("Source", "Succeeded")]),
            stage("Deploy", "Failed", [action("Migrate", "Succeeded"), failed]),
        ],
    )
    status = deploy_status(client, "api")
    assert status.status == "Failed"
    assert status.ended == T1
    assert status.stage == StageProgress(
        stage="Deploy",
        status="Failed",
        action="DeployToECS",
        error_code="JobFailed",
        error_summary="Deployment d-X1 failed: 2 tasks failed health checks",
    )


def test_long_error_summary_is_shortened(stubbed: Any) -> None:
    """Lex caps message length: an error message of kilobytes must not flow through unabridged."""
    client, stubber = stubbed
    listed(stubber, "api", "Failed")
    fetched(stubber, "api", "Failed", revisions=[])
    failed = action("Build", "Failed", errorDetails={"code": "JobFailed", "message": "x" * 2000})
    state(stubber, "api", [stage("Build", "Failed", [failed])])
    status = deploy_status(client, "api")
    assert status.stage is not None
    assert status.stage.error_summary is not None
    assert len(status.stage.error_summary) == SUMMARY_LIMIT
    assert status.stage.error_summary.endswith("…")
    assert status.revision_id == SHA  # from the summary's sourceRevisions when the execution has none
    assert status.revision_summary == "summary's message"


def test_pipeline_with_no_executions_is_a_valid_state(stubbed: Any) -> None:
    """A new pipeline has never run: that is an answer, not an error."""
    client, stubber = stubbed
    stubber.add_response(
        "list_pipeline_executions",
        {"pipelineExecutionSummaries": []},
        {"pipelineName": "new", "maxResults": 1},
    )
    status = deploy_status(client, "new")
    assert status.never_run
    assert status.status is None
    assert status.error is None


@pytest.mark.parametrize(
    ("code", "http", "expected"),
    [
        ("PipelineNotFoundException", 400, OpsNotFound),
        ("AccessDeniedException", 400, OpsAccessDenied),
        ("ThrottlingException", 400, OpsUnavailable),
        ("UnrecognizedClientException", 400, OpsNotConfigured),
    ],
)
def test_list_failures_raise_their_kind(
    stubbed: Any, code: str, http: int, expected: type[Exception]
) -> None:
    """Unknown pipeline, missing permission, throttling, bad credentials: each its own ``OpsError``."""
    client, stubber = stubbed
    stubber.add_client_error(
        "list_pipeline_executions",
        service_error_code=code,
        service_message="secret text",
        http_status_code=http,
        expected_params={"pipelineName": "web", "maxResults": 1},
    )
    with pytest.raises(expected) as info:
        deploy_status(client, "web")
    assert "secret text" not in str(info.value)


@pytest.mark.parametrize(
    ("code", "http", "kind"),
    [("NotImplemented", 501, "unsupported"), ("AccessDeniedException", 400, "access_denied")],
)
def test_stage_details_unavailable_degrades(stubbed: Any, code: str, http: int, kind: str) -> None:
    """Without ``get_pipeline_state`` the failure is still reported, just without the stage."""
    client, stubber = stubbed
    listed(stubber, "web", "Failed")
    fetched(stubber, "web", "Failed")
    stubber.add_client_error(
        "get_pipeline_state", service_error_code=code, http_status_code=http, expected_params={"name": "web"}
    )
    status = deploy_status(client, "web")
    assert status.status == "Failed"
    assert status.stage is None
    assert status.degraded == kind


def test_stage_call_throttled_is_not_hidden(stubbed: Any) -> None:
    """Only "unsupported" and "denied" degrade; an outage during the stage call is still an outage."""
    client, stubber = stubbed
    listed(stubber, "web", "InProgress")
    fetched(stubber, "web", "InProgress")
    stubber.add_client_error("get_pipeline_state", service_error_code="ThrottlingException")
    with pytest.raises(OpsUnavailable):
        deploy_status(client, "web")


def test_overview_keeps_going_past_a_failing_pipeline(stubbed: Any) -> None:
    """One unknown or forbidden pipeline must not hide the others; its entry carries the error kind."""
    client, stubber = stubbed
    listed(stubber, "web", "Succeeded")
    fetched(stubber, "web", "Succeeded")
    stubber.add_client_error("list_pipeline_executions", service_error_code="PipelineNotFoundException")
    stubber.add_client_error("list_pipeline_executions", service_error_code="AccessDeniedException")
    results = overview(client, ["web", "gone", "secret"])
    assert [r.pipeline for r in results] == ["web", "gone", "secret"]
    assert results[0].status == "Succeeded"
    assert results[0].error is None
    assert (results[1].error, results[1].error_code) == ("not_found", "PipelineNotFoundException")
    assert (results[2].error, results[2].error_code) == ("access_denied", "AccessDeniedException")
    assert not results[1].never_run


def test_overview_without_credentials_raises_once(stubbed: Any) -> None:
    """Missing credentials concern every pipeline: one ``OpsNotConfigured``, not N error entries."""
    client, stubber = stubbed
    stubber.add_client_error("list_pipeline_executions", service_error_code="UnrecognizedClientException")
    with pytest.raises(OpsNotConfigured):
        overview(client, ["web", "api"])


def test_moto_happy_path_and_missing_stage_api() -> None:
    """Against moto: a new pipeline has never run, a started one reports Succeeded; an unknown name is
    not found; and moto's unimplemented ``get_pipeline_state`` surfaces as ``OpsUnsupported`` (what
    ``deploy_status`` degrades on)."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "codepipeline.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = iam.create_role(RoleName="pipeline", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        client = boto3.client("codepipeline", region_name="us-east-1", config=client_config())
        client.create_pipeline(pipeline=moto_pipeline("web", role))

        assert deploy_status(client, "web").never_run
        execution_id = client.start_pipeline_execution(name="web")["pipelineExecutionId"]
        status = deploy_status(client, "web")
        assert status.status == "Succeeded"
        assert status.execution_id == execution_id
        assert status.started is not None
        with pytest.raises(OpsNotFound):
            deploy_status(client, "nope")
        with pytest.raises(OpsUnsupported), aws_errors("GetPipelineState"):
            client.get_pipeline_state(name="web")
        assert [r.error for r in overview(client, ["web", "nope"])] == [None, "not_found"]


def moto_pipeline(name: str, role: str) -> dict[str, Any]:
    s3 = {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}
    deploy = {"category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1"}
    return {
        "name": name,
        "roleArn": role,
        "artifactStore": {"type": "S3", "location": "artifacts-bucket"},
        "stages": [
            {
                "name": "Source",
                "actions": [
                    {
                        "name": "Source",
                        "actionTypeId": s3,
                        "configuration": {"S3Bucket": "src-bucket", "S3ObjectKey": "app.zip"},
                        "outputArtifacts": [{"name": "App"}],
                    }
                ],
            },
            {
                "name": "Deploy",
                "actions": [
                    {
                        "name": "Publish",
                        "actionTypeId": deploy,
                        "configuration": {"BucketName": "site-bucket", "Extract": "true"},
                        "inputArtifacts": [{"name": "App"}],
                    }
                ],
            },
        ],
    }
