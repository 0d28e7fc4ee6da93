"""Shared pieces of the deploy tests: the real Lambda zips, and an offline AWS for ``meety deploy``.

For ``tests/test_deploy_package_*``: ``builds`` (the real zips, vendored once per session: both the zip
tests and the bare-runtime acceptance run use it), ``or_skip`` for a pip failure (it fails
the test, in CI and out) and ``runtime_imports``, the imports a module runs.

For ``tests/test_deploy_deployer_*``: the names and outputs of a ``demo`` stack, the fakes (packager,
template builder), the ``world`` of stubbed botocore clients with its console, ``web_source`` and ``run``
(``meety <argv>`` through the registered handlers), and the stub helpers every flow needs. Test modules
import the fixtures by name (``run`` needs ``world`` and ``web_source``) so pytest finds them.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import hashlib
import io
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NoReturn

import botocore.session
import pytest
from botocore.stub import Stubber

from bot.build import zip_bytes
from bot.deploy import names
from bot.deploy.aws import Clients
from bot.deploy.cli import register
from bot.deploy.config import TemplateContext
from bot.deploy.deployer import Builders
from bot.deploy.package import BuiltZip, package_all
from bot.deploy.progress import Console
from bot.deploy.vendor import PipFailed
from tests.conftest import REPO, ProjectFactory

# -- the Lambda zips: imports, and the real builds (vendored once per session) ----------------------------


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(path: Path, arcname: str) -> set[str]:
    """Absolute names the module at ``arcname`` imports when it runs (``if TYPE_CHECKING:`` blocks left
    out, lazy imports in functions included); ``from a import b`` gives ``a`` and ``a.b`` (a submodule?)."""
    found: set[str] = set()
    module = module_name(arcname)
    package = module if arcname.endswith("/__init__.py") else module.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for statement in node.orelse:
                visit(statement)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def module_name(arcname: str) -> str:
    return arcname.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def module_file(name: str, files: set[str]) -> str | None:
    path = name.replace(".", "/")
    return next((f for f in (f"{path}.py", f"{path}/__init__.py") if f in files), None)


@dataclasses.dataclass
class Builds:
    first: dict[str, BuiltZip]
    second: dict[str, BuiltZip]
    seconds: tuple[float, float]


def or_skip(error: PipFailed) -> NoReturn:
    """A pip failure fails the test, in CI and out: the zips are part of what ``make test`` checks, and
    pip reaching the package registry (or its cache) is part of the machine ``make test`` needs."""
    raise error


_SESSION: dict[str, Builds | PipFailed] = {}
"""The session's one build: pytest gives every test module that imports ``builds`` a fixture of its own,
so a ``scope="session"`` alone would still vendor once per importing module."""


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """The real zips, built twice (to compare the bytes) once per session."""
    if "zips" not in _SESSION:
        _SESSION["zips"] = build_twice(tmp_path_factory.mktemp("zips"))
    found = _SESSION["zips"]
    if isinstance(found, PipFailed):
        or_skip(found)
    return found


def build_twice(out: Path) -> Builds | PipFailed:
    timings = []
    results = []
    try:
        for name in ("first", "second"):
            started = time.perf_counter()
            results.append(package_all(REPO, out / name))
            timings.append(time.perf_counter() - started)
    except PipFailed as error:
        return error
    return Builds(results[0], results[1], (timings[0], timings[1]))


# -- meety deploy / destroy: a demo stack ------------------------------------------------------------------

REGION = "eu-west-1"
ACCOUNT = "123456789012"
STACK = "demo"
STACK_ARN = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK}/0f3e1a20-c7a5-11f0-9d1e-0a1b2c3d4e5f"
CS_ARN = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:changeSet/meety-20261121-100000/5b1d9a4e-1111-2222"
ARTIFACTS = f"meety-artifacts-{ACCOUNT}-{REGION}"
WEB_BUCKET = "demo-webbucket-1x2y3z"
NOW = datetime(2026, 11, 21, 10, 0, 0, tzinfo=UTC)
OUTPUTS = {
    names.OUT_REGION: REGION,
    names.OUT_TABLE: "demo-RequestsTable-ABC",
    names.OUT_BOT_ID: "BOTID12345",
    names.OUT_BOT_ALIAS_ID: "ALIAS12345",
    names.OUT_USER_POOL_ID: f"{REGION}_AbC123",
    names.OUT_USER_POOL_CLIENT_ID: "1example23456789client",
    names.OUT_IDENTITY_POOL_ID: f"{REGION}:11111111-2222-3333-4444-555555555555",
    names.OUT_ADMIN_API_URL: "https://d111.cloudfront.net/admin/api",
    names.OUT_WEB_BUCKET: WEB_BUCKET,
    names.OUT_DISTRIBUTION_ID: "E1EXAMPLE",
    names.OUT_WEB_URL: "https://d111.cloudfront.net/",
}
WIDGET_TAG = (
    '<script\n      src="/widget/meety-widget.js"\n      data-endpoint=""\n      data-bot-id="auto"\n'
    '      data-alias-id="TSTALIASID"\n      data-locale="en_US"\n      defer\n    ></script>'
)
WEB = {
    "index.html": f"<!doctype html>\n<html><body>\n  <p>&lt;script demo&gt;</p>\n    {WIDGET_TAG}\n</body>\n",
    "demo.js": "console.log('demo');\n",
    "admin/index.html": "<!doctype html><title>portal</title>\n",
    "admin/config.json": '{"auth": "local", "apiBase": "/admin/api"}\n',
    "widget/meety-widget.js": "/* widget */\n",
    "widget/meety-widget.css": ".mw{}\n",
    "widget/.DS_Store": "junk",
    "api-docs/index.html": "<!doctype html><title>docs</title>\n",
}


# -- the fakes: packager, template builder, console, clients ---------------------------------------------


@dataclass(frozen=True)
class FakeZip:
    path: Path


def zip_data(name: str) -> bytes:
    return zip_bytes({f"{name}.py": f"def lambda_handler(event, context):\n    return {name!r}\n".encode()})


def zip_key(name: str) -> str:
    return f"lambda/{name}-{hashlib.sha256(zip_data(name)).hexdigest()[:12]}.zip"


def fake_packager(repo_root: Path, out_dir: Path) -> dict[str, FakeZip]:
    out_dir.mkdir(parents=True, exist_ok=True)
    built = {}
    for name in ("fulfillment", "admin"):
        path = out_dir / zip_key(name).removeprefix("lambda/")
        path.write_bytes(zip_data(name))
        built[name] = FakeZip(path)
    return built


def fake_template(ctx: TemplateContext) -> dict[str, Any]:
    code = {"S3Bucket": ctx.artifacts.bucket, "S3Key": ctx.artifacts.fulfillment_key}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Meety ({ctx.config.stack}) for {ctx.bot.name}",
        "Resources": {
            names.TABLE: {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain"},
            names.FULFILLMENT_FUNCTION: {"Type": "AWS::Lambda::Function", "Properties": {"Code": code}},
        },
    }


@dataclass
class World:
    clients: Clients
    stubs: dict[str, Stubber]
    out: io.StringIO = field(default_factory=io.StringIO)
    err: io.StringIO = field(default_factory=io.StringIO)
    answers: list[str] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)

    def __getattr__(self, service: str) -> Stubber:
        return self.stubs[service]

    def console(self) -> Console:
        return Console(
            out=self.out, ask=self._ask, sleep=self.sleeps.append, clock=lambda: NOW, poll_seconds=5
        )

    def _ask(self, prompt: str) -> str:
        self.out.write(prompt)
        return self.answers.pop(0)


@pytest.fixture
def world() -> Iterator[World]:
    session = botocore.session.get_session()
    made = {
        service: session.create_client(
            service,
            region_name=REGION,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",  # noqa: S106 - dummy key, never sent
        )
        for service in ("cloudformation", "s3", "sts", "cloudfront", "cognito-idp")
    }
    stubs = {service.split("-")[0]: Stubber(client) for service, client in made.items()}
    clients = Clients(
        cloudformation=made["cloudformation"],
        s3=made["s3"],
        sts=made["sts"],
        cloudfront=made["cloudfront"],
        cognito=made["cognito-idp"],
    )
    for stub in stubs.values():
        stub.activate()
    yield World(clients, stubs)
    for stub in stubs.values():
        stub.assert_no_pending_responses()
        stub.deactivate()


@pytest.fixture
def web_source(tmp_path: Path) -> Path:
    root = tmp_path / "web_client"
    for path, text in WEB.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


Run = Callable[..., int]


@pytest.fixture
def run(world: World, web_source: Path, make_project: ProjectFactory, tmp_path: Path) -> Run:
    """``meety <argv>`` through the registered handlers, with the world's clients and console."""
    project = make_project()
    builders = Builders(
        package=fake_packager, template=fake_template, repo_root=tmp_path, web_source=web_source
    )

    def run(*argv: str) -> int:
        root = argparse.ArgumentParser(prog="meety")
        commands = root.add_subparsers(dest="command", required=True)
        register(
            commands,
            clients=lambda p, r: world.clients,
            builders=builders,
            console=world.console(),
            stderr=world.err,
        )
        args = root.parse_args(list(argv))
        if args.command == "deploy":
            args.project = str(project)
        code: int = args.handler(args)
        return code

    return run


