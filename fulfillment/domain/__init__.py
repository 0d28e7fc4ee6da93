"""Requests (meetings, backups), their status machine and audit trail, and where they are stored.

Public API:

- models: ``Request``, ``Requester``, ``Decision``, ``MeetingDetails``, ``BackupDetails``, ``AuditEvent``,
  ``Kind``, ``Status``, ``HOLDING_STATUSES``, ``check_transition``;
- the port: ``RequestStore``, ``Page``, ``RequestQuery`` (admin listing filters);
- adapters: ``SqliteRequestStore`` (local), ``DynamoRequestStore`` + ``create_table`` (AWS);
- expiry: ``expire_due`` (run on a schedule);
- errors: ``StoreError``, ``SlotTaken``, ``TransitionConflict``, ``RequestNotFound``, ``InvalidTransition``,
  ``InvalidCursor``.
"""

from fulfillment.domain.dynamodb_store import DynamoRequestStore, create_table
from fulfillment.domain.errors import (
    InvalidCursor,
    InvalidTransition,
    RequestNotFound,
    SlotTaken,
    StoreError,
    TransitionConflict,
)
from fulfillment.domain.expiry import expire_due
from fulfillment.domain.requests import (
    HOLDING_STATUSES,
    AuditEvent,
    BackupDetails,
    Decision,
    Kind,
    MeetingDetails,
    Request,
    Requester,
    Status,
    check_transition,
)
from fulfillment.domain.sqlite_store import SqliteRequestStore
from fulfillment.domain.store import Page, RequestQuery, RequestStore

__all__ = [
    "HOLDING_STATUSES",
    "AuditEvent",
    "BackupDetails",
    "Decision",
    "DynamoRequestStore",
    "InvalidCursor",
    "InvalidTransition",
    "Kind",
    "MeetingDetails",
    "Page",
    "Request",
    "RequestNotFound",
    "RequestQuery",
    "RequestStore",
    "Requester",
    "SlotTaken",
    "SqliteRequestStore",
    "Status",
    "StoreError",
    "TransitionConflict",
    "check_transition",
    "create_table",
    "expire_due",
]
