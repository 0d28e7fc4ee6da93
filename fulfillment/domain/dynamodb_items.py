"""DynamoDB wire format of the request store: item keys and attributes, cursors, cancellation reasons.

Kept apart from ``dynamodb_store`` so the store reads as the algorithm and this module as the layout
(see the table description there). Everything here is a pure function of domain values.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from botocore.exceptions import ClientError

from fulfillment.domain.errors import StoreError
from fulfillment.domain.requests import AuditEvent, Request, utc_key


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
        "expires": n(int(end.timestamp())),
    }


def audit_item(event: AuditEvent, *, version: int) -> dict[str, Any]:
    return {
        "pk": s(f"REQ#{event.request_id}"),
        "sk": s(f"AUDIT#{version:06d}"),
        "data": s(event.model_dump_json()),
    }


def encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, sort_keys=True).encode()).decode()


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if cursor is None:
        return None
    try:
        key: dict[str, Any] = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError as exc:
        raise StoreError("invalid page cursor") from exc
    return key
