"""``meety deploy``: specs -> a running stack, as a pipeline of single-purpose stages.

1. ``plan``: compile the bot, package the Lambdas, build the template; write ``<out>/template.json``, the
   zips and ``<out>/web/`` (the web client as it will be served). ``--dry-run`` stops here, with no AWS call.
2. artifacts (``storage``): the account's artifacts bucket, the zips not uploaded yet, a large template.
3. change set (``changeset.prepare``): computed, summarised; an empty one means "nothing to deploy".
4. execute (``changeset.execute``): live events until the stack settles; a failure names its first cause.
5. ``publish``: the outputs, ``meety-outputs.json``, the web client configured for them (``web_config``),
   uploaded to the web bucket, and a CloudFront invalidation.
6. the URLs, and how to create the first admin.

Compiling, packaging and the template are injected (``Builders``), as are the AWS clients (``aws.Clients``)
and the console (``progress.Console``): tests run every stage offline.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot.build import compile_project
from bot.deploy import names
from bot.deploy.aws import Clients, DeployError
from bot.deploy.changeset import execute, prepare, summary
from bot.deploy.config import Artifacts, DeployConfig, SlackDeploy, TemplateContext
from bot.deploy.progress import Console
from bot.deploy.storage import (
    artifacts_bucket_name,
    ensure_artifacts_bucket,
    sync_folder,
    template_source,
    upload_zips,
)
from bot.deploy.web_config import INDEX, outputs_document, web_files
from bot.settings import BuildSettings, load_build_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
WEB_ENTRIES = ("index.html", "demo.js", "demo.css", "widget", "admin")
"""What is served in AWS. Not ``api-docs/``: it needs Swagger UI's assets and the API on the same origin."""
LAMBDA_SETTINGS = (
    "HOST_TIMEZONE",
    "WORKING_DAYS",
    "WORKING_HOURS",
    "MINIMUM_NOTICE_MINUTES",
    "HORIZON_DAYS",
    "MIN_DURATION_MINUTES",
    "MAX_DURATION_MINUTES",
    "PENDING_EXPIRY_DAYS",
    "TRACING",
)
"""``MEETY_*`` settings passed on to the Lambdas; store, auth and data dir are the template's to set."""
DRY_RUN_ACCOUNT = "ACCOUNT_ID"
DEPLOYED = ("CREATE_COMPLETE", "UPDATE_COMPLETE")
FAILURE_HINTS = {
    "ROLLBACK_COMPLETE": " It can only be deleted now: `meety destroy --stack {stack}`, then deploy again.",
    "UPDATE_ROLLBACK_COMPLETE": " The stack is back to its previous state.",
}


class BuiltZip(Protocol):
    @property
    def path(self) -> Path: ...


Packager = Callable[[Path, Path], Mapping[str, BuiltZip]]
TemplateBuilder = Callable[[TemplateContext], Mapping[str, Any]]


def _package_all(repo_root: Path, out_dir: Path) -> Mapping[str, BuiltZip]:
    built: Mapping[str, BuiltZip] = importlib.import_module("bot.deploy.package").package_all(
        repo_root, out_dir
    )
    return built


def _build_template(ctx: TemplateContext) -> Mapping[str, Any]:
    template: Mapping[str, Any] = importlib.import_module("bot.deploy.template").build_template(ctx)
    return template


@dataclass(frozen=True)
class Builders:
    """The plan stage's makers; the defaults are imported only when a deploy needs them."""

    package: Packager = _package_all
    template: TemplateBuilder = _build_template
    repo_root: Path = REPO_ROOT
    web_source: Path = REPO_ROOT / "web_client"


@dataclass(frozen=True)
class DeployOptions:
    stack: str
    region: str
    out: Path
    project: Path = Path(".")
    profile: str | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


@dataclass(frozen=True)
class Plan:
    config: DeployConfig
    out: Path
    template_file: Path
    template_body: str
    """Compact JSON: what CloudFormation receives (``template.json`` is the readable copy)."""
    zips: Mapping[str, Path]
    """S3 key (``lambda/<content-addressed name>``) -> local zip."""
    web_dir: Path
    artifacts: Artifacts


def deploy_config(
    stack: str, region: str, settings: BuildSettings, environ: Mapping[str, str]
) -> DeployConfig:
    return DeployConfig(
        stack=stack,
        region=region,
        pipelines=settings.pipelines,
        backup_targets=settings.backup_targets,
        alarm_prefix=environ.get("MEETY_ALARM_PREFIX", ""),
        mail_from=environ.get("MEETY_MAIL_FROM") or None,
        alarm_email=environ.get("MEETY_ALARM_EMAIL") or None,
        lambda_environment={
            f"MEETY_{name}": environ[f"MEETY_{name}"]
            for name in LAMBDA_SETTINGS
            if environ.get(f"MEETY_{name}")
        },
        slack=slack_deploy(stack, environ),
    )


