"""What a deployment is made of: the operator's choices, the uploaded artifacts, and the template input."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.model import Bot
from fulfillment.targets import BackupTarget

LAMBDA_RUNTIME = "python3.11"
"""The Lambda runtime the zips are built for (the wheels vendored must match its Python)."""


@dataclass(frozen=True)
class SlackDeploy:
    """Meety's own Slack app in the stack (``template_slack``). The parameters are SSM SecureString names
    the operator creates before deploying (docs/slack.md); the stack reads them, it never holds a secret."""

    signing_secret_parameter: str
    bot_token_parameter: str
    admin_channel: str
    """``MEETY_SLACK_ADMIN_CHANNEL``: the channel id where pending requests are posted."""
    roles: str
    """``MEETY_SLACK_ROLES``: ``U012AB3CD:admin,U045ABCDE:ops+viewer``."""
    gateway_key_parameter: str
    """``MEETY_GATEWAY_KEY_PARAMETER``: the key the Slack app signs its users' tokens with, the code hook
    verifies them with."""


@dataclass(frozen=True)
class DeployConfig:
    stack: str
    region: str
    pipelines: tuple[str, ...] = ()
    """CodePipeline names the ops intents may read (IAM is scoped to exactly these)."""
    backup_targets: tuple[BackupTarget, ...] = ()
    """The backup allow-list (IAM is scoped to exactly these instances, clusters and tables)."""
    alarm_prefix: str = ""
    """``MEETY_ALARM_PREFIX``: only alarms whose names start with this are shown ("" means all)."""
    mail_from: str | None = None
    """The SES identity notifications are sent from; None: no e-mail (the outbox is local-only)."""
    alarm_email: str | None = None
    """Where the stack's own CloudWatch alarms are e-mailed (an SNS subscription); None: nowhere."""
    lambda_environment: Mapping[str, str] = field(default_factory=dict)
    """Extra ``MEETY_*`` settings for the Lambdas (host zone, working hours...), from the operator's env."""
    runtime: str = LAMBDA_RUNTIME
    slack: SlackDeploy | None = None
    """Meety's Slack app (its Lambda, role and two public routes); None: not deployed."""


@dataclass(frozen=True)
class Artifacts:
    """Where ``deployer`` uploaded the Lambda zips (content-addressed keys: a changed zip is a new key)."""

    bucket: str
    fulfillment_key: str
    admin_key: str


@dataclass(frozen=True)
class TemplateContext:
    config: DeployConfig
    bot: Bot
    artifacts: Artifacts
