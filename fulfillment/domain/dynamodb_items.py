"""DynamoDB wire format of the request store: item keys and attributes, cancellation reasons.

Kept apart from ``dynamodb_store`` so the store reads as the algorithm and this module as the layout
(see the table description there). Everything here is a pure function of domain values.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from botocore.exceptions import ClientError

from fulfillment.domain.requests import AuditEvent, Request, utc_key

HOLD_RETENTION = timedelta(days=366)
"""How long a hold outlives its meeting before TTL deletes it.

Holds are also the calendar's day index: deleting them at the meeting's end (as TTL first did) would empty
past weeks of the admin calendar on AWS while SQLite, which never deletes holds, still shows them. A past
hold blocks nothing bookable, so keeping it a year costs only a few bytes per block.
"""


class Cancelled(Exception):
    """A cancelled transaction with its per-item reason codes (``"None"`` for items that were fine)."""

    def __init__(self, exc: ClientError) -> None:
        reasons = exc.response.get("CancellationReasons", [])
        self.codes = [str(r.get("Code", "None")) for r in reasons]
        super().__init__(self.codes)

    def failed(self, index: int) -> bool:
        return index < len(self.codes) and self.codes[index] == "ConditionalCheckFailed"


def s(value: str) -> dict[str, str]:
    return {"S": value}


def n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "Unknown"))


def request_key(request_id: str) -> dict[str, Any]:
    return {"pk": s(f"REQ#{request_id}"), "sk": s("REQ")}


def status_partition(status: str) -> str:
    return f"STATUS#{status}"


def user_partition(channel: str, user_id: str) -> str:
    return f"USER#{channel}#{user_id}"


def hold_partition(day: date) -> str:
    return f"HOLD#{day.isoformat()}"


def idem_key(key: str) -> dict[str, Any]:
    return {"pk": s(f"IDEM#{key}"), "sk": s("IDEM")}


def hold_attrs(request: Request) -> dict[str, Any]:
    if request.meeting is None:
        return {}
    end = request.meeting.end_utc
    return {
        "request_id": s(request.id),
        "start_utc": s(utc_key(request.meeting.start_utc)),
        "end_utc": s(utc_key(end)),
        "expires": n(int((end + HOLD_RETENTION).timestamp())),
    }


def audit_item(event: AuditEvent, *, version: int) -> dict[str, Any]:
    return {
        "pk": s(f"REQ#{event.request_id}"),
        "sk": s(f"AUDIT#{version:06d}"),
        "data": s(event.model_dump_json()),
    }