def slack_deploy(stack: str, environ: Mapping[str, str]) -> SlackDeploy | None:
    """Meety's Slack app, when the operator names its admins channel (``MEETY_SLACK_ADMIN_CHANNEL``).

    The SecureStrings default to ``/meety/<stack>/...`` (docs/slack.md: the operator creates them first);
    ``MEETY_SLACK_SIGNING_SECRET_PARAMETER``, ``MEETY_SLACK_BOT_TOKEN_PARAMETER`` and
    ``MEETY_GATEWAY_KEY_PARAMETER`` name others. Nothing here calls AWS.
    """
    channel = environ.get("MEETY_SLACK_ADMIN_CHANNEL", "").strip()
    if not channel:
        return None
    from admin_api.slack.settings import parse_roles  # the same check the Slack app makes at start
    from bot.errors import SettingsError

    roles = environ.get("MEETY_SLACK_ROLES", "").strip()
    try:
        parse_roles(roles)
    except SettingsError as exc:
        raise DeployError(str(exc)) from None

    def parameter(variable: str, default: str) -> str:
        return environ.get(variable, "").strip() or f"/meety/{stack}/{default}"

    return SlackDeploy(
        signing_secret_parameter=parameter("MEETY_SLACK_SIGNING_SECRET_PARAMETER", "slack-signing-secret"),
        bot_token_parameter=parameter("MEETY_SLACK_BOT_TOKEN_PARAMETER", "slack-bot-token"),
        admin_channel=channel,
        roles=roles,
        gateway_key_parameter=parameter("MEETY_GATEWAY_KEY_PARAMETER", "gateway-key"),
    )


def plan(options: DeployOptions, bucket: str, builders: Builders, console: Console) -> Plan:
    """Stage 1: everything that will be deployed, written under ``options.out``; no AWS call."""
    settings = load_build_settings()
    bot = compile_project(options.project, settings)
    config = deploy_config(options.stack, options.region, settings, options.environ)
    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    built = builders.package(builders.repo_root, out / "lambda")
    zips = {f"lambda/{item.path.name}": item.path for item in built.values()}
    for stale in set((out / "lambda").glob("*.zip")) - set(zips.values()):
        stale.unlink()  # content-addressed: an older build's zips are never needed again
    artifacts = Artifacts(bucket, _zip_key(built, "fulfillment"), _zip_key(built, "admin"))
    template = builders.template(TemplateContext(config=config, bot=bot, artifacts=artifacts))
    template_file = out / "template.json"
    template_file.write_text(json.dumps(template, indent=2) + "\n", encoding="utf-8")
    web_dir = copy_web(builders.web_source, out / "web")
    console.say(f"  bot {bot.name}: {len(bot.locales)} locale(s)")
    console.say(f"  template    {template_file}")
    for key, path in sorted(zips.items()):
        console.say(f"  {key.removeprefix('lambda/'):<40} {path}")
    console.say(f"  web client  {web_dir}/")
    body = json.dumps(template, separators=(",", ":"))
    return Plan(config, out, template_file, body, zips, web_dir, artifacts)


def _zip_key(built: Mapping[str, BuiltZip], name: str) -> str:
    if name not in built:
        raise DeployError(
            f"the packager built no {name!r} zip (it built: {', '.join(sorted(built)) or 'nothing'})"
        )
    return f"lambda/{built[name].path.name}"


def copy_web(source: Path, target: Path) -> Path:
    """The web client as it will be served, in a fresh folder (configured later by ``publish``)."""
    if not (source / INDEX).is_file() or not (source / "admin" / "config.json").is_file():
        raise DeployError(f"{source} is not the web client: index.html or admin/config.json is missing")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns(".*", "__pycache__")
    for entry in WEB_ENTRIES:
        path = source / entry
        if path.is_dir():
            shutil.copytree(path, target / entry, ignore=ignore)
        elif path.is_file():
            shutil.copy2(path, target / entry)
    return target


def dry_run(options: DeployOptions, builders: Builders, console: Console) -> int:
    console.say(f"meety deploy --dry-run: stack {options.stack} in {options.region}, no AWS call")
    bucket = artifacts_bucket_name(DRY_RUN_ACCOUNT, options.region)
    result = plan(options, bucket, builders, console)
    console.say(
        f"\nWritten under {result.out}. Not deployed; the template names the artifacts bucket {bucket} "
        "(a real deploy puts the account id there). Deploy with the same command without --dry-run."
    )
    return 0


