"""DynamoDB adapter of ``OpsAuditLog``, in the request store's single table.

Layout: ``pk = OPSAUDIT#<yyyy-mm-dd of at>``, ``sk = <utc_key(at)>#<id>`` (``OpsAuditEntry.sort_key``),
``data`` = the entry as JSON, ``expires`` (the table's TTL) = ``at`` + ``RETENTION``. No GSI attributes,
so entries never show up in request listings.

One partition per UTC day spreads writes (a hot day stays one partition, but a busy month does not) and
lets a window be read newest day first with plain Queries: ``ScanIndexForward=False`` and the window and
cursor as ``sk`` bounds, stopping as soon as the page plus one look-ahead entry is found. Never a Scan.

``record`` is a ``PutItem`` conditional on ``attribute_not_exists(pk)``: a retried write finds its own
item and succeeds without duplicating or overwriting. ``ClientError`` never escapes: it becomes a
``StoreError``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from fulfillment.domain import dynamodb_items as wire
from fulfillment.domain.errors import StoreError
from fulfillment.domain.ops_audit import OpsAuditEntry, OpsAuditPage, Window, check_replay, load_entry
from fulfillment.domain.requests import parse_utc_key
from fulfillment.domain.store import check_page_limit

DynamoClient = Any
"""A boto3 ``dynamodb`` client (typed loosely: the project does not ship the DynamoDB stubs)."""

RETENTION = timedelta(days=400)
"""How long DynamoDB keeps an entry: a year of look-back plus a margin for a yearly review."""


def partition(day: date) -> str:
    return f"OPSAUDIT#{day.isoformat()}"


def entry_item(entry: OpsAuditEntry) -> dict[str, Any]:
    return {
        "pk": wire.s(partition(entry.at.date())),
        "sk": wire.s(entry.sort_key),
        "data": wire.s(entry.model_dump_json()),
        "expires": wire.n(int((entry.at + RETENTION).timestamp())),
    }


class DynamoOpsAudit:
    """``OpsAuditLog`` on the table described in the module docstring."""

    def __init__(self, table_name: str, client: DynamoClient) -> None:
        self._table = table_name
        self._client = client

    def record(self, entry: OpsAuditEntry) -> None:
        item = entry_item(entry)
        try:
            self._client.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
            return
        except ClientError as exc:
            if wire.code(exc) != "ConditionalCheckFailedException":
                raise StoreError(f"ops audit put_item failed: {wire.code(exc)}") from exc
        resp = self._call(
            "get_item", TableName=self._table, Key={"pk": item["pk"], "sk": item["sk"]}, ConsistentRead=True
        )
        stored = resp.get("Item")
        check_replay(entry, None if stored is None else str(stored["data"]["S"]))

    def recent(
        self, *, since: datetime, until: datetime, limit: int = 50, cursor: str | None = None
    ) -> OpsAuditPage:
        check_page_limit(limit)
        window = Window(since, until)
        lower, upper = window.lower, window.upper(window.decode(cursor))
        if lower >= upper:
            return OpsAuditPage(items=(), cursor=None)  # also spares DynamoDB a BETWEEN with bounds reversed
        stamp, _, after_id = upper.partition("#")
        newest = parse_utc_key(stamp)
        if not after_id:
            newest -= timedelta(microseconds=1)  # ``until`` is exclusive: at midnight, start the day before
        want = limit + 1
        found: list[OpsAuditEntry] = []
        day = newest.date()
        while day >= window.since.date() and len(found) < want:
            found += self._day(day, lower, upper, want - len(found))
            day -= timedelta(days=1)
        return window.page(found, limit)

    def _day(self, day: date, lower: str, upper: str, need: int) -> list[OpsAuditEntry]:
        """Up to ``need`` entries of one day partition below ``upper``, newest first."""
        out: list[OpsAuditEntry] = []
        start: dict[str, Any] | None = None
        while len(out) < need:
            resume: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
            resp = self._call(
                "query",
                TableName=self._table,
                # BETWEEN is inclusive; the upper bound, when it is the cursor, is a real item skipped below.
                KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
                ExpressionAttributeValues={
                    ":pk": wire.s(partition(day)),
                    ":lo": wire.s(lower),
                    ":hi": wire.s(upper),
                },
                ScanIndexForward=False,
                ConsistentRead=True,  # an admin looking right after an incident sees its last turns
                Limit=need - len(out) + 1,
                **resume,
            )
            out += [load_entry(i["data"]["S"]) for i in resp.get("Items", []) if i["sk"]["S"] != upper]
            start = resp.get("LastEvaluatedKey")
            if not start:
                break
        return out[:need]

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        try:
            resp: dict[str, Any] = getattr(self._client, operation)(**kwargs)
        except ClientError as exc:
            raise StoreError(f"ops audit {operation} failed: {wire.code(exc)}") from exc
        return resp
