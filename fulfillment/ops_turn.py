"""One staff-only turn: who asks (verified), whether they may, what gets audited, and how answers fit Lex.

The ops intent handlers (``intents_ops``, ``intents_backup``) only decide *what* to say; this module owns
the rules every one of them follows: a caller without the ``ops`` or ``admin`` role gets a polite refusal,
every refusal and every answer leaves an ops audit entry, AWS failures become a friendly sentence (the
detail goes to the log), and long answers are packed into messages within Lex's limits.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fulfillment import lex
from fulfillment.app import App
from fulfillment.domain.ops_audit import OpsAuditEntry, Outcome
from fulfillment.identity.chat import Caller, identify
from fulfillment.ops.aws import OpsError
from fulfillment.ops_context import OpsContext

Json = dict[str, Any]
OPS_TEXTS = "Fulfillment.ops"
MESSAGE_LIMIT = 1000
"""Characters per message: Lex's design-time limit (runtime allows 1024); we stay under both."""
MAX_MESSAGES = 5
log = logging.getLogger("meety.ops")


class OpsNotSetUp(Exception):
    """The app was built without an ops context (a test or tool that only books meetings)."""


@dataclass
class StaffTurn:
    app: App
    ops: OpsContext
    event: Mapping[str, Any]
    name: str
    locale: str
    attrs: dict[str, str]
    intent: Json
    zone: ZoneInfo
    now: datetime
    caller: Caller
    audited: list[OpsAuditEntry] = field(default_factory=list)

    @classmethod
    def read(cls, app: App, event: Mapping[str, Any], name: str) -> StaffTurn:
        if app.ops is None:
            raise OpsNotSetUp(name)
        attrs = lex.attributes(event)
        now = app.now()
        return cls(
            app=app,
            ops=app.ops,
            event=event,
            name=name,
            locale=lex.locale_of(event),
            attrs=attrs,
            intent=lex.clean_intent(lex.intent_of(event), name),
            zone=app.user_zone(attrs),
            now=now,
            caller=identify(event, app.ops.verifier, app.ops.token_clock()),
        )

    def say(self, key: str, **values: object) -> str:
        return self.app.texts.message(self.locale, f"{OPS_TEXTS}.{key}", None, **values)

    def slot(self, name: str) -> str | None:
        return lex.slot_value(self.intent, name)

    # -- who may ask -------------------------------------------------------------------------------------

    def refusal(self) -> Json | None:
        """None when the caller is staff; otherwise the audited, polite refusal that ends the intent."""
        caller = self.caller
        if caller.has_any("ops", "admin"):
            return None
        if caller.identity is not None:
            reason, message = "no_role", self.say("no_role", user=caller.identity.username)
        else:
            problem = caller.problem or "not_signed_in"
            reason, message = problem, self.say(problem)
        self.audit("refused", f"reason={reason}")
        return self.close("Failed", [message])

    # -- audit -------------------------------------------------------------------------------------------

    def audit(self, outcome: Outcome, detail: str | None = None, request_id: str | None = None) -> None:
        """Record this turn in the ops audit; a failing audit store is logged, never shown to the user."""
        identity = self.caller.identity
        try:
            entry = OpsAuditEntry.new(
                at=self.now,
                intent=self.name,
                outcome=outcome,
                actor=self.caller.actor,
                subject=identity.subject if identity is not None else None,
                channel=self.caller.channel,
                session_id=lex.session_id(self.event) or None,
                detail=detail[:300] if detail else None,
                request_id=request_id,
            )
            self.ops.audit.record(entry)
            self.audited.append(entry)
        except Exception:
            log.exception("could not write the ops audit entry for %s (%s)", self.name, outcome)

    # -- answers -----------------------------------------------------------------------------------------

    def close(self, state: str, lines: Iterable[str]) -> Json:
        return lex.close(self.intent, state, self.attrs, [lex.plain(m) for m in fit(lines, self.say("more"))])

    def answer(self, lines: Iterable[str], detail: str | None = None) -> Json:
        self.audit("answered", detail)
        return self.close("Fulfilled", lines)

    def failure(self, exc: OpsError, detail: str | None = None) -> Json:
        """A friendly answer for an AWS failure; the operation and error code go to the log and the audit."""
        log.warning(
            "ops call failed", extra={"intent": self.name, "operation": exc.operation, "code": exc.code}
        )
        self.audit("failed", f"{detail + ' ' if detail else ''}error={exc.kind}:{exc.code}")
        return self.close("Failed", [self.say(f"aws_{exc.kind}", operation=exc.operation, code=exc.code)])

    def when(self, moment: datetime | None) -> str:
        """A time as the user reads it: their zone, with its abbreviation; "?" when AWS gave none."""
        if moment is None:
            return "?"
        local = moment.astimezone(self.zone)
        weekday = self.app.texts.variations(self.locale, "Fulfillment.messages.weekdays")[local.weekday()]
        return self.say(
            "when",
            weekday=weekday,
            date=local.date().isoformat(),
            time=f"{local:%H:%M}",
            zone=local.tzname() or self.zone.key,
        )


StaffHandler = Callable[["StaffTurn"], Json]
IntentHandler = Callable[[App, Mapping[str, Any]], Json]


def staff_intent(name: str) -> Callable[[StaffHandler], IntentHandler]:
    """Makes ``handler(turn)`` an intent handler that only ever sees verified staff: others are refused."""

    def wrap(handler: StaffHandler) -> IntentHandler:
        @functools.wraps(handler)
        def run(app: App, event: Mapping[str, Any]) -> Json:
            turn = StaffTurn.read(app, event, name)
            refused = turn.refusal()
            return refused if refused is not None else handler(turn)

        return run

    return wrap


def fit(lines: Iterable[str], more: str) -> list[str]:
    """Lines packed into at most ``MAX_MESSAGES`` messages of at most ``MESSAGE_LIMIT`` characters.

    A line longer than a message is cut; lines that do not fit at all are replaced by ``more`` (a short
    "and more" note), so an overview of many pipelines shortens instead of breaking the response.
    """
    messages: list[str] = []
    current = ""
    dropped = False
    for raw in lines:
        line = raw if len(raw) <= MESSAGE_LIMIT else raw[: MESSAGE_LIMIT - 1].rstrip() + "…"
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= MESSAGE_LIMIT:
            current = candidate
            continue
        if len(messages) + 1 >= MAX_MESSAGES:
            dropped = True
            break
        messages.append(current)
        current = line
    if current:
        messages.append(current)
    if dropped:
        last = messages[-1]
        room = MESSAGE_LIMIT - len(more) - 1
        messages[-1] = (last if len(last) <= room else last[:room].rstrip()) + "\n" + more
    return messages or [more]