def deploy(options: DeployOptions, clients: Clients, builders: Builders, console: Console) -> int:
    """Every stage; DeployError (or a botocore error, for the CLI edge to translate) when one fails."""
    account = str(clients.sts.get_caller_identity()["Account"])
    console.say(f"meety deploy: stack {options.stack} in {options.region} (account {account})")
    bucket = artifacts_bucket_name(account, options.region)

    console.say("\n[1/6] plan")
    the_plan = plan(options, bucket, builders, console)

    console.say("\n[2/6] artifacts")
    ensure_artifacts_bucket(clients.s3, bucket, account, options.region, console)
    upload_zips(clients.s3, bucket, the_plan.zips, console)
    template = template_source(clients.s3, bucket, options.region, options.stack, the_plan.template_body)

    console.say("\n[3/6] change set")
    name = f"meety-{console.clock():%Y%m%d-%H%M%S}"
    change_set = prepare(clients.cloudformation, options.stack, template, console, name)
    if change_set.empty:
        console.say("  nothing to deploy: the stack already matches this template")
        console.say("\n[4/6] execute: skipped")
    else:
        console.say(f"  {len(change_set.changes)} change(s):")
        for line in summary(change_set):
            console.say(line)
        console.say("\n[4/6] execute")
        outcome = execute(clients.cloudformation, change_set, console)
        if outcome.status not in DEPLOYED:
            hint = FAILURE_HINTS.get(outcome.status, "").format(stack=options.stack)
            raise DeployError(
                f"deployment failed: stack {options.stack} is {outcome.status}. "
                f"First failure: {outcome.failure_reason()}.{hint}"
            )

    console.say("\n[5/6] outputs")
    outputs = publish(clients, the_plan, change_set.stack_id, console)

    console.say("\n[6/6] done")
    for line in next_steps(options, outputs):
        console.say(line)
    return 0


def stack_outputs(cloudformation: Any, stack_id: str) -> dict[str, str]:
    stack = cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]
    return {str(item["OutputKey"]): str(item.get("OutputValue", "")) for item in stack.get("Outputs", [])}


def publish(clients: Clients, the_plan: Plan, stack_id: str, console: Console) -> dict[str, str]:
    """Stage 5: print and save the outputs, configure and upload the web client, invalidate CloudFront."""
    outputs = stack_outputs(clients.cloudformation, stack_id)
    width = max((len(key) for key in outputs), default=0)
    for key, value in sorted(outputs.items()):
        console.say(f"  {key:<{width}}  {value}")
    saved = the_plan.out / "meety-outputs.json"
    saved.write_bytes(outputs_document(outputs))
    console.say(f"  saved to {saved}")

    index = (the_plan.web_dir / INDEX).read_text(encoding="utf-8")
    for path, data in web_files(outputs, the_plan.config.region, index).items():
        (the_plan.web_dir / path).write_bytes(data)
    bucket, distribution = outputs.get(names.OUT_WEB_BUCKET), outputs.get(names.OUT_DISTRIBUTION_ID)
    if not bucket or not distribution:
        raise DeployError(f"the stack has no {names.OUT_WEB_BUCKET} / {names.OUT_DISTRIBUTION_ID} output")
    uploaded, deleted = sync_folder(clients.s3, bucket, the_plan.web_dir)
    console.say(
        f"  web client: {uploaded} file(s) uploaded to s3://{bucket}, {deleted} stale file(s) removed"
    )
    invalidation = clients.cloudfront.create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": f"meety-{the_plan.config.stack}-{console.clock():%Y%m%dT%H%M%S%f}",
        },
    )
    console.say(
        f"  CloudFront invalidation {invalidation['Invalidation']['Id']} started: "
        "the new files are served everywhere within a few minutes"
    )
    return outputs


def next_steps(options: DeployOptions, outputs: Mapping[str, str]) -> list[str]:
    site = outputs.get(names.OUT_WEB_URL, "").rstrip("/")
    lines = [f"  stack {options.stack} in {options.region} is up to date"]
    if site:
        lines += [f"  web client    {site}/", f"  admin portal  {site}/admin/"]
    if outputs.get(names.OUT_ADMIN_API_URL):
        lines.append(f"  admin API     {outputs[names.OUT_ADMIN_API_URL]}")
    pool = outputs.get(names.OUT_USER_POOL_ID)
    if pool:
        where = f"--region {options.region}" + (f" --profile {options.profile}" if options.profile else "")
        lines += [
            "",
            "Next: create the first admin (Cognito e-mails a temporary password; the portal asks for a new",
            "one at the first sign-in):",
            f"  aws cognito-idp admin-create-user {where} --user-pool-id {pool} \\",
            "      --username you@example.com \\",
            "      --user-attributes Name=email,Value=you@example.com Name=email_verified,Value=true",
            f"  aws cognito-idp admin-add-user-to-group {where} --user-pool-id {pool} \\",
            "      --username you@example.com --group-name admin",
        ]
    return lines
