"""DynamoDB adapter of ``RequestStore``: one on-demand table, every write one ``TransactWriteItems``.

Layout (single table, generic ``pk``/``sk``):

- request ``REQ#<id>`` / ``REQ``: ``status``, ``kind``, ``version``, ``data`` (the model as JSON), GSI keys;
- audit ``REQ#<id>`` / ``AUDIT#<version>``: in the request's partition, so one Query reads the trail;
- slot hold ``HOLD#<yyyy-mm-dd>`` / ``<HH:MM>``: one item per 15-minute block, created with
  ``attribute_not_exists`` so two overlapping meetings cannot both commit; carries ``request_id`` and the
  meeting's span; ``expires`` (TTL) = meeting end + ``HOLD_RETENTION``, so the calendar can look back;
- idempotency ``IDEM#<key>`` / ``IDEM``: makes a retried create a replay instead of a second request;
- GSI1 ``gsi1pk=STATUS#<status>``, ``gsi1sk=<created_at>#<id>``: the admin queue, newest first;
- GSI2 ``gsi2pk=USER#<channel>#<user_id>``, ``gsi2sk=<created_at>#<id>``: "my requests".

Access patterns (reads are Queries, GetItems and BatchGetItems, never Scans; GSIs project everything, so a
listing never goes back to the table):

- ``get``: GetItem (consistent); ``audit``: Query ``REQ#<id>`` ``begins_with(sk, AUDIT#)``;
- ``list_by_status`` / ``list_requests`` (plans in ``dynamodb_queries.plan``), cursor and created range in
  the key condition (``gsiNsk < :cursor``, ``BETWEEN :from AND :cursor``), the rest as ``FilterExpression``:
  - status, no requester: GSI1 ``STATUS#<status>``, kind filtered;
  - status ``pending``/``running`` and requester: GSI1 by status, requester (``gsi2pk``) and kind filtered:
    requests leave those partitions soon, while a requester's history only grows;
  - requester with any other status, or none: GSI2 ``USER#<channel>#<user_id>`` (same sort key as GSI1),
    status and kind filtered;
  - neither: a lazy Query stream per GSI1 status partition, k-way merged by sort key, kind filtered;
- ``list_by_requester``: Query GSI2, statuses filtered client-side;
- ``busy_between`` / ``approved_meetings``: Query each ``HOLD#<day>`` in range, ``sk`` between the first
  and last block; the calendar then BatchGetItems the held requests (retrying ``UnprocessedKeys``).

``ClientError`` never escapes: it becomes a ``StoreError``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from fulfillment.domain import dynamodb_items as wire
from fulfillment.domain import dynamodb_queries as reads
from fulfillment.domain.errors import RequestNotFound, SlotTaken, StoreError, TransitionConflict
from fulfillment.domain.requests import (
    AuditEvent,
    BackupDetails,
    Request,
    Status,
    check_transition,
    parse_utc_key,
    utc_key,
)
from fulfillment.domain.store import (
    Page,
    RequestQuery,
    apply_transition,
    check_page_limit,
    overlapping,
    requester_order,
    stamp_created,
)

DynamoClient = Any
"""A boto3 ``dynamodb`` client (typed loosely: the project does not ship the DynamoDB stubs)."""

_RETRIES = 3
"""How often a transaction cancelled by a concurrent transaction (``TransactionConflict``) is retried."""


def create_table(client: DynamoClient, name: str) -> None:
    """Create the table with both GSIs, TTL on ``expires`` and point-in-time recovery, and wait for it."""
    keys = ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"]
    try:
        client.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in keys],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": index,
                    "KeySchema": [
                        {"AttributeName": f"{index}pk", "KeyType": "HASH"},
                        {"AttributeName": f"{index}sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in ("gsi1", "gsi2")
            ],
        )
        client.get_waiter("table_exists").wait(TableName=name)
        client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
        )
        client.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
    except ClientError as exc:
        raise StoreError(f"cannot create table {name}: {wire.code(exc)}") from exc


class DynamoRequestStore:
    """``RequestStore`` on the single table described in the module docstring."""

    def __init__(self, table_name: str, client: DynamoClient) -> None:
        self._table = table_name
        self._client = client

    @property
    def client(self) -> DynamoClient:
        """The boto3 client; the ops audit shares it, so a Lambda opens one connection pool."""
        return self._client

    # -- writes -----------------------------------------------------------------------------------------

    def create(self, request: Request, audit: AuditEvent) -> Request:
        holds = self._hold_keys(request) if request.holds_slot else []
        hold_attrs = wire.hold_attrs(request)
        items: list[dict[str, Any]] = [
            self._put(self._request_item(request, version=1), condition=True),
            *(self._put({**key, **hold_attrs}, condition=True) for key in holds),
        ]
        if request.idempotency_key is not None:
            items.append(
                self._put({**wire.idem_key(request.idempotency_key), "request_id": wire.s(request.id)}, True)
            )
        items.append(self._put(wire.audit_item(stamp_created(request, audit), version=1), condition=True))
        try:
            self._transact(items)
        except wire.Cancelled as cancelled:
            existing = self._replay(request.idempotency_key)
            if existing is not None:
                return existing
            if any(cancelled.failed(i) for i in range(1, 1 + len(holds))):
                span = (
                    f"{utc_key(request.meeting.start_utc)} +{request.meeting.duration_minutes}m"
                    if (request.meeting)
                    else ""
                )
                raise SlotTaken(f"{span} overlaps another meeting") from None
            raise StoreError(f"request {request.id} could not be created: {cancelled.codes}") from None
        return request

    def transition(
        self,
        request_id: str,
        to_status: Status,
        audit: AuditEvent,
        *,
        expected: Status,
        backup: BackupDetails | None = None,
    ) -> Request:
        found = self._get_item(request_id)
        if found is None:
            raise RequestNotFound(request_id)
        current, version = found
        if current.status != expected:
            raise TransitionConflict(request_id, expected, current.status)
        check_transition(current.kind, current.status, to_status)
        updated, stamped = apply_transition(current, to_status, audit, backup)
        new = self._request_item(updated, version=version + 1)
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": wire.request_key(request_id),
                    "UpdateExpression": "SET #s = :to, #v = :nv, #d = :d, gsi1pk = :g",
                    # The version check makes the audit sort key unique even if statuses ever repeat.
                    "ConditionExpression": "#s = :expected AND #v = :v",
                    "ExpressionAttributeNames": {"#s": "status", "#v": "version", "#d": "data"},
                    "ExpressionAttributeValues": {
                        ":to": wire.s(to_status),
                        ":nv": new["version"],
                        ":d": new["data"],
                        ":g": new["gsi1pk"],
                        ":expected": wire.s(expected),
                        ":v": wire.n(version),
                    },
                }
            },
            self._put(wire.audit_item(stamped, version=version + 1), condition=True),
        ]
        if current.holds_slot and not updated.holds_slot:
            items += [{"Delete": {"TableName": self._table, "Key": key}} for key in self._hold_keys(current)]
        try:
            self._transact(items)
        except wire.Cancelled:
            now = self.get(request_id)
            raise TransitionConflict(request_id, expected, now.status if now else "missing") from None
        return updated

    # -- reads ------------------------------------------------------------------------------------------

    def get(self, request_id: str) -> Request | None:
        found = self._get_item(request_id)
        return None if found is None else found[0]

    def audit(self, request_id: str) -> list[AuditEvent]:
        items = self._query_all(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :a)",
            ExpressionAttributeValues={":pk": wire.s(f"REQ#{request_id}"), ":a": wire.s("AUDIT#")},
            ConsistentRead=True,
        )
        return [AuditEvent.model_validate_json(item["data"]["S"]) for item in items]

    def list_by_status(self, status: Status, limit: int = 50, cursor: str | None = None) -> Page:
        check_page_limit(limit, maximum=None)
        return reads.list_requests(self._call, self._table, RequestQuery(status=status), limit, cursor)

    def oldest(self, status: Status) -> Request | None:
        resp = self._call(
            "query",
            TableName=self._table,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :p",
            ExpressionAttributeValues={":p": wire.s(wire.status_partition(status))},
            ScanIndexForward=True,
            Limit=1,
        )
        items = resp.get("Items") or []
        return Request.model_validate_json(items[0]["data"]["S"]) if items else None

    def list_requests(self, query: RequestQuery, limit: int = 50, cursor: str | None = None) -> Page:
        check_page_limit(limit)
        return reads.list_requests(self._call, self._table, query, limit, cursor)

    def list_by_requester(self, channel: str, user_id: str, statuses: Iterable[Status]) -> list[Request]:
        wanted = set(statuses)
        items = self._query_all(
            IndexName="gsi2",
            KeyConditionExpression="gsi2pk = :p",
            ExpressionAttributeValues={":p": wire.s(wire.user_partition(channel, user_id))},
        )
        found = [Request.model_validate_json(i["data"]["S"]) for i in items]
        return requester_order([r for r in found if r.status in wanted])

    def busy_between(self, start_utc: datetime, end_utc: datetime) -> list[tuple[datetime, datetime]]:
        spans = [
            (parse_utc_key(item["start_utc"]["S"]), parse_utc_key(item["end_utc"]["S"]))
            for item in reads.hold_items(self._call, self._table, start_utc, end_utc)
        ]
        return overlapping(spans, start_utc, end_utc)

    def approved_meetings(self, start_utc: datetime, end_utc: datetime) -> list[Request]:
        return reads.approved_meetings(self._call, self._table, start_utc, end_utc)

    # -- helpers ----------------------------------------------------------------------------------------

    def _request_item(self, request: Request, *, version: int) -> dict[str, Any]:
        return {
            **wire.request_key(request.id),
            "status": wire.s(request.status),
            "kind": wire.s(request.kind),
            "version": wire.n(version),
            "data": wire.s(request.model_dump_json()),
            "gsi1pk": wire.s(wire.status_partition(request.status)),
            "gsi1sk": wire.s(request.sort_key),
            "gsi2pk": wire.s(wire.user_partition(request.requester.channel, request.requester.user_id)),
            "gsi2sk": wire.s(request.sort_key),
        }

    @staticmethod
    def _hold_keys(request: Request) -> list[dict[str, Any]]:
        blocks = request.meeting.blocks() if request.meeting else []
        return [
            {"pk": wire.s(wire.hold_partition(b.date())), "sk": wire.s(b.strftime("%H:%M"))} for b in blocks
        ]

    def _put(self, item: dict[str, Any], condition: bool) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": item}
        if condition:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        return {"Put": put}

    def _transact(self, items: list[dict[str, Any]]) -> None:
        for attempt in range(_RETRIES + 1):
            try:
                self._client.transact_write_items(TransactItems=items)
                return
            except ClientError as exc:
                if wire.code(exc) != "TransactionCanceledException":
                    raise StoreError(f"request store write failed: {wire.code(exc)}") from exc
                cancelled = wire.Cancelled(exc)
                if "TransactionConflict" not in cancelled.codes or attempt == _RETRIES:
                    raise cancelled from exc
                time.sleep(0.05 * (attempt + 1))

    def _replay(self, key: str | None) -> Request | None:
        if key is None:
            return None
        resp = self._call("get_item", TableName=self._table, Key=wire.idem_key(key), ConsistentRead=True)
        item = resp.get("Item")
        return None if item is None else self.get(item["request_id"]["S"])

    def _get_item(self, request_id: str) -> tuple[Request, int] | None:
        resp = self._call(
            "get_item", TableName=self._table, Key=wire.request_key(request_id), ConsistentRead=True
        )
        item = resp.get("Item")
        if item is None:
            return None
        return Request.model_validate_json(item["data"]["S"]), int(item["version"]["N"])

    def _query_all(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        start: dict[str, Any] | None = None
        while True:
            extra: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
            resp = self._call("query", TableName=self._table, **kwargs, **extra)
            yield from resp.get("Items", [])
            start = resp.get("LastEvaluatedKey")
            if not start:
                return

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        try:
            resp: dict[str, Any] = getattr(self._client, operation)(**kwargs)
        except ClientError as exc:
            raise StoreError(f"request store {operation} failed: {wire.code(exc)}") from exc
        return resp
