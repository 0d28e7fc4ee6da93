"""DeployStatus and RecentAlarms: read-only ops answers for staff, straight from AWS.

Both check the caller first (``StaffTurn.refusal``); then the services in ``fulfillment.ops`` do the AWS
calls and these handlers only turn their results into sentences in the user's language and time zone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fulfillment import lex
from fulfillment.ops import (
    AlarmReport,
    DeployStatus,
    OpsError,
    OpsNotFound,
    deploy_status,
    overview,
    parse_window,
    recent_alarms,
)
from fulfillment.ops_turn import StaffTurn, staff_intent
from fulfillment.targets import find_pipeline

Json = dict[str, Any]
DEPLOY_INTENT = "DeployStatus"
ALARMS_INTENT = "RecentAlarms"
PIPELINE_SLOT = "PipelineName"
WINDOW_SLOT = "TimeWindow"


@staff_intent(DEPLOY_INTENT)
def deploy_dialog(turn: StaffTurn) -> Json:
    """Refuse non-staff before asking anything; a named pipeline must be one we are configured for."""
    said = turn.slot(PIPELINE_SLOT)
    if said and turn.ops.pipelines and find_pipeline(turn.ops.pipelines, said) is None:
        turn.intent["slots"][PIPELINE_SLOT] = None
        message = turn.say("unknown_pipeline", name=said, known=", ".join(turn.ops.pipelines))
        return lex.elicit_slot(turn.intent, PIPELINE_SLOT, turn.attrs, [lex.plain(message)])
    return lex.delegate(turn.intent, turn.attrs)


@staff_intent(DEPLOY_INTENT)
def deploy_fulfil(turn: StaffTurn) -> Json:
    said = turn.slot(PIPELINE_SLOT)
    try:
        if said:
            name = find_pipeline(turn.ops.pipelines, said) or said.strip()
            try:
                status = deploy_status(turn.ops.clients.codepipeline(), name)
            except OpsNotFound:
                turn.audit("failed", f"pipeline={name} error=not_found")
                return turn.close("Failed", [turn.say("pipeline_not_found", name=name)])
            return turn.answer(_deploy_lines(turn, status), f"pipeline={name}")
        if not turn.ops.pipelines:
            return turn.answer([turn.say("no_pipelines")], "overview none configured")
        statuses = overview(turn.ops.clients.codepipeline(), turn.ops.pipelines)
    except OpsError as exc:
        return turn.failure(exc, f"pipeline={said}" if said else "overview")
    lines = [turn.say("overview_header", count=len(statuses))]
    for status in statuses:
        lines.append(" ".join(_deploy_lines(turn, status)))
    return turn.answer(lines, "overview")


def _deploy_lines(turn: StaffTurn, status: DeployStatus) -> list[str]:
    if status.error is not None:
        return [turn.say("deploy_unreadable", pipeline=status.pipeline, why=turn.say(f"why_{status.error}"))]
    if status.never_run:
        return [turn.say("deploy_never", pipeline=status.pipeline)]
    label = turn.say(f"deploy_status_{status.status}") if status.status in _KNOWN else status.status
    if status.ended is None:
        lines = [
            turn.say(
                "deploy_running", pipeline=status.pipeline, status=label, started=turn.when(status.started)
            )
        ]
    else:
        lines = [
            turn.say(
                "deploy_done",
                pipeline=status.pipeline,
                status=label,
                ended=turn.when(status.ended),
                started=turn.when(status.started),
            )
        ]
    stage = status.stage
    if stage is not None:
        action = turn.say("deploy_action", action=stage.action) if stage.action else ""
        if stage.error_summary or stage.status in ("Failed", "Stopped", "Cancelled"):
            error = stage.error_summary or stage.error_code or stage.status
            lines.append(turn.say("deploy_stage_failed", stage=stage.stage, action=action, error=error))
        else:
            lines.append(turn.say("deploy_stage_running", stage=stage.stage, action=action))
    elif status.degraded is not None:
        lines.append(turn.say("deploy_degraded", why=turn.say(f"degraded_{status.degraded}")))
    if status.revision_id:
        revision = status.revision_id[:12]
        if status.revision_summary:
            lines.append(turn.say("deploy_revision", revision=revision, summary=status.revision_summary))
        else:
            lines.append(turn.say("deploy_revision_bare", revision=revision))
    return lines


_KNOWN = frozenset({"Succeeded", "Failed", "Stopped", "Stopping", "Superseded", "Cancelled", "InProgress"})


@staff_intent(ALARMS_INTENT)
def alarms_fulfil(turn: StaffTurn) -> Json:
    said = turn.slot(WINDOW_SLOT)
    try:
        window = parse_window(said)
    except ValueError:
        turn.intent["slots"][WINDOW_SLOT] = None
        return lex.elicit_slot(turn.intent, WINDOW_SLOT, turn.attrs, [lex.plain(turn.say("bad_window"))])
    detail = f"window={int(window.total_seconds() // 60)}m"
    try:
        report = recent_alarms(turn.ops.clients.cloudwatch(), window, turn.now, turn.ops.alarm_prefix)
    except OpsError as exc:
        return turn.failure(exc, detail)
    return turn.answer(_alarm_lines(turn, report), f"{detail} firing={len(report.firing)}")


def _alarm_lines(turn: StaffTurn, report: AlarmReport) -> list[str]:
    window = window_text(turn, report.window)
    if not report.firing and not report.recent:
        key = "alarms_clear" if report.history_available else "alarms_clear_no_history"
        return [turn.say(key, window=window)]
    lines: list[str] = []
    if report.firing:
        lines.append(turn.say("alarms_firing_header", count=len(report.firing)))
        for alarm in report.firing:
            reason = alarm.reason or turn.say("no_reason")
            lines.append(
                turn.say("alarm_firing", name=alarm.name, since=turn.when(alarm.since), reason=reason)
            )
    else:
        lines.append(turn.say("alarms_none_firing"))
    if report.recent:
        lines.append(turn.say("alarms_recent_header", window=window))
        for past in report.recent:
            recovered = (
                turn.say("alarm_recovered", at=turn.when(past.recovered_at)) if past.recovered_at else ""
            )
            reason = past.reason or turn.say("no_reason")
            lines.append(
                turn.say(
                    "alarm_recent",
                    name=past.name,
                    fired=turn.when(past.fired_at),
                    recovered=recovered,
                    reason=reason,
                )
            )
    elif report.history_available:
        lines.append(turn.say("alarms_no_recent", window=window))
    else:
        lines.append(turn.say("alarms_history_unavailable", window=window))
    return lines


def window_text(turn: StaffTurn, window: timedelta) -> str:
    """ "24 hours", "3 days", "45 minutes": the window as the answer names it."""
    minutes = int(window.total_seconds() // 60)
    if minutes % (24 * 60) == 0 and minutes > 24 * 60:
        return turn.say("window_days", n=minutes // (24 * 60))
    if minutes == 60:
        return turn.say("window_hour")
    if minutes % 60 == 0:
        return turn.say("window_hours", n=minutes // 60)
    return turn.say("window_minutes", n=minutes)
