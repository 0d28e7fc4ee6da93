"""Alarms, where they go, and one dashboard. Every alarm treats missing data as not breaching: an idle
stack sends no metrics, costs nothing and stays green.

- ``ALARM_TOPIC``: SNS topic every alarm notifies (on ALARM and on recovery), with an e-mail subscription
  only when ``ctx.config.alarm_email`` is set (AWS mails a confirmation link first).
- Alarms (``<stack>-...``): each function's ``Errors`` >= 1 in 5 minutes (a Lambda timeout counts too;
  the sweeper's matter because expiry and backups stall without it); the code hook's ``Duration`` p99 above
  3 s in 2 of 3 five-minute periods; and the fallback rate: metric math over the code hook's EMF metric
  ``Fallbacks`` (namespace ``Meety``, dimension ``service=meety-fulfillment``, as Powertools writes it)
  per Lambda invocation, above 30% over 15 minutes.
  What ``Fallbacks`` counts: events the code hook has no handler for (``fulfillment.handler.route``), i.e.
  a bot and a Lambda that disagree. The project's ``FallbackIntent`` has no code hook, so Lex's own "did
  not understand" never reaches the Lambda and is not in this metric. The denominator counts every code
  hook call, dialog hooks included.
- The pending queue's age: the sweeper puts the oldest pending request's wait (``PendingQueueAge``,
  seconds, ``service=meety-sweeper``) every run; the alarm fires when a request has waited over a day for
  an admin's decision (requests expire after ``MEETY_PENDING_EXPIRY_DAYS``, 7 by default).
- ``DASHBOARD`` (named after the stack): Lambda errors, Lambda duration, the code hook's fallbacks, and
  meeting and backup requests created (``RequestsCreated``, ``BackupsRequested``).
"""

from __future__ import annotations

import json
from typing import Any

from bot.deploy import names
from bot.deploy.config import TemplateContext
from bot.deploy.template import Fragment, Json
from bot.deploy.template_core import METRICS_NAMESPACE, SERVICES

FIVE_MINUTES = 300
DURATION_P99_MS = 3000
FALLBACK_RATE_PERCENT = 30
FALLBACK_PERIOD = 900
FULFILLMENT_SERVICE = SERVICES["fulfillment"]
SWEEPER_SERVICE = SERVICES["sweeper"]
QUEUE_AGE_METRIC = "PendingQueueAge"
"""What ``fulfillment.sweeper`` puts each run (kept in step by a test)."""
QUEUE_AGE_LIMIT_S = 24 * 3600
_FUNCTIONS = (
    ("fulfillment", names.FULFILLMENT_FUNCTION),
    ("admin-api", names.ADMIN_FUNCTION),
    ("sweeper", names.SWEEPER_FUNCTION),
)


def _alarm(ctx: TemplateContext, name: str, description: str, properties: Json) -> Json:
    topic = {"Ref": names.ALARM_TOPIC}
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": f"{ctx.config.stack}-{name}",
            "AlarmDescription": description,
            "ActionsEnabled": True,
            "AlarmActions": [topic],
            "OKActions": [topic],
            "TreatMissingData": "notBreaching",
            **properties,
        },
    }


def _function_metric(function: str, metric: str) -> Json:
    return {
        "Namespace": "AWS/Lambda",
        "MetricName": metric,
        "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": function}}],
    }


def _errors(ctx: TemplateContext, suffix: str, function: str) -> Json:
    return _alarm(
        ctx,
        f"{suffix}-errors",
        f"The {suffix} Lambda failed (an error or a timeout) in the last 5 minutes.",
        {
            **_function_metric(function, "Errors"),
            "Statistic": "Sum",
            "Period": FIVE_MINUTES,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        },
    )


def _fallback_rate(ctx: TemplateContext) -> Json:
    fallbacks = {
        "Namespace": METRICS_NAMESPACE,
        "MetricName": "Fallbacks",
        "Dimensions": [{"Name": "service", "Value": FULFILLMENT_SERVICE}],
    }
    invocations = _function_metric(names.FULFILLMENT_FUNCTION, "Invocations")
    metrics = [
        {"Id": "fallbacks", "MetricStat": {"Metric": fallbacks, "Period": FALLBACK_PERIOD, "Stat": "Sum"}},
        {
            "Id": "invocations",
            "MetricStat": {"Metric": invocations, "Period": FALLBACK_PERIOD, "Stat": "Sum"},
        },
    ]
    rate = {
        "Id": "rate",
        "Label": "Fallbacks per code hook invocation (%)",
        # no fallbacks is no datapoint: count it as 0; no invocations leaves no value (missing: not breaching)
        "Expression": "100 * FILL(fallbacks, 0) / invocations",
        "ReturnData": True,
    }
    return _alarm(
        ctx,
        "fallback-rate",
        f"More than {FALLBACK_RATE_PERCENT}% of code hook calls in 15 minutes had no handler (bot and Lambda "
        "disagree).",
        {
            "Metrics": [*({**m, "ReturnData": False} for m in metrics), rate],
            "EvaluationPeriods": 1,
            "Threshold": FALLBACK_RATE_PERCENT,
            "ComparisonOperator": "GreaterThanThreshold",
        },
    )


