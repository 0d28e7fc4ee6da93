"""TriggerBackup and BackupStatus: staff request database backups; an admin's approval runs them.

A backup is never run from the chat. TriggerBackup files a pending ``backup`` request for a database on
the allow-list (after Lex's confirmation prompt); the admin API's approval hands it to the
``BackupRunner``. BackupStatus lists the caller's own backup requests and, for running ones, asks AWS
how far along they are (settling them when AWS says they are done).
"""

from __future__ import annotations

from typing import Any

from ulid import ULID

from fulfillment import lex
from fulfillment.domain import AuditEvent, BackupDetails, Request, Requester, Status
from fulfillment.intents_meeting import idempotency_key
from fulfillment.ops_turn import StaffTurn, staff_intent
from fulfillment.targets import BackupTarget, find_target

Json = dict[str, Any]
TRIGGER_INTENT = "TriggerBackup"
STATUS_INTENT = "BackupStatus"
TARGET_SLOT = "DatabaseName"
OPEN_STATUSES: tuple[Status, ...] = ("pending", "approved", "running")
ALL_STATUSES: tuple[Status, ...] = (
    "pending",
    "approved",
    "running",
    "succeeded",
    "failed",
    "rejected",
    "cancelled",
    "expired",
)
MAX_LISTED = 5


@staff_intent(TRIGGER_INTENT)
def trigger_dialog(turn: StaffTurn) -> Json:
    """Refuse non-staff first; only an allow-listed database may fill the slot (Lex then confirms)."""
    if not turn.ops.targets:
        turn.audit("refused", "reason=no_targets")
        return turn.close("Failed", [turn.say("no_targets")])
    said = turn.slot(TARGET_SLOT)
    if said and find_target(turn.ops.targets, said) is None:
        return _ask_target(turn, said)
    return lex.delegate(turn.intent, turn.attrs)


@staff_intent(TRIGGER_INTENT)
def trigger_fulfil(turn: StaffTurn) -> Json:
    said = turn.slot(TARGET_SLOT)
    target = find_target(turn.ops.targets, said)
    if target is None:
        return _ask_target(turn, said or "")
    if lex.intent_of(turn.event).get("confirmationState") != "Confirmed":
        # Lex only fulfils a confirmed intent; anything else is a client that skipped the question
        return lex.delegate(turn.intent, turn.attrs)
    identity = turn.caller.identity
    assert identity is not None  # refusal() let only verified staff through
    requester = Requester(
        channel=turn.caller.channel, user_id=identity.subject, display_name=identity.username
    )
    open_ones = [
        r
        for r in turn.app.store.list_by_requester(requester.channel, requester.user_id, OPEN_STATUSES)
        if r.backup is not None and r.backup.target_name == target.name
    ]
    if open_ones:
        existing = open_ones[-1]
        turn.audit("answered", f"target={target} already={existing.id}", request_id=existing.id)
        message = turn.say(
            "backup_already", id=existing.id, target=_target_text(turn, target), status=_state(turn, existing)
        )
        return turn.close("Fulfilled", [message])
    request_id = str(ULID.from_datetime(turn.now))
    session = lex.session_id(turn.event) or request_id
    request = Request(
        id=request_id,
        kind="backup",
        status="pending",
        requester=requester,
        locale=turn.locale,
        created_at=turn.now,
        updated_at=turn.now,
        backup=BackupDetails(target_kind=target.kind, target_name=target.name),
        idempotency_key=idempotency_key(turn.event, turn.intent, session),
        expires_at=turn.now + turn.app.pending_expiry,
    )
    audit = AuditEvent(
        request_id=request_id,
        at=turn.now,
        actor=identity.username,
        action="requested",
        to_status="pending",
        channel=turn.caller.channel,
    )
    stored = turn.app.store.create(request, audit)
    if stored.id == request_id:
        turn.app.record("BackupsRequested", {})
        turn.app.announce(stored)
    turn.audit("filed", f"target={target}", request_id=stored.id)
    return turn.close(
        "Fulfilled", [turn.say("backup_filed", id=stored.id, target=_target_text(turn, target))]
    )


@staff_intent(STATUS_INTENT)
def status_fulfil(turn: StaffTurn) -> Json:
    identity = turn.caller.identity
    assert identity is not None
    found = turn.app.store.list_by_requester(turn.caller.channel, identity.subject, ALL_STATUSES)
    mine = sorted((r for r in found if r.kind == "backup"), key=lambda r: r.sort_key, reverse=True)
    if not mine:
        return turn.answer([turn.say("backups_none")], "backups=0")
    runner = turn.ops.runner(turn.app.store, turn.app.now)
    lines = [turn.say("backups_header", count=len(mine))]
    for request in mine[:MAX_LISTED]:
        percent: int | None = None
        if request.status == "running":
            request, progress = runner.refresh(request, restart=False)
            percent = progress.percent if progress is not None else None
        lines.append(_line(turn, request, percent))
    if len(mine) > MAX_LISTED:
        lines.append(turn.say("backups_more", count=len(mine) - MAX_LISTED))
    return turn.answer(lines, f"backups={len(mine)}")


def _ask_target(turn: StaffTurn, said: str) -> Json:
    turn.intent["slots"][TARGET_SLOT] = None
    known = ", ".join(t.name for t in turn.ops.targets)
    message = turn.say("unknown_target", name=said, known=known)
    return lex.elicit_slot(turn.intent, TARGET_SLOT, turn.attrs, [lex.plain(message)])


def _target_text(turn: StaffTurn, target: BackupTarget | BackupDetails) -> str:
    if isinstance(target, BackupDetails):
        return turn.say(f"target_{target.target_kind}", name=target.target_name)
    return turn.say(f"target_{target.kind}", name=target.name)


def _state(turn: StaffTurn, request: Request, percent: int | None = None) -> str:
    details = request.backup
    snapshot = (details.snapshot_id if details else None) or "?"
    if request.status == "running":
        done = turn.say("backup_percent", percent=percent) if percent is not None else ""
        return turn.say("backup_state_running", snapshot=snapshot, percent=done)
    if request.status == "succeeded":
        return turn.say("backup_state_succeeded", snapshot=snapshot)
    if request.status == "failed":
        outcome = (details.outcome if details else None) or "?"
        return turn.say("backup_state_failed", outcome=outcome)
    if request.status == "rejected" and request.decision is not None:
        reason = request.decision.reason or "-"
        return turn.say("backup_state_rejected", by=request.decision.by, reason=reason)
    return turn.say(f"backup_state_{request.status}")


def _line(turn: StaffTurn, request: Request, percent: int | None) -> str:
    target = _target_text(turn, request.backup) if request.backup is not None else "?"
    return turn.say(
        "backup_line",
        id=request.id,
        target=target,
        state=_state(turn, request, percent),
        when=turn.when(request.created_at),
    )
