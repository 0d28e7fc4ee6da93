"""The change set stage: what the new template would change, shown before anything changes.

``prepare`` picks CREATE or UPDATE from the stack's state (refusing states no change set can start from,
with what to do instead), creates the change set and waits for CloudFormation to compute it. A change set
with nothing in it is not an error: ``ChangeSet.empty`` says "nothing to deploy" and the deployer goes on
to the outputs. ``execute`` starts it and follows the stack's events until it settles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from bot.deploy.aws import DeployError, stack_is_missing
from bot.deploy.progress import Console, Outcome, StackEvents, wait_for_stack

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
UPDATABLE = frozenset(
    {
        "CREATE_COMPLETE",
        "UPDATE_COMPLETE",
        "UPDATE_ROLLBACK_COMPLETE",
        "IMPORT_COMPLETE",
        "IMPORT_ROLLBACK_COMPLETE",
    }
)
ACTION_MARKS = {"Add": "+", "Modify": "~", "Remove": "-", "Import": ">", "Dynamic": "?"}


@dataclass(frozen=True)
class ChangeSet:
    id: str
    name: str
    stack_id: str
    kind: str
    """CREATE or UPDATE."""
    changes: tuple[dict[str, Any], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.changes


def change_set_type(cloudformation: Any, stack: str) -> str:
    """CREATE for a new stack (or one still in review), UPDATE for a settled one; otherwise say what to do."""
    try:
        found = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as exc:
        if stack_is_missing(exc):
            return "CREATE"
        raise
    status = str(found[0]["StackStatus"]) if found else "REVIEW_IN_PROGRESS"
    if status == "REVIEW_IN_PROGRESS":
        return "CREATE"
    if status in UPDATABLE:
        return "UPDATE"
    if status.endswith("_IN_PROGRESS"):
        raise DeployError(
            f"stack {stack} is busy ({status}): wait for that operation to finish, then deploy again"
        )
    if status in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED"):
        raise DeployError(
            f"stack {stack} is {status}: its first creation failed and it can only be deleted. "
            f"Run `meety destroy --stack {stack}`, fix the cause, then deploy again"
        )
    if status == "UPDATE_ROLLBACK_FAILED":
        raise DeployError(
            f"stack {stack} is UPDATE_ROLLBACK_FAILED: finish the rollback first "
            f"(`aws cloudformation continue-update-rollback --stack-name {stack}`), then deploy again"
        )
    raise DeployError(f"stack {stack} is {status} and cannot be updated")


def prepare(
    cloudformation: Any, stack: str, template: Mapping[str, str], console: Console, name: str
) -> ChangeSet:
    """Create the change set and wait until CloudFormation has computed it."""
    kind = change_set_type(cloudformation, stack)
    created = cloudformation.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType=kind,
        Capabilities=CAPABILITIES,
        Tags=[{"Key": "meety:stack", "Value": stack}],
        Description=f"meety deploy of {stack}",
        **template,
    )
    change_set = ChangeSet(id=created["Id"], name=name, stack_id=created["StackId"], kind=kind)
    console.say(f"  {name} ({kind})")
    for _ in console.polls():
        described = cloudformation.describe_change_set(ChangeSetName=change_set.id)
        status = described.get("Status", "")
        if status in ("CREATE_PENDING", "CREATE_IN_PROGRESS"):
            continue
        if status == "CREATE_COMPLETE":
            changes = _all_changes(cloudformation, change_set.id, described)
            return ChangeSet(change_set.id, name, change_set.stack_id, kind, changes)
        reason = str(described.get("StatusReason", ""))
        if any(marker in reason for marker in NO_CHANGES):
            # a FAILED change set stays listed on the stack until deleted; this one says nothing useful
            cloudformation.delete_change_set(ChangeSetName=change_set.id)
            return change_set
        raise DeployError(
            f"CloudFormation could not create the change set ({status}): {reason or 'no reason given'}"
        )
    raise DeployError(f"the change set {name} was still being computed after {console.timeout_seconds:.0f} s")


def _all_changes(
    cloudformation: Any, change_set_id: str, first: dict[str, Any]
) -> tuple[dict[str, Any], ...]:
    changes = list(first.get("Changes", []))
    token = first.get("NextToken")
    while token:
        page = cloudformation.describe_change_set(ChangeSetName=change_set_id, NextToken=token)
        changes += page.get("Changes", [])
        token = page.get("NextToken")
    return tuple(changes)


def summary(change_set: ChangeSet) -> list[str]:
    """One line per resource change: action, logical id, type, and whether it is replaced."""
    lines = []
    for change in change_set.changes:
        resource = change.get("ResourceChange", {})
        action = str(resource.get("Action", "?"))
        replacement = resource.get("Replacement")
        flag = {
            "True": "  REPLACED (a new resource; the old one is deleted)",
            "Conditional": "  may be replaced",
        }
        note = flag.get(str(replacement), "") if action == "Modify" else ""
        lines.append(
            f"  {ACTION_MARKS.get(action, '?')} {action:<7} {resource.get('LogicalResourceId', ''):<28} "
            f"{resource.get('ResourceType', '')}{note}"
        )
    return lines


def execute(cloudformation: Any, change_set: ChangeSet, console: Console) -> Outcome:
    """Run the change set and print the stack's events until it settles."""
    events = StackEvents(cloudformation, change_set.stack_id, console)
    events.prime()
    cloudformation.execute_change_set(ChangeSetName=change_set.id)
    return wait_for_stack(cloudformation, change_set.stack_id, events, console)
