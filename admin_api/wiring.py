"""The admin Lambda's composition root: settings -> store, notifier, clock -> ``Services``."""

from __future__ import annotations

from admin_api.routes import Services
from fulfillment.app import clock_from, open_store
from fulfillment.domain.decisions import Decisions
from fulfillment.mail_notifier import MailNotifier
from fulfillment.settings import load_fulfillment_settings


def build_services() -> Services:
    settings = load_fulfillment_settings()
    clock = clock_from(settings)
    store = open_store(settings)
    return Services(store=store, decisions=Decisions(store, MailNotifier(clock), clock))
