"""Read side of the DynamoDB adapter: the admin listing and the calendar, as Queries and BatchGetItems.

Kept apart from ``dynamodb_store`` because choosing an index per filter combination, merging partitions and
retrying batch reads is a different concern from conditional transactional writes. The access plans are
described in the ``dynamodb_store`` module docstring; ``plan`` below is their single source.

A filtered DynamoDB Query charges for every item it reads, not for what the filter lets through, so the
plans aim at the smallest partition that holds all matches, and the key condition carries every bound the
sort key can express (created range, cursor).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, get_args

from fulfillment.domain import dynamodb_items as wire
from fulfillment.domain.errors import StoreError
from fulfillment.domain.requests import Request, Status, floor_block
from fulfillment.domain.store import Page, RequestQuery, calendar_order, decode_cursor, encode_cursor

Call = Callable[..., dict[str, Any]]
"""The store's ``_call``: one DynamoDB API call, ``ClientError`` already turned into ``StoreError``."""

SHORT_LIVED: frozenset[str] = frozenset({"pending", "running"})
"""Statuses requests soon leave (expiry, job end). With a status and a requester these are read by status
and filtered by requester, because their GSI1 partition stays small while a requester's history only
grows; any other status is read from the requester's GSI2 partition and filtered by status."""

_MAX_QUERY_PAGE = 1000
"""Cap of the growing ``Limit`` when a filter discards items: fewer round trips, bounded reads per call."""

_BATCH_GET = 100
"""BatchGetItem's own limit on keys per call."""

_BATCH_RETRIES = 5
"""Rounds of ``UnprocessedKeys`` (throttling) retried, with backoff, before giving up with ``StoreError``."""

_STATUSES: tuple[str, ...] = get_args(Status)


