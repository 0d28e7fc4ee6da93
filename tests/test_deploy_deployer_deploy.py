"""``meety deploy`` end to end, offline: GIVEN botocore clients whose every call is queued on a ``Stubber``
(real response shapes, validated against the service models; every expected request checked, in order), a
fake packager writing small zips and a tiny template builder (``tests.deploy_run_support``), WHEN ``meety
deploy`` runs through its CLI handler, THEN the calls, the printed progress, the exit codes and the files
written are those of a real deployment.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from botocore.stub import ANY

from bot.deploy import names
from bot.deploy.changeset import ChangeSet, summary
from bot.deploy.storage import TEMPLATE_BODY_LIMIT, template_source
from tests.deploy_run_support import (
    ACCOUNT,
    ARTIFACTS,
    CS_ARN,
    NOW,
    OUTPUTS,
    REGION,
    STACK,
    STACK_ARN,
    WEB,
    WEB_BUCKET,
    Run,
    World,
    event,
    events_page,
    identity,
    missing_stack,
    stack,
    widget_of,
    zip_data,
    zip_key,
)
from tests.deploy_run_support import run as run
from tests.deploy_run_support import web_source as web_source
from tests.deploy_run_support import world as world

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
NO_CHANGES = (
    "The submitted information didn't contain changes. Submit different information to create a change set."
)
SERVED = ["admin/config.json", "admin/index.html", "demo.js", "index.html", "widget/meety-widget.css"]
SERVED.append("widget/meety-widget.js")
TYPES = {
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}
TYPES[".css"] = "text/css; charset=utf-8"


def template_body(bucket: str = ARTIFACTS) -> str:
    code = {"S3Bucket": bucket, "S3Key": zip_key("fulfillment")}
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Meety (demo) for Tiny",
        "Resources": {
            names.TABLE: {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain"},
            names.FULFILLMENT_FUNCTION: {"Type": "AWS::Lambda::Function", "Properties": {"Code": code}},
        },
    }
    return json.dumps(template, separators=(",", ":"))


# -- stub helpers of the deploy flow: one per AWS call, real shapes ----------------------------------------


def new_bucket(world: World) -> None:
    world.s3.add_client_error(
        "head_bucket",
        "404",
        "Not Found",
        404,
        expected_params={"Bucket": ARTIFACTS, "ExpectedBucketOwner": ACCOUNT},
    )
    create = {
        "Bucket": ARTIFACTS,
        "ObjectOwnership": "BucketOwnerEnforced",
        "CreateBucketConfiguration": {"LocationConstraint": REGION},
    }
    world.s3.add_response("create_bucket", {"Location": f"http://{ARTIFACTS}.s3.amazonaws.com/"}, create)
    block = {
        key: True
        for key in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    }
    world.s3.add_response(
        "put_public_access_block", {}, {"Bucket": ARTIFACTS, "PublicAccessBlockConfiguration": block}
    )
    sse = {
        "Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}
        ]
    }
    world.s3.add_response(
        "put_bucket_encryption", {}, {"Bucket": ARTIFACTS, "ServerSideEncryptionConfiguration": sse}
    )
    rule = {
        "ID": "meety-expire-old-artifacts",
        "Filter": {"Prefix": ""},
        "Status": "Enabled",
        "Expiration": {"Days": 30},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
    }
    world.s3.add_response(
        "put_bucket_lifecycle_configuration",
        {},
        {"Bucket": ARTIFACTS, "LifecycleConfiguration": {"Rules": [rule]}},
    )
    tags = {"TagSet": [{"Key": "meety:managed", "Value": "true"}]}
    world.s3.add_response("put_bucket_tagging", {}, {"Bucket": ARTIFACTS, "Tagging": tags})


def zips(world: World, uploaded: bool) -> None:
    for name in ("admin", "fulfillment"):  # by key
        head = {"Bucket": ARTIFACTS, "Key": zip_key(name)}
        if uploaded:
            world.s3.add_response("head_object", {"ContentLength": 120, "ETag": '"etag"'}, head)
            continue
        world.s3.add_client_error("head_object", "404", "Not Found", 404, expected_params=head)
        put = {**head, "Body": zip_data(name), "ContentType": "application/zip"}
        world.s3.add_response("put_object", {"ETag": '"etag"'}, put)


def change_set(world: World, kind: str) -> None:
    params = {
        "StackName": STACK,
        "ChangeSetName": "meety-20261121-100000",
        "ChangeSetType": kind,
        "Capabilities": CAPABILITIES,
        "Tags": [{"Key": "meety:stack", "Value": STACK}],
        "Description": f"meety deploy of {STACK}",
        "TemplateBody": template_body(),
    }
    world.cloudformation.add_response("create_change_set", {"Id": CS_ARN, "StackId": STACK_ARN}, params)


def described(world: World, status: str, reason: str | None = None, changes: list[Any] | None = None) -> None:
    response: dict[str, Any] = {
        "ChangeSetId": CS_ARN,
        "StackId": STACK_ARN,
        "StackName": STACK,
        "Status": status,
    }
    response["ExecutionStatus"] = "AVAILABLE" if status == "CREATE_COMPLETE" else "UNAVAILABLE"
    if reason:
        response["StatusReason"] = reason
    if changes is not None:
        response["Changes"] = changes
    world.cloudformation.add_response("describe_change_set", response, {"ChangeSetName": CS_ARN})


def resource_change(
    action: str, logical_id: str, kind: str, replacement: str | None = None
) -> dict[str, Any]:
    change: dict[str, Any] = {"Action": action, "LogicalResourceId": logical_id, "ResourceType": kind}
    if replacement:
        change["Replacement"] = replacement
    return {"Type": "Resource", "ResourceChange": change}


def published(world: World, existing: list[str], web_dir: Path) -> None:
    """Outputs, then the web folder synced to its bucket, then the invalidation."""
    world.cloudformation.add_response(
        "describe_stacks", {"Stacks": [stack("CREATE_COMPLETE")]}, {"StackName": STACK_ARN}
    )
    listing = {
        "Contents": [{"Key": key, "Size": 1} for key in existing],
        "KeyCount": len(existing),
        "IsTruncated": False,
    }
    world.s3.add_response("list_objects_v2", listing, {"Bucket": WEB_BUCKET})
    for key in SERVED:
        rewritten = key in ("index.html", "admin/config.json")
        body = ANY if rewritten else (web_dir / key).read_bytes()
        content_type = TYPES["." + key.rsplit(".", 1)[1]]
        put = {
            "Bucket": WEB_BUCKET,
            "Key": key,
            "Body": body,
            "ContentType": content_type,
            "CacheControl": "no-cache",
        }
        world.s3.add_response("put_object", {"ETag": '"etag"'}, put)
    stale = sorted(set(existing) - set(SERVED))
    if stale:
        delete = {"Objects": [{"Key": key} for key in stale], "Quiet": True}
        world.s3.add_response("delete_objects", {}, {"Bucket": WEB_BUCKET, "Delete": delete})
    batch = {"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": "meety-demo-20261121T100000000000"}
    invalidation = {
        "Id": "I2J0I21PCUYOIK",
        "Status": "InProgress",
        "CreateTime": NOW,
        "InvalidationBatch": batch,
    }
    world.cloudfront.add_response(
        "create_invalidation",
        {
            "Location": "https://cloudfront.amazonaws.com/2020-05-31/distribution/E1EXAMPLE/invalidation/I2J0I21PCUYOIK",
            "Invalidation": invalidation,
        },
        {"DistributionId": "E1EXAMPLE", "InvalidationBatch": batch},
    )


# -- deploy ------------------------------------------------------------------------------------------------


def test_first_deploy_creates_the_bucket_the_stack_and_the_configured_web_client(
    world: World, run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "deploy"
    identity(world)
    new_bucket(world)
    zips(world, uploaded=False)
    missing_stack(world)
    change_set(world, "CREATE")
    described(world, "CREATE_PENDING")
    described(
        world,
        "CREATE_COMPLETE",
        changes=[
            resource_change("Add", names.TABLE, "AWS::DynamoDB::Table"),
            resource_change("Add", names.FULFILLMENT_FUNCTION, "AWS::Lambda::Function"),
        ],
    )
    review = event(0, STACK, "REVIEW_IN_PROGRESS", "User Initiated")
    events_page(world, [review])  # prime: history is not progress
    world.cloudformation.add_response("execute_change_set", {}, {"ChangeSetName": CS_ARN})
    table = "AWS::DynamoDB::Table"
    first = [
        event(1, STACK, "CREATE_IN_PROGRESS", "User Initiated"),
        event(2, names.TABLE, "CREATE_IN_PROGRESS", type=table),
    ]
    events_page(world, first, next_page="page-2")  # newest first, across two pages, until the last seen event
    events_page(world, [review], sent="page-2")
    table_done = event(3, names.TABLE, "CREATE_COMPLETE", type=table)
    done = event(4, STACK, "CREATE_COMPLETE")
    events_page(world, [*first, table_done, done], next_page="older")  # stops at event-2: no second page
    published(world, existing=["index.html", "old-widget.js"], web_dir=tmp_path / "web_client")

    assert run("deploy", "--stack", STACK, "--region", REGION, "--out", str(out)) == 0

    printed = world.out.getvalue()
    progress = [line.split()[1:3] for line in printed.splitlines() if line.startswith("  10:00:0")]
    assert progress == [
        [STACK, "AWS::CloudFormation::Stack"],
        [names.TABLE, "AWS::DynamoDB::Table"],
        [names.TABLE, "AWS::DynamoDB::Table"],
        [STACK, "AWS::CloudFormation::Stack"],
    ]
    assert "REVIEW_IN_PROGRESS" not in printed
    assert f"+ Add     {names.TABLE}" in printed
    assert "created: private, encrypted, objects expire after 30 days" in printed
    assert world.sleeps == [5, 5]  # once between the change set's polls, once between the events' polls
    assert "admin-create-user --region eu-west-1 --user-pool-id eu-west-1_AbC123" in printed
    assert "--group-name admin" in printed
    assert "admin portal  https://d111.cloudfront.net/admin/" in printed

    config = json.loads((out / "web" / "admin" / "config.json").read_text())
    assert config == {
        "auth": "cognito",
        "apiBase": "https://d111.cloudfront.net/admin/api",
        "region": REGION,
        "userPoolClientId": OUTPUTS[names.OUT_USER_POOL_CLIENT_ID],
    }
    page = (out / "web" / "index.html").read_text()
    assert widget_of(page) == {
        "src": "/widget/meety-widget.js",
        "data-bot-id": "BOTID12345",
        "data-alias-id": "ALIAS12345",
        "data-locale": "en_US",
        "data-region": REGION,
        "data-identity-pool-id": OUTPUTS[names.OUT_IDENTITY_POOL_ID],
        "defer": None,
    }
    assert page.startswith(WEB["index.html"].split("<script")[0])  # the rest of the page is untouched
    assert json.loads((out / "meety-outputs.json").read_text()) == OUTPUTS
    assert (
        json.loads((out / "template.json").read_text())["Resources"][names.TABLE]["DeletionPolicy"]
        == "Retain"
    )
    assert not (out / "web" / "api-docs").exists()
    assert not (out / "web" / "widget" / ".DS_Store").exists()


def test_update_without_changes_says_so_and_still_publishes(world: World, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "deploy"
    identity(world)
    world.s3.add_response(
        "head_bucket", {"BucketRegion": REGION}, {"Bucket": ARTIFACTS, "ExpectedBucketOwner": ACCOUNT}
    )
    zips(world, uploaded=True)  # content-addressed: same name, same bytes, no upload
    world.cloudformation.add_response(
        "describe_stacks", {"Stacks": [stack("UPDATE_COMPLETE")]}, {"StackName": STACK}
    )
    change_set(world, "UPDATE")
    described(world, "FAILED", reason=NO_CHANGES)
    world.cloudformation.add_response("delete_change_set", {}, {"ChangeSetName": CS_ARN})
    published(world, existing=SERVED, web_dir=tmp_path / "web_client")

    assert run("deploy", "--stack", STACK, "--region", REGION, "--out", str(out)) == 0

    printed = world.out.getvalue()
    assert "nothing to deploy" in printed
    assert "(unchanged, already uploaded)" in printed
    assert "0 stale file(s) removed" in printed
    assert json.loads((out / "meety-outputs.json").read_text()) == OUTPUTS
    assert world.err.getvalue() == ""


def test_a_failed_deploy_exits_1_with_the_first_failure(world: World, run: Run, tmp_path: Path) -> None:
    identity(world)
    world.s3.add_response("head_bucket", {}, {"Bucket": ARTIFACTS, "ExpectedBucketOwner": ACCOUNT})
    zips(world, uploaded=True)
    missing_stack(world)
    change_set(world, "CREATE")
    described(
        world,
        "CREATE_COMPLETE",
        changes=[resource_change("Add", names.FULFILLMENT_FUNCTION, "AWS::Lambda::Function")],
    )
    events_page(world, [event(0, STACK, "REVIEW_IN_PROGRESS")])
    world.cloudformation.add_response("execute_change_set", {}, {"ChangeSetName": CS_ARN})
    cause = 'Resource handler returned message: "Error occurred while GetObject. S3 Error Code: NoSuchKey"'
    events_page(
        world,
        [
            event(0, STACK, "REVIEW_IN_PROGRESS"),
            event(1, STACK, "CREATE_IN_PROGRESS", "User Initiated"),
            event(2, names.FULFILLMENT_FUNCTION, "CREATE_FAILED", cause),
            event(
                3, names.TABLE, "CREATE_FAILED", "Resource creation cancelled", type="AWS::DynamoDB::Table"
            ),
            event(4, STACK, "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [...]"),
            event(5, STACK, "ROLLBACK_COMPLETE"),
        ],
    )

    assert run("deploy", "--stack", STACK, "--region", REGION, "--out", str(tmp_path / "deploy")) == 1

    error = world.err.getvalue()
    assert error.startswith("meety deploy: deployment failed: stack demo is ROLLBACK_COMPLETE")
    assert f"{names.FULFILLMENT_FUNCTION} (AWS::Lambda::Function) CREATE_FAILED: {cause}" in error
    assert "meety destroy --stack demo" in error
    assert "Traceback" not in error
    assert "CREATE_FAILED" in world.out.getvalue()  # the progress showed it as it happened


def test_dry_run_writes_everything_and_calls_no_aws(world: World, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "deploy"  # nothing is queued on any stubber: one AWS call would fail the run

    assert run("deploy", "--stack", STACK, "--region", REGION, "--out", str(out), "--dry-run") == 0

    template = json.loads((out / "template.json").read_text())
    code = template["Resources"][names.FULFILLMENT_FUNCTION]["Properties"]["Code"]
    assert code == {"S3Bucket": f"meety-artifacts-ACCOUNT_ID-{REGION}", "S3Key": zip_key("fulfillment")}
    assert sorted(path.name for path in (out / "lambda").iterdir()) == sorted(
        key.removeprefix("lambda/") for key in (zip_key("admin"), zip_key("fulfillment"))
    )
    served = sorted(p.relative_to(out / "web").as_posix() for p in (out / "web").rglob("*") if p.is_file())
    assert served == SERVED
    assert (out / "web" / "index.html").read_text() == WEB["index.html"]  # configured only once deployed
    assert "no AWS call" in world.out.getvalue()
    assert str(out) in world.out.getvalue()


def test_large_templates_go_through_s3(world: World) -> None:
    body = json.dumps({"Description": "x" * TEMPLATE_BODY_LIMIT})
    key = f"templates/demo/{hashlib.sha256(body.encode()).hexdigest()[:20]}.json"
    put = {"Bucket": ARTIFACTS, "Key": key, "Body": body.encode(), "ContentType": "application/json"}
    world.s3.add_response("put_object", {"ETag": '"etag"'}, put)

    found = template_source(world.clients.s3, ARTIFACTS, REGION, STACK, body)

    assert found == {"TemplateURL": f"https://{ARTIFACTS}.s3.{REGION}.amazonaws.com/{key}"}
    assert template_source(world.clients.s3, ARTIFACTS, REGION, STACK, "{}") == {"TemplateBody": "{}"}


def test_the_change_summary_flags_replacements() -> None:
    changes = (
        resource_change("Modify", names.USER_POOL, "AWS::Cognito::UserPool", "True")["ResourceChange"],
        resource_change("Modify", names.ADMIN_FUNCTION, "AWS::Lambda::Function", "False")["ResourceChange"],
        resource_change("Remove", names.DASHBOARD, "AWS::CloudWatch::Dashboard")["ResourceChange"],
    )
    lines = summary(
        ChangeSet(CS_ARN, "cs", STACK_ARN, "UPDATE", tuple({"ResourceChange": c} for c in changes))
    )

    assert lines[0].split()[:4] == ["~", "Modify", names.USER_POOL, "AWS::Cognito::UserPool"]
    assert "REPLACED" in lines[0]
    assert "REPLACED" not in lines[1]
    assert lines[2].split() == ["-", "Remove", names.DASHBOARD, "AWS::CloudWatch::Dashboard"]
