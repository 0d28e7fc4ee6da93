"""Deciding a pending request: the one service the admin API, Slack and the bot's cancel all go through.

A decision is a conditional transition (exactly one of any number of concurrent deciders wins; the
others get ``TransitionConflict`` carrying the current status) that writes its audit event in the same
atomic store write. Telling the requester happens after the decision is durable, and a failure to tell
them never undoes it: it is logged, and the decision stands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from fulfillment.domain.requests import AuditEvent, Request, Status
from fulfillment.domain.store import RequestStore

Outcome = Literal["approved", "rejected", "cancelled"]
log = logging.getLogger("meety.decisions")


class Notifier(Protocol):
    def notify(self, request: Request, outcome: Outcome) -> None:
        """Tell the requester what happened to ``request`` (already in its new status)."""
        ...


class NoNotifier:
    """For callers that tell the user themselves (the bot answers in the chat)."""

    def notify(self, request: Request, outcome: Outcome) -> None:
        return None


@dataclass(frozen=True)
class Actor:
    """Who decides and through which channel: ``portal`` (admin API), ``slack``, ``web`` (the bot)."""

    name: str
    channel: str


@dataclass(frozen=True)
class Decisions:
    store: RequestStore
    notifier: Notifier
    clock: Callable[[], datetime]
    on_approved: Callable[[Request], object] | None = None
    """Runs after an approval is durable (the backup runner); like notifying, it never undoes it."""

    def approve(self, request_id: str, actor: Actor, reason: str | None = None) -> Request:
        return self._decide(request_id, "approved", actor, reason, expected="pending")

    def reject(self, request_id: str, actor: Actor, reason: str) -> Request:
        return self._decide(request_id, "rejected", actor, reason, expected="pending")

    def cancel(
        self, request: Request, actor: Actor, reason: str | None = None, *, action: str = "cancelled"
    ) -> Request:
        """Cancel a pending or approved request as seen by the caller (conditional on that status)."""
        return self._decide(request.id, "cancelled", actor, reason, expected=request.status, action=action)

    def _decide(
        self,
        request_id: str,
        outcome: Outcome,
        actor: Actor,
        reason: str | None,
        *,
        expected: Status,
        action: str | None = None,
    ) -> Request:
        # the transition itself raises RequestNotFound: no read before the conditional write
        audit = AuditEvent(
            request_id=request_id,
            at=self.clock(),
            actor=actor.name,
            action=action or outcome,
            to_status=outcome,
            reason=reason,
            channel=actor.channel,
        )
        decided = self.store.transition(request_id, outcome, audit, expected=expected)
        if outcome == "approved" and self.on_approved is not None:
            try:
                self.on_approved(decided)
            except Exception:
                log.exception("%s is approved, but what follows failed; the sweep retries it", request_id)
            decided = self.store.get(request_id) or decided
        if decided.meeting is not None and _worth_telling(expected, outcome):
            try:
                self.notifier.notify(decided, outcome)
            except Exception:
                log.exception("the decision on %s stands, but the requester was not notified", request_id)
        return decided


def _worth_telling(previous: Status, outcome: Outcome) -> bool:
    # a cancelled *pending* request was never on anyone's calendar: nothing to withdraw
    return outcome != "cancelled" or previous == "approved"
