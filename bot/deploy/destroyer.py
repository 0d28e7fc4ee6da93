"""``meety destroy``: the stack and the web bucket's files go; data kept by policy is named, not lost.

Order: find the stack (a missing one is an error: nothing was destroyed), ask, lift the user pool's deletion
protection (it guards the staff accounts against deletion anywhere but here), empty the web bucket (a
non-empty bucket would make the stack's deletion fail), delete the stack and follow its events
until ``DELETE_COMPLETE``. Resources with ``DeletionPolicy: Retain`` (the requests table) show up as
``DELETE_SKIPPED`` events: they are listed with how to delete them by hand. The artifacts bucket is shared by
every Meety stack of the account and region, so it stays; the report says how to remove it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from bot.deploy import names
from bot.deploy.aws import Clients, DeployError, error_code, stack_is_missing
from bot.deploy.progress import Console, Outcome, StackEvents, wait_for_stack
from bot.deploy.storage import artifacts_bucket_name, empty_bucket
from bot.deploy.web_config import outputs_document

EXIT_DECLINED = 1
CLEANUP = {
    "AWS::DynamoDB::Table": "aws dynamodb delete-table --table-name {id}",
    "AWS::Cognito::UserPool": "aws cognito-idp delete-user-pool --user-pool-id {id}",
    "AWS::S3::Bucket": "aws s3 rb s3://{id} --force",
    "AWS::Logs::LogGroup": "aws logs delete-log-group --log-group-name {id}",
}


@dataclass(frozen=True)
class DestroyOptions:
    stack: str
    region: str
    out: Path
    """Where ``meety deploy`` wrote ``template.json``: read (if present) to name what will be kept."""
    yes: bool = False
    profile: str | None = None


def destroy(options: DestroyOptions, clients: Clients, console: Console) -> int:
    cfn = clients.cloudformation
    stack = _find(cfn, options)
    stack_id, status = str(stack["StackId"]), str(stack["StackStatus"])
    outputs = {str(o["OutputKey"]): str(o.get("OutputValue", "")) for o in stack.get("Outputs", [])}
    bucket = outputs.get(names.OUT_WEB_BUCKET)

    console.say(f"Stack {options.stack} in {options.region} ({status}) will be deleted with its resources.")
    if bucket:
        console.say(f"The web bucket s3://{bucket} is emptied first.")
    if outputs.get(names.OUT_USER_POOL_ID):
        console.say(
            f"The user pool {outputs[names.OUT_USER_POOL_ID]} and every staff account in it are deleted too "
            "(its deletion protection is lifted for this)."
        )
    kept = retained_in_template(options.out / "template.json")
    if kept:
        console.say(f"Kept by their DeletionPolicy (data survives): {', '.join(kept)}.")
    if not options.yes and not _confirmed(console, options.stack):
        console.say("Nothing deleted.")
        return EXIT_DECLINED

    if outputs.get(names.OUT_USER_POOL_ID):  # first: if this is refused, nothing has changed yet
        _unprotect_user_pool(clients.cognito, outputs[names.OUT_USER_POOL_ID], console)
    if bucket:
        _empty(clients.s3, bucket, console)
    events = StackEvents(cfn, stack_id, console)
    events.prime()
    cfn.delete_stack(StackName=stack_id)
    console.say(f"Deleting {options.stack}:")
    outcome = wait_for_stack(cfn, stack_id, events, console)
    if outcome.status != "DELETE_COMPLETE":
        raise DeployError(
            f"deleting stack {options.stack} failed ({outcome.status}): {outcome.failure_reason()}. "
            "Fix or remove that resource, then run `meety destroy` again"
        )
    for line in report(options, stack_id, outcome):
        console.say(line)
    outputs_file = options.out / "meety-outputs.json"
    if outputs_file.is_file() and outputs_file.read_bytes() == outputs_document(outputs):
        outputs_file.unlink()  # the URLs it lists no longer work
    return 0


def _find(cfn: Any, options: DestroyOptions) -> dict[str, Any]:
    try:
        stacks = cfn.describe_stacks(StackName=options.stack)["Stacks"]
    except ClientError as exc:
        if stack_is_missing(exc):
            stacks = []
        else:
            raise
    if not stacks:
        raise DeployError(f"there is no stack {options.stack} in {options.region}: nothing to destroy")
    found: dict[str, Any] = stacks[0]
    return found


def _confirmed(console: Console, stack: str) -> bool:
    try:
        answer = console.ask(f"Type the stack name ({stack}) to delete it: ")
    except EOFError:  # no terminal: only --yes may delete
        return False
    return answer.strip() == stack


def _empty(s3: Any, bucket: str, console: Console) -> None:
    try:
        deleted = empty_bucket(s3, bucket)
    except ClientError as exc:
        if error_code(exc) in ("NoSuchBucket", "404"):
            console.say(f"s3://{bucket} is already gone")
            return
        raise
    console.say(f"Emptied s3://{bucket}: {deleted} object(s) deleted")


def _unprotect_user_pool(cognito: Any, pool_id: str, console: Console) -> None:
    """``DeletionProtection: INACTIVE``, so CloudFormation can delete the pool.

    ``UpdateUserPool`` resets every setting it is not given to its default (self sign-up included), so the
    pool's current settings are sent back as they are, every field the operation accepts, with only the
    protection changed: should the stack's deletion fail, the pool is left as it was, minus the protection.
    """
    try:
        pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return
        raise
    if pool.get("DeletionProtection") != "ACTIVE":
        return
    accepted = cognito.meta.service_model.operation_model("UpdateUserPool").input_shape.members
    settings = {key: value for key, value in pool.items() if key in accepted and key != "UserPoolId"}
    cognito.update_user_pool(**{**settings, "UserPoolId": pool_id, "DeletionProtection": "INACTIVE"})
    console.say(f"Lifted the deletion protection of user pool {pool_id}")


def retained_in_template(template_file: Path) -> list[str]:
    """Logical ids whose DeletionPolicy keeps them, from the template ``meety deploy`` wrote (if any)."""
    try:
        template = json.loads(template_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    resources = template.get("Resources", {}) if isinstance(template, dict) else {}
    return sorted(
        f"{logical_id} ({resource.get('Type')})"
        for logical_id, resource in resources.items()
        if isinstance(resource, dict) and resource.get("DeletionPolicy") in ("Retain", "RetainExceptOnCreate")
    )


def report(options: DestroyOptions, stack_id: str, outcome: Outcome) -> list[str]:
    lines = [f"Stack {options.stack} deleted."]
    where = f" --region {options.region}" + (f" --profile {options.profile}" if options.profile else "")
    if outcome.skipped:
        lines.append(
            "Kept by their DeletionPolicy (your data is still there; delete them when you no longer need it):"
        )
        for event in outcome.skipped:
            physical = str(event.get("PhysicalResourceId") or "?")
            lines.append(f"  {event.get('LogicalResourceId')} ({event.get('ResourceType')}): {physical}")
            command = CLEANUP.get(str(event.get("ResourceType")))
            if command:
                lines.append(f"      {command.format(id=physical)}{where}")
    account = stack_id.split(":")[4] if stack_id.count(":") >= 5 else "<account-id>"
    bucket = artifacts_bucket_name(account, options.region)
    lines += [
        f"The artifacts bucket s3://{bucket} is shared by every Meety stack in this account and",
        "region, so it stays (its objects expire after 30 days). Once no stack uses it:",
        f"  aws s3 rb s3://{bucket} --force{where}",
    ]
    return lines
