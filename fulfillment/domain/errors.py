"""Errors the request store raises; adapters translate ``sqlite3`` / ``ClientError`` into these.

Callers (intent actions, the admin API) map them to user messages or HTTP codes without knowing which
backend is underneath: ``SlotTaken`` -> "that time is taken", ``TransitionConflict`` -> 409,
``RequestNotFound`` -> 404, ``InvalidCursor`` -> 400, anything else ``StoreError`` -> 503 (so catch the
specific ones first).
"""

from __future__ import annotations

from bot.errors import MeetyError


class StoreError(MeetyError):
    """The store could not do what was asked (backend failure, corrupt data, id collision)."""


class SlotTaken(StoreError):
    """The meeting overlaps a slot already held by a pending or approved meeting."""


class RequestNotFound(StoreError):
    """No request has this id."""

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        super().__init__(f"request {request_id} not found")


class TransitionConflict(StoreError):
    """The request was not in the expected status: someone else decided first (HTTP 409).

    ``current_status`` is what the request is now, so the caller can say "already approved by ...".
    """

    def __init__(self, request_id: str, expected: str, current_status: str) -> None:
        self.request_id = request_id
        self.expected = expected
        self.current_status = current_status
        super().__init__(f"request {request_id} is {current_status}, not {expected}")


class InvalidTransition(StoreError):
    """The transition is not allowed for this kind at all (e.g. rejected -> approved)."""

    def __init__(self, kind: str, from_status: str, to_status: str) -> None:
        self.kind = kind
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(f"a {kind} request cannot go from {from_status} to {to_status}")


class InvalidCursor(StoreError):
    """A page cursor that this store did not hand out for this query (malformed, edited, or foreign).

    It is the caller's input that is wrong, not the backend, hence 400 rather than 503.
    """

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"invalid page cursor: {detail}")