# -- stub helpers: one per AWS call, real shapes ----------------------------------------------------------


def missing_stack(world: World, stack: str = STACK) -> None:
    world.cloudformation.add_client_error(
        "describe_stacks",
        service_error_code="ValidationError",
        service_message=f"Stack with id {stack} does not exist",
        http_status_code=400,
        expected_params={"StackName": stack},
    )


def stack(status: str, outputs: Mapping[str, str] = OUTPUTS) -> dict[str, Any]:
    return {
        "StackId": STACK_ARN,
        "StackName": STACK,
        "CreationTime": NOW - timedelta(days=3),
        "StackStatus": status,
        "Outputs": [{"OutputKey": key, "OutputValue": value} for key, value in outputs.items()],
    }


def event(
    number: int, logical_id: str, status: str, reason: str | None = None, **extra: str
) -> dict[str, Any]:
    is_stack = logical_id == STACK
    found: dict[str, Any] = {
        "StackId": STACK_ARN,
        "EventId": f"event-{number}",
        "StackName": STACK,
        "LogicalResourceId": logical_id,
        "PhysicalResourceId": STACK_ARN if is_stack else extra.get("physical", f"demo-{logical_id}-XYZ"),
        "ResourceType": "AWS::CloudFormation::Stack"
        if is_stack
        else extra.get("type", "AWS::Lambda::Function"),
        "Timestamp": NOW + timedelta(seconds=number),
        "ResourceStatus": status,
    }
    if reason:
        found["ResourceStatusReason"] = reason
    return found


def events_page(
    world: World, events: list[dict[str, Any]], next_page: str | None = None, sent: str | None = None
) -> None:
    response: dict[str, Any] = {"StackEvents": list(reversed(events))}  # newest first, as AWS lists them
    if next_page:
        response["NextToken"] = next_page
    params = {"StackName": STACK_ARN, **({"NextToken": sent} if sent else {})}
    world.cloudformation.add_response("describe_stack_events", response, params)


def identity(world: World) -> None:
    caller = {"UserId": "AIDAEXAMPLE", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/ops"}
    world.sts.add_response("get_caller_identity", caller, {})


class WidgetAttributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and dict(attrs).get("src", "").endswith("meety-widget.js"):
            self.attributes.append(dict(attrs))


def widget_of(page: str) -> dict[str, str | None]:
    parser = WidgetAttributes()
    parser.feed(page)
    assert len(parser.attributes) == 1
    return parser.attributes[0]
