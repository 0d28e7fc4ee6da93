"""The admin Lambda's composition root: settings -> store, notifier, backup runner, clock, ops audit ->
``Services``."""

from __future__ import annotations

from admin_api.routes import Services
from fulfillment.app import clock_from, open_store
from fulfillment.backup_runner import aws_backup_runner
from fulfillment.domain.decisions import Decisions
from fulfillment.mail_notifier import MailNotifier
from fulfillment.ops_context import open_ops_audit
from fulfillment.settings import load_fulfillment_settings


def build_services() -> Services:
    settings = load_fulfillment_settings()
    clock = clock_from(settings)
    store = open_store(settings)
    runner = aws_backup_runner(store, clock)
    decisions = Decisions(store, MailNotifier(clock), clock, on_approved=runner.on_approved)
    # the bot's ops audit trail lives beside the requests (same SQLite file or DynamoDB table and client)
    ops_audit = open_ops_audit(settings, getattr(store, "client", None))
    return Services(store=store, decisions=decisions, ops_audit=ops_audit)
