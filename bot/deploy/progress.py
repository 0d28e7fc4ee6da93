"""Live progress of a stack operation: CloudFormation's events, one line each, as they happen.

``DescribeStackEvents`` lists a stack's whole history, newest first, a page at a time. ``StackEvents``
remembers the newest event it has seen (``prime`` before the operation starts, so history is never
printed), reads pages only until it meets that event again, and prints what is new oldest first. The stack's
own event with a status that does not end in ``_IN_PROGRESS`` ends the wait (no extra ``DescribeStacks``
per poll). ``Console`` is everything the commands need from the outside world: where to print, how to ask,
how to sleep and what time it is; tests pass fakes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from botocore.exceptions import ClientError

from bot.deploy.aws import DeployError, stack_is_missing

STACK_TYPE = "AWS::CloudFormation::Stack"
GONE = "DELETE_COMPLETE"
"""What a stack that no longer exists counts as while waiting for its deletion."""

Event = dict[str, Any]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Console:
    """The operator's side: output, questions, and the pace of polling (all replaceable in tests)."""

    out: TextIO = field(default_factory=lambda: sys.stdout)
    ask: Callable[[str], str] = input
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = _now
    poll_seconds: float = 5.0
    timeout_seconds: float = 3 * 3600.0
    """A stack operation that takes longer is left to run; the console URL is printed instead."""

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def polls(self) -> Iterator[int]:
        """Poll numbers until the timeout: sleep between two polls, never before the first."""
        limit = max(1, int(self.timeout_seconds / self.poll_seconds))
        for number in range(limit):
            if number:
                self.sleep(self.poll_seconds)
            yield number


@dataclass(frozen=True)
class Outcome:
    """How a stack operation ended: the stack's final status and what the events said on the way."""

    status: str
    first_failure: Event | None = None
    skipped: tuple[Event, ...] = ()
    """``DELETE_SKIPPED`` events: resources kept by their DeletionPolicy."""

    def failure_reason(self) -> str:
        event = self.first_failure
        if event is None:
            return f"the stack ended in {self.status}"
        return (
            f"{event.get('LogicalResourceId')} ({event.get('ResourceType')}) "
            f"{event.get('ResourceStatus')}: {event.get('ResourceStatusReason') or 'no reason given'}"
        )


def event_line(event: Event) -> str:
    stamp = event["Timestamp"]
    when = stamp.astimezone(UTC).strftime("%H:%M:%S") if isinstance(stamp, datetime) else str(stamp)
    line = (
        f"  {when}  {event.get('LogicalResourceId', ''):<28} {event.get('ResourceType', ''):<32} "
        f"{event.get('ResourceStatus', ''):<24} {event.get('ResourceStatusReason') or ''}"
    )
    return line.rstrip()


def is_stack_event(event: Event) -> bool:
    """The stack's own event (a nested stack's events carry its id as the physical id, not ours)."""
    return event.get("ResourceType") == STACK_TYPE and event.get("PhysicalResourceId") == event["StackId"]


class StackEvents:
    """Prints a stack's new events, once each, oldest first."""

    def __init__(self, cloudformation: Any, stack_id: str, console: Console) -> None:
        self._cfn = cloudformation
        self._stack_id = stack_id
        self._console = console
        self._newest: str | None = None

    def prime(self) -> None:
        """Remember the newest event so far: everything up to it is history, not progress."""
        page = self._cfn.describe_stack_events(StackName=self._stack_id)
        events = page.get("StackEvents", [])
        self._newest = events[0]["EventId"] if events else None

    def poll(self) -> list[Event]:
        """Events newer than the last seen, oldest first, each printed as it is returned."""
        fresh: list[Event] = []
        for event in self._newest_first():
            if event["EventId"] == self._newest:
                break
            fresh.append(event)
        fresh.reverse()
        if fresh:
            self._newest = fresh[-1]["EventId"]
        for event in fresh:
            self._console.say(event_line(event))
        return fresh

    def _newest_first(self) -> Iterator[Event]:
        token: str | None = None
        while True:
            params = {"StackName": self._stack_id, **({"NextToken": token} if token else {})}
            page = self._cfn.describe_stack_events(**params)
            yield from page.get("StackEvents", [])
            token = page.get("NextToken")
            if not token:
                return


def wait_for_stack(cloudformation: Any, stack_id: str, events: StackEvents, console: Console) -> Outcome:
    """Print progress until the stack settles; a stack that no longer exists counts as deleted."""
    first_failure: Event | None = None
    skipped: list[Event] = []
    for _ in console.polls():
        try:
            fresh = events.poll()
        except ClientError as exc:
            if stack_is_missing(exc):
                return Outcome(GONE, first_failure, tuple(skipped))
            raise
        for event in fresh:
            status = str(event.get("ResourceStatus", ""))
            if is_stack_event(event):
                if not status.endswith("_IN_PROGRESS"):
                    return Outcome(status, first_failure, tuple(skipped))
                continue
            if status == "DELETE_SKIPPED":
                skipped.append(event)
            if status.endswith("_FAILED") and _root_cause(first_failure, event):
                first_failure = event
    region = stack_id.split(":")[3] if stack_id.count(":") >= 5 else "us-east-1"
    raise DeployError(
        f"still in progress after {console.timeout_seconds / 60:.0f} minutes; CloudFormation carries on: "
        f"follow it at https://{region}.console.aws.amazon.com/cloudformation/home?region={region}#/stacks"
    )


def _root_cause(current: Event | None, candidate: Event) -> bool:
    """The first failure wins, unless it was only a cancellation caused by another one."""
    if current is None:
        return True
    cancelled = "cancelled" in str(current.get("ResourceStatusReason", "")).lower()
    return cancelled and "cancelled" not in str(candidate.get("ResourceStatusReason", "")).lower()