@dataclass(frozen=True)
class Plan:
    """Which index and partitions to Query, and what the server filters out before returning items."""

    index: str
    partitions: tuple[str, ...]
    filters: tuple[str, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def sort_attr(self) -> str:
        return f"{self.index}sk"


def plan(query: RequestQuery) -> Plan:
    """The cheapest correct access plan for ``query`` (both GSIs sort by ``Request.sort_key``)."""
    filters: list[str] = []
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    if query.kind is not None:
        # Items written before ``kind`` became an attribute pass here and are checked after reading.
        filters.append("(#k = :k OR attribute_not_exists(#k))")
        names["#k"] = "kind"
        values[":k"] = wire.s(query.kind)
    if query.status is not None and (query.requester is None or query.status in SHORT_LIVED):
        if query.requester is not None:
            filters.append("gsi2pk = :u")
            values[":u"] = wire.s(wire.user_partition(*query.requester))
        partitions: tuple[str, ...] = (wire.status_partition(query.status),)
        return Plan("gsi1", partitions, tuple(filters), names, values)
    if query.requester is not None:
        if query.status is not None:
            filters.append("#s = :s")
            names["#s"] = "status"
            values[":s"] = wire.s(query.status)
        return Plan("gsi2", (wire.user_partition(*query.requester),), tuple(filters), names, values)
    # Neither: every status partition, merged newest first. The cursor is a sort key, not a position in
    # one partition, so each partition resumes from it independently.
    return Plan("gsi1", tuple(wire.status_partition(s) for s in _STATUSES), tuple(filters), names, values)


def list_requests(call: Call, table: str, query: RequestQuery, limit: int, cursor: str | None) -> Page:
    lower, upper = query.lower, query.upper(decode_cursor(cursor, query))
    if lower is not None and upper is not None and lower >= upper:
        return Page(items=(), cursor=None)  # also spares DynamoDB a BETWEEN with bounds reversed
    chosen = plan(query)
    want = limit + 1  # one beyond the page tells whether another page exists
    streams = [_partition(call, table, chosen, p, lower, upper, want) for p in chosen.partitions]
    merged: Iterable[dict[str, Any]] = (
        heapq.merge(*streams, key=lambda item: str(item[chosen.sort_attr]["S"]), reverse=True)
        if len(streams) > 1
        else streams[0]
    )
    found: dict[str, Request] = {}
    for item in merged:
        request = Request.model_validate_json(item["data"]["S"])
        # The projected data is authoritative: it drops legacy items without ``kind`` that do not match,
        # and a request caught mid-move between status partitions (GSIs are eventually consistent).
        if query.matches(request) and request.id not in found:
            found[request.id] = request
            if len(found) == want:
                break
    items = tuple(found.values())[:limit]
    more = len(found) > limit
    return Page(items=items, cursor=encode_cursor(items[-1].sort_key, query) if more else None)


def _partition(
    call: Call, table: str, chosen: Plan, partition: str, lower: str | None, upper: str | None, want: int
) -> Iterator[dict[str, Any]]:
    """One partition's items within the bounds, newest first, fetched lazily page by page."""
    sk = chosen.sort_attr
    condition = f"{chosen.index}pk = :p"
    values: dict[str, Any] = {":p": wire.s(partition), **chosen.values}
    if lower is not None and upper is not None:
        # BETWEEN is inclusive; the upper bound, when it is the cursor, is a real item skipped below.
        condition += f" AND {sk} BETWEEN :lo AND :hi"
        values |= {":lo": wire.s(lower), ":hi": wire.s(upper)}
    elif upper is not None:
        condition += f" AND {sk} < :hi"
        values[":hi"] = wire.s(upper)
    elif lower is not None:
        condition += f" AND {sk} >= :lo"
        values[":lo"] = wire.s(lower)
    extra: dict[str, Any] = {}
    if chosen.filters:
        extra["FilterExpression"] = " AND ".join(chosen.filters)
    if chosen.names:
        extra["ExpressionAttributeNames"] = chosen.names
    page = want + 1
    start: dict[str, Any] | None = None
    while True:
        resume: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
        resp = call(
            "query",
            TableName=table,
            IndexName=chosen.index,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            ScanIndexForward=False,
            Limit=page,
            **extra,
            **resume,
        )
        for item in resp.get("Items", []):
            if item[sk]["S"] != upper:
                yield item
        start = resp.get("LastEvaluatedKey")
        if not start:
            return
        # Limit counts items read, not matched: a sparse filter needs bigger pages, not more round trips.
        page = min(page * 2, _MAX_QUERY_PAGE)


def hold_items(call: Call, table: str, start_utc: datetime, end_utc: datetime) -> Iterator[dict[str, Any]]:
    """Slot-hold items of every block touching ``[start_utc, end_utc)``: one Query per day partition.

    A meeting holds every block it touches, each in its own day's partition, so one crossing midnight is
    found from either day by its blocks there; no query of the day before is needed.
    """
    first = floor_block(start_utc)
    last = end_utc - timedelta(microseconds=1)
    day = first.date()
    while first <= last and day <= last.date():
        low = first.strftime("%H:%M") if day == first.date() else "00:00"
        high = last.strftime("%H:%M") if day == last.date() else "23:59"
        start: dict[str, Any] | None = None
        while True:
            resume: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
            resp = call(
                "query",
                TableName=table,
                KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
                ExpressionAttributeValues={
                    ":pk": wire.s(wire.hold_partition(day)),
                    ":lo": wire.s(low),
                    ":hi": wire.s(high),
                },
                **resume,
            )
            yield from resp.get("Items", [])
            start = resp.get("LastEvaluatedKey")
            if not start:
                break
        day += timedelta(days=1)


def approved_meetings(call: Call, table: str, start_utc: datetime, end_utc: datetime) -> list[Request]:
    ids = sorted({item["request_id"]["S"] for item in hold_items(call, table, start_utc, end_utc)})
    return calendar_order(batch_get(call, table, ids), start_utc, end_utc)


def batch_get(call: Call, table: str, request_ids: list[str]) -> Iterator[Request]:
    """The requests with these ids (missing ones skipped), strongly consistent like ``get``."""
    for offset in range(0, len(request_ids), _BATCH_GET):
        keys = [wire.request_key(i) for i in request_ids[offset : offset + _BATCH_GET]]
        pending: dict[str, Any] = {
            table: {
                "Keys": keys,
                "ConsistentRead": True,
                "ProjectionExpression": "#d",
                "ExpressionAttributeNames": {"#d": "data"},
            }
        }
        for attempt in range(_BATCH_RETRIES + 1):
            resp = call("batch_get_item", RequestItems=pending)
            for item in resp.get("Responses", {}).get(table, []):
                yield Request.model_validate_json(item["data"]["S"])
            pending = resp.get("UnprocessedKeys") or {}
            if not pending:
                break
            if attempt == _BATCH_RETRIES:
                raise StoreError("request store batch_get_item failed: keys left unprocessed (throttled)")
            time.sleep(0.05 * 2**attempt)
