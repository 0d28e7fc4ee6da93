"""Deploy status from CodePipeline: the latest execution of a pipeline, and an overview of several.

Three read-only calls per pipeline: ``list_pipeline_executions(maxResults=1)`` finds the latest execution
(status, start, last update), ``get_pipeline_execution`` adds the source revision, and, only when the
execution is not a plain success, ``get_pipeline_state`` names the stage and action in progress or failed
with its error summary. ``get_pipeline_state`` is optional: moto lacks it and a least-privilege role may not
grant it, so its absence leaves ``stage`` empty and says why in ``degraded`` instead of failing the answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from fulfillment.ops.aws import OpsAccessDenied, OpsError, OpsNotConfigured, OpsUnsupported, aws_errors

FINISHED = frozenset({"Succeeded", "Superseded", "Failed", "Stopped", "Cancelled"})
"""Execution statuses after which ``lastUpdateTime`` is the end time."""

_NEEDS_STAGE = frozenset({"InProgress", "Failed", "Stopped", "Stopping", "Cancelled"})
"""Statuses worth a ``get_pipeline_state`` call: where did it stop, or where is it now."""

SUMMARY_LIMIT = 300
"""Longest error or revision summary kept; the bot's answer must fit Lex's message limits."""


class CodePipelineClient(Protocol):
    """The calls we make on a boto3 ``codepipeline`` client (injected, so tests pass a stubbed one)."""

    def list_pipeline_executions(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def get_pipeline_execution(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def get_pipeline_state(self, **kwargs: Any) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class StageProgress:
    """The stage (and action within it) where the execution is now, or where it stopped."""

    stage: str
    status: str
    """The stage's status: ``InProgress``, ``Failed``, ``Stopped``, ``Stopping`` or ``Cancelled``."""
    action: str | None = None
    error_code: str | None = None
    """The action's ``errorDetails.code`` (e.g. ``JobFailed``)."""
    error_summary: str | None = None
    """The action's ``errorDetails.message`` (or its ``summary``), shortened to ``SUMMARY_LIMIT``."""


@dataclass(frozen=True)
class DeployStatus:
    """What one pipeline is doing. ``status is None`` with ``error is None``: it has never run.

    ``error`` is the ``OpsError.kind`` when this pipeline could not be read (only in ``overview``), with
    ``error_code`` for logs. ``degraded`` is that kind when stage details were wanted but
    ``get_pipeline_state`` was unavailable (``"unsupported"``, ``"access_denied"``).
    """

    pipeline: str
    status: str | None = None
    """CodePipeline's execution status: ``InProgress``, ``Succeeded``, ``Failed``, ``Stopped``, ..."""
    execution_id: str | None = None
    started: datetime | None = None
    ended: datetime | None = None
    """``lastUpdateTime`` once the execution has finished; ``None`` while it runs."""
    revision_id: str | None = None
    revision_summary: str | None = None
    """The source commit's message (first line), shortened; ``None`` when the source gives none."""
    stage: StageProgress | None = None
    degraded: str | None = None
    error: str | None = None
    error_code: str | None = None

    @property
    def never_run(self) -> bool:
        return self.error is None and self.execution_id is None


def deploy_status(client: CodePipelineClient, pipeline: str) -> DeployStatus:
    """The latest execution of ``pipeline``; raises ``OpsError`` (``OpsNotFound`` for an unknown name)."""
    with aws_errors("ListPipelineExecutions"):
        listed = client.list_pipeline_executions(pipelineName=pipeline, maxResults=1)
    summaries = listed.get("pipelineExecutionSummaries") or []
    if not summaries:
        return DeployStatus(pipeline=pipeline)
    summary: Mapping[str, Any] = summaries[0]
    execution_id = str(summary["pipelineExecutionId"])
    with aws_errors("GetPipelineExecution"):
        detail = client.get_pipeline_execution(pipelineName=pipeline, pipelineExecutionId=execution_id)
    execution: Mapping[str, Any] = detail.get("pipelineExecution") or {}
    status = str(execution.get("status") or summary.get("status") or "Unknown")
    revision_id, revision_summary = _revision(execution, summary)
    stage: StageProgress | None = None
    degraded: str | None = None
    if status in _NEEDS_STAGE:
        try:
            with aws_errors("GetPipelineState"):
                state = client.get_pipeline_state(name=pipeline)
        except (OpsUnsupported, OpsAccessDenied) as exc:
            degraded = exc.kind
        else:
            stage = current_stage(state, execution_id)
    return DeployStatus(
        pipeline=pipeline,
        status=status,
        execution_id=execution_id,
        started=summary.get("startTime"),
        ended=summary.get("lastUpdateTime") if status in FINISHED else None,
        revision_id=revision_id,
        revision_summary=revision_summary,
        stage=stage,
        degraded=degraded,
    )


def overview(client: CodePipelineClient, pipelines: Sequence[str]) -> list[DeployStatus]:
    """``deploy_status`` of each pipeline, in order; a pipeline that fails carries its error kind.

    Missing credentials are not one pipeline's problem: ``OpsNotConfigured`` is raised, so the bot says
    how to configure them once instead of N times.
    """
    results: list[DeployStatus] = []
    for name in pipelines:
        try:
            results.append(deploy_status(client, name))
        except OpsNotConfigured:
            raise
        except OpsError as exc:
            results.append(DeployStatus(pipeline=name, error=exc.kind, error_code=exc.code))
    return results


def current_stage(state: Mapping[str, Any], execution_id: str) -> StageProgress | None:
    """From a ``get_pipeline_state`` response: the first stage of *this* execution not plainly done.

    Stages whose ``latestExecution`` belongs to another execution are skipped, so a newer run that
    superseded an older one never lends its stage to the older one's answer.
    """
    for stage in state.get("stageStates") or []:
        latest = stage.get("latestExecution") or {}
        status = latest.get("status")
        if latest.get("pipelineExecutionId") != execution_id or status not in _NEEDS_STAGE:
            continue
        wanted = ("InProgress",) if status in ("InProgress", "Stopping") else ("Failed", "Abandoned")
        for action in stage.get("actionStates") or []:
            run = action.get("latestExecution") or {}
            if run.get("status") in wanted:
                details = run.get("errorDetails") or {}
                return StageProgress(
                    stage=str(stage["stageName"]),
                    status=str(status),
                    action=str(action["actionName"]),
                    error_code=details.get("code"),
                    error_summary=_shorten(details.get("message") or run.get("summary")),
                )
        return StageProgress(stage=str(stage["stageName"]), status=str(status))
    return None


def _revision(execution: Mapping[str, Any], summary: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The first source revision: the execution's ``artifactRevisions``, else ``sourceRevisions``."""
    revisions = execution.get("artifactRevisions") or summary.get("sourceRevisions") or []
    if not revisions:
        return None, None
    first: Mapping[str, Any] = revisions[0]
    return first.get("revisionId"), _commit_message(first.get("revisionSummary"))


def _commit_message(raw: str | None) -> str | None:
    """CodeStar connection sources send ``{"ProviderType": ..., "CommitMessage": ...}`` as the summary."""
    if not raw:
        return None
    text = raw
    if raw.lstrip().startswith("{"):
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("CommitMessage"), str):
            text = parsed["CommitMessage"]
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return _shorten(first_line)


def _shorten(text: str | None) -> str | None:
    if not text:
        return None
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1].rstrip() + "…"
