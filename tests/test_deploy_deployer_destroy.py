"""``meety destroy`` end to end, offline: the confirmation, emptying the web bucket (every version, too),
lifting the user pool's deletion protection, deleting the stack and naming what it keeps; on botocore
clients whose every call is queued on a ``Stubber`` (``tests.deploy_run_support``).
"""

from __future__ import annotations

from pathlib import Path

from bot.deploy import names
from bot.deploy.progress import StackEvents, wait_for_stack
from bot.deploy.storage import empty_bucket
from tests.deploy_run_support import (
    ARTIFACTS,
    OUTPUTS,
    REGION,
    STACK,
    STACK_ARN,
    WEB_BUCKET,
    Run,
    World,
    event,
    events_page,
    missing_stack,
    stack,
)
from tests.deploy_run_support import run as run
from tests.deploy_run_support import web_source as web_source
from tests.deploy_run_support import world as world

# -- destroy -----------------------------------------------------------------------------------------------


def test_destroy_asks_first_and_a_refusal_deletes_nothing(world: World, run: Run) -> None:
    world.cloudformation.add_response(
        "describe_stacks", {"Stacks": [stack("UPDATE_COMPLETE")]}, {"StackName": STACK}
    )
    world.answers.append("no")

    assert run("destroy", "--stack", STACK, "--region", REGION) == 1

    assert "Type the stack name (demo) to delete it" in world.out.getvalue()
    assert "Nothing deleted." in world.out.getvalue()


def test_destroy_empties_the_bucket_deletes_the_stack_and_names_what_is_kept(
    world: World, run: Run, tmp_path: Path
) -> None:
    world.cloudformation.add_response(
        "describe_stacks", {"Stacks": [stack("UPDATE_COMPLETE")]}, {"StackName": STACK}
    )
    world.s3.add_response("get_bucket_versioning", {}, {"Bucket": WEB_BUCKET})  # never versioned
    keys = [f"widget/file-{number:04}.js" for number in range(1003)]
    page_1 = {
        "Contents": [{"Key": k} for k in keys[:1000]],
        "IsTruncated": True,
        "NextContinuationToken": "next",
    }
    world.s3.add_response("list_objects_v2", page_1, {"Bucket": WEB_BUCKET})
    page_2 = {"Contents": [{"Key": k} for k in keys[1000:]], "IsTruncated": False}
    world.s3.add_response("list_objects_v2", page_2, {"Bucket": WEB_BUCKET, "ContinuationToken": "next"})
    for batch in (keys[:1000], keys[1000:]):
        delete = {"Objects": [{"Key": k} for k in batch], "Quiet": True}
        world.s3.add_response("delete_objects", {}, {"Bucket": WEB_BUCKET, "Delete": delete})
    pool_id = OUTPUTS[names.OUT_USER_POOL_ID]
    pool = {
        "Id": pool_id,
        "Name": "demo-staff",
        "DeletionProtection": "ACTIVE",
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
        "MfaConfiguration": "OPTIONAL",
        "UserPoolTags": {"meety:stack": STACK},
        "EstimatedNumberOfUsers": 2,
    }
    world.cognito.add_response("describe_user_pool", {"UserPool": pool}, {"UserPoolId": pool_id})
    update = {
        "UserPoolId": pool_id,
        "DeletionProtection": "INACTIVE",
        "AdminCreateUserConfig": {
            "AllowAdminCreateUserOnly": True
        },  # sent back: UpdateUserPool resets omissions
        "MfaConfiguration": "OPTIONAL",
        "UserPoolTags": {"meety:stack": STACK},
    }
    world.cognito.add_response("update_user_pool", {}, update)
    history = event(0, STACK, "UPDATE_COMPLETE")
    events_page(world, [history])
    world.cloudformation.add_response("delete_stack", {}, {"StackName": STACK_ARN})
    started = [
        event(1, STACK, "DELETE_IN_PROGRESS", "User Initiated"),
        event(
            2, names.TABLE, "DELETE_SKIPPED", type="AWS::DynamoDB::Table", physical="demo-RequestsTable-ABC"
        ),
    ]
    events_page(world, [history, *started])
    events_page(world, [history, *started, event(3, STACK, "DELETE_COMPLETE")])

    assert run("destroy", "--stack", STACK, "--region", REGION, "--yes", "--out", str(tmp_path / "none")) == 0

    printed = world.out.getvalue()
    assert "Emptied s3://demo-webbucket-1x2y3z: 1003 object(s) deleted" in printed
    assert "Stack demo deleted." in printed
    assert "RequestsTable (AWS::DynamoDB::Table): demo-RequestsTable-ABC" in printed
    assert "aws dynamodb delete-table --table-name demo-RequestsTable-ABC --region eu-west-1" in printed
    assert f"aws s3 rb s3://{ARTIFACTS} --force --region eu-west-1" in printed
    assert "Type the stack name" not in printed
    assert world.sleeps == [5]


def test_destroy_of_a_missing_stack_is_a_clear_error(world: World, run: Run) -> None:
    missing_stack(world)

    assert run("destroy", "--stack", STACK, "--region", REGION, "--yes") == 1

    assert world.err.getvalue() == "meety destroy: there is no stack demo in eu-west-1: nothing to destroy\n"


def test_a_versioned_bucket_is_emptied_of_every_version(world: World) -> None:
    world.s3.add_response("get_bucket_versioning", {"Status": "Suspended"}, {"Bucket": WEB_BUCKET})
    listing = {
        "Versions": [{"Key": "index.html", "VersionId": "v2"}, {"Key": "index.html", "VersionId": "v1"}],
        "DeleteMarkers": [{"Key": "old.js", "VersionId": "m1"}],
        "IsTruncated": False,
    }
    world.s3.add_response("list_object_versions", listing, {"Bucket": WEB_BUCKET})
    targets = [
        {"Key": "index.html", "VersionId": "v2"},
        {"Key": "index.html", "VersionId": "v1"},
        {"Key": "old.js", "VersionId": "m1"},
    ]
    world.s3.add_response(
        "delete_objects", {}, {"Bucket": WEB_BUCKET, "Delete": {"Objects": targets, "Quiet": True}}
    )

    assert empty_bucket(world.clients.s3, WEB_BUCKET) == 3


def test_a_stack_that_is_gone_while_waiting_counts_as_deleted(world: World) -> None:
    events_page(world, [event(1, STACK, "DELETE_IN_PROGRESS")])
    events_page(world, [event(1, STACK, "DELETE_IN_PROGRESS"), event(2, names.TABLE, "DELETE_COMPLETE")])
    world.cloudformation.add_client_error(
        "describe_stack_events", "ValidationError", f"Stack [{STACK_ARN}] does not exist", 400
    )
    console = world.console()
    events = StackEvents(world.clients.cloudformation, STACK_ARN, console)
    events.prime()

    outcome = wait_for_stack(world.clients.cloudformation, STACK_ARN, events, console)

    assert outcome.status == "DELETE_COMPLETE"
    assert world.out.getvalue().count("DELETE_COMPLETE") == 1