def _queue_age(ctx: TemplateContext) -> Json:
    return _alarm(
        ctx,
        "pending-queue-age",
        "A request has waited more than a day for an admin's decision.",
        {
            "Namespace": METRICS_NAMESPACE,
            "MetricName": QUEUE_AGE_METRIC,
            "Dimensions": [{"Name": "service", "Value": SWEEPER_SERVICE}],
            "Statistic": "Maximum",
            "Period": FALLBACK_PERIOD,
            "EvaluationPeriods": 1,
            "Threshold": QUEUE_AGE_LIMIT_S,
            "ComparisonOperator": "GreaterThanThreshold",
        },
    )


def _widget(title: str, metrics: list[list[Any]], stat: str, x: int, y: int, **extra: Any) -> Json:
    properties = {
        "title": title,
        "region": "${AWS::Region}",
        "view": "timeSeries",
        "stat": stat,
        "period": FIVE_MINUTES,
        "metrics": metrics,
        **extra,
    }
    return {"type": "metric", "x": x, "y": y, "width": 12, "height": 6, "properties": properties}


def dashboard_body() -> str:
    """The dashboard as JSON for ``Fn::Sub``: ``${AWS::Region}`` and ``${<function logical id>}`` only."""

    def per_function(metric: str) -> list[list[Any]]:
        return [
            ["AWS/Lambda", metric, "FunctionName", f"${{{function}}}", {"label": suffix}]
            for suffix, function in _FUNCTIONS
        ]

    ours = [METRICS_NAMESPACE]
    service = ["service", FULFILLMENT_SERVICE]
    widgets = [
        _widget("Lambda errors", per_function("Errors"), "Sum", 0, 0),
        _widget(
            "Lambda duration p99 (ms)",
            per_function("Duration"),
            "p99",
            12,
            0,
            annotations={"horizontal": [{"label": "alarm (code hook)", "value": DURATION_P99_MS}]},
        ),
        _widget("Code hook fallbacks", [[*ours, "Fallbacks", *service]], "Sum", 0, 6),
        _widget(
            "Requests created",
            [[*ours, "RequestsCreated", *service], [*ours, "BackupsRequested", *service]],
            "Sum",
            12,
            6,
        ),
        _widget(
            "Oldest pending request (hours)",
            [
                [{"expression": "age / 3600", "label": "hours waiting", "id": "hours"}],
                [*ours, QUEUE_AGE_METRIC, "service", SWEEPER_SERVICE, {"id": "age", "visible": False}],
            ],
            "Maximum",
            0,
            12,
        ),
    ]
    return json.dumps({"widgets": widgets}, sort_keys=True, separators=(",", ":"))


def fragment(ctx: TemplateContext) -> Fragment:
    topic: Json = {"DisplayName": f"Meety alarms ({ctx.config.stack})"}
    if ctx.config.alarm_email:
        topic["Subscription"] = [{"Protocol": "email", "Endpoint": ctx.config.alarm_email}]
    duration = _alarm(
        ctx,
        "fulfillment-duration",
        f"The code hook's p99 duration was above {DURATION_P99_MS} ms in 2 of the last 3 5-minute periods.",
        {
            **_function_metric(names.FULFILLMENT_FUNCTION, "Duration"),
            "ExtendedStatistic": "p99",
            "Period": FIVE_MINUTES,
            "EvaluationPeriods": 3,
            "DatapointsToAlarm": 2,
            "Threshold": DURATION_P99_MS,
            "ComparisonOperator": "GreaterThanThreshold",
        },
    )
    resources: Json = {
        names.ALARM_TOPIC: {"Type": "AWS::SNS::Topic", "Properties": topic},
        **{f"{function}ErrorsAlarm": _errors(ctx, suffix, function) for suffix, function in _FUNCTIONS},
        "FulfillmentDurationAlarm": duration,
        "FallbackRateAlarm": _fallback_rate(ctx),
        "PendingQueueAgeAlarm": _queue_age(ctx),
        names.DASHBOARD: {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {"DashboardName": ctx.config.stack, "DashboardBody": {"Fn::Sub": dashboard_body()}},
        },
    }
    outputs = {
        names.OUT_DASHBOARD: {"Description": "The CloudWatch dashboard.", "Value": {"Ref": names.DASHBOARD}}
    }
    return {"Resources": resources, "Outputs": outputs}
