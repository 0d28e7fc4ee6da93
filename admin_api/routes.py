"""The admin API's routes on Powertools' ``APIGatewayHttpResolver`` (validation and OpenAPI from types).

``create_resolver`` wires the routes to the services once; the Lambda entry point and the local server
both resolve API Gateway HTTP API v2 events with it, so there is one code path. Every error leaves as a
JSON ``Problem`` with a 4xx status that says what was wrong; only a store outage is a 503 and only a bug
is a 500, and neither shows internals.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict

from admin_api.access import DECIDERS, READERS, Forbidden, Unauthenticated, require
from admin_api.models import (
    ApproveBody,
    AuditOut,
    CalendarOut,
    Health,
    OpsAuditOut,
    OpsAuditPageOut,
    Problem,
    RejectBody,
    RequestDetail,
    RequestOut,
    RequestPage,
)
from fulfillment.domain import RequestQuery, RequestStore
from fulfillment.domain.decisions import Actor, Decisions
from fulfillment.domain.errors import (
    InvalidCursor,
    InvalidTransition,
    RequestNotFound,
    StoreError,
    TransitionConflict,
)
from fulfillment.domain.ops_audit import MAX_WINDOW, OpsAuditLog

log = logging.getLogger("meety.admin_api")
PREFIX = "/admin/api"
CHANNEL = "portal"
CALENDAR_MAX = timedelta(days=92)
OPS_AUDIT_DEFAULT = timedelta(days=7)
"""The ops audit window when the caller names no 'from': the week up to 'to' (default: now)."""
OPS_AUDIT_EARLIEST = datetime(1000, 1, 1, tzinfo=UTC)
"""Sort keys carry four-digit years; earlier bounds could not be compared with them, so they are refused."""
ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
StatusName = Literal[
    "pending", "approved", "rejected", "cancelled", "expired", "running", "succeeded", "failed"
]


class BadInput(Exception):
    """Well-formed but unacceptable input (HTTP 400): the message says what to change."""


class Unavailable(Exception):
    """A backing service this route needs is missing or failing (HTTP 503): the message is for people."""


DESCRIPTION: dict[str, Any] = {
    "title": "Meety admin API",
    "version": "1",
    "description": "Review and decide the requests Meety files. Every route but /health needs "
    "'Authorization: Bearer <token>' (local: POST /admin/api/login; AWS: a Cognito ID token); "
    "viewers read, admins decide.",
    "servers": [Server(url=PREFIX)],
    "security_schemes": {"bearer": HTTPBearer(bearerFormat="JWT")},
    "security": [{"bearer": []}],
}


@dataclass(frozen=True)
class Services:
    store: RequestStore
    decisions: Decisions
    ops_audit: OpsAuditLog | None = None
    """The bot's ops audit trail; None (a deployment without one) makes GET /ops-audit a 503."""


def problem(code: int, message: str, current: str | None = None) -> Response[Any]:
    body = Problem(message=message, status=current).model_dump_json(exclude_none=True)
    return Response(status_code=code, content_type=content_types.APPLICATION_JSON, body=body)


def _utc(value: datetime) -> datetime:
    """Aware values as given; a bare date or naive time is read as UTC (said in the API docs)."""
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+00:01 is before the first representable UTC time
        raise BadInput(f"{value.isoformat()} is out of range") from None


def _window(begins: datetime, ends: datetime, longest: timedelta) -> tuple[datetime, datetime]:
    """``[begins, ends)`` checked: not empty, not reversed, at most ``longest``."""
    if ends <= begins:
        raise BadInput("'to' must be after 'from'")
    if ends - begins > longest:
        raise BadInput(f"the range may span at most {longest.days} days")
    return begins, ends


_RESUME_CHARS = re.compile(r"[A-Za-z0-9_-]{1,512}")


class _Resume(BaseModel):
    """What GET /ops-audit hands out as ``cursor``: the store's cursor with the window it was issued for.

    The store binds a cursor to its exact ``[since, until)``; carrying the window lets a client page
    through the default window (the week up to "now") although "now" has moved on since page one.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    c: str
    f: AwareDatetime
    t: AwareDatetime

    def encode(self) -> str:
        return base64.urlsafe_b64encode(self.model_dump_json().encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> _Resume:
        """``InvalidCursor`` (400) unless it is a cursor this route handed out (the store checks the rest)."""
        if not _RESUME_CHARS.fullmatch(cursor):
            raise InvalidCursor("not a base64url token")
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            return cls.model_validate_json(raw)
        except (binascii.Error, ValueError):  # pydantic's ValidationError is a ValueError
            raise InvalidCursor("not an ops audit cursor") from None


def create_resolver(services: Services) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True, strip_prefixes=[PREFIX])

    def claims() -> dict[str, Any] | None:
        authorizer = app.current_event.request_context.authorizer
        return authorizer.jwt_claim if authorizer is not None else None

    def actor() -> Actor:
        return Actor(name=require(claims(), DECIDERS).name, channel=CHANNEL)

    @app.get("/health", summary="Liveness (no authentication)", tags=["meta"])
    def health() -> Health:
        return Health(status="ok")

    @app.get("/requests", summary="List requests, newest first", tags=["requests"])
    def list_requests(
        status: Annotated[StatusName | None, Query(description="only this status")] = None,
        kind: Annotated[Literal["meeting", "backup"] | None, Query()] = None,
        requester: Annotated[
            str | None,
            Query(max_length=200, pattern=r"^[a-z]{1,20}:\S{1,128}$", description="channel:userId"),
        ] = None,
        created_from: Annotated[
            datetime | None, Query(alias="from", description="created at or after")
        ] = None,
        created_before: Annotated[datetime | None, Query(alias="to", description="created before")] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
        cursor: Annotated[str | None, Query(max_length=512)] = None,
    ) -> RequestPage:
        require(claims(), READERS)
        who = tuple(requester.split(":", 1)) if requester else None
        query = RequestQuery(
            status=status,
            kind=kind,
            requester=who,  # type: ignore[arg-type]
            created_from=None if created_from is None else _utc(created_from),
            created_before=None if created_before is None else _utc(created_before),
        )
        page = services.store.list_requests(query, limit=limit, cursor=cursor)
        return RequestPage(items=[RequestOut.of(r) for r in page.items], nextCursor=page.cursor)

    @app.get("/requests/<request_id>", summary="One request with its audit trail", tags=["requests"])
    def get_request(request_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> RequestDetail:
        require(claims(), READERS)
        found = services.store.get(request_id)
        if found is None:
            raise RequestNotFound(request_id)
        trail = [AuditOut.of(e) for e in services.store.audit(request_id)]
        return RequestDetail(**RequestOut.of(found).model_dump(), audit=trail)

    @app.post("/requests/<request_id>/approve", summary="Approve a pending request", tags=["decisions"])
    def approve(request_id: Annotated[str, Path(pattern=ID_PATTERN)], body: ApproveBody) -> RequestOut:
        return RequestOut.of(services.decisions.approve(request_id, actor(), body.reason))

    @app.post("/requests/<request_id>/reject", summary="Reject a pending request", tags=["decisions"])
    def reject(request_id: Annotated[str, Path(pattern=ID_PATTERN)], body: RejectBody) -> RequestOut:
        return RequestOut.of(services.decisions.reject(request_id, actor(), body.reason))

    @app.get("/calendar", summary="Approved meetings overlapping [from, to)", tags=["calendar"])
    def calendar(
        start: Annotated[datetime, Query(alias="from", description="ISO 8601; no offset means UTC")],
        end: Annotated[datetime, Query(alias="to", description="ISO 8601; at most 92 days after from")],
    ) -> CalendarOut:
        require(claims(), READERS)
        begins, ends = _window(_utc(start), _utc(end), CALENDAR_MAX)
        meetings = services.store.approved_meetings(begins, ends)
        return CalendarOut(start=begins, end=ends, meetings=[RequestOut.of(r) for r in meetings])

    def ops_window(
        start: datetime | None, end: datetime | None, resume: _Resume | None
    ) -> tuple[datetime, datetime]:
        """From the query, else the cursor's window, else the week up to now (the routes' one clock)."""
        if resume is not None:
            begins = resume.f if start is None else _utc(start)
            ends = resume.t if end is None else _utc(end)
            if (begins, ends) != (resume.f, resume.t):
                raise BadInput("the cursor belongs to another from/to: send the same ones, or none")
        else:
            ends = services.decisions.clock() if end is None else _utc(end)
            try:
                begins = ends - OPS_AUDIT_DEFAULT if start is None else _utc(start)
            except OverflowError:
                raise BadInput(f"{ends.isoformat()} is out of range") from None
        if begins < OPS_AUDIT_EARLIEST:
            raise BadInput("'from' may not be before the year 1000")
        return _window(begins, ends, MAX_WINDOW)

    @app.get("/ops-audit", summary="The bot's ops answers and refusals, newest first", tags=["ops audit"])
    def ops_audit(
        start: Annotated[
            datetime | None,
            Query(alias="from", description="at or after (ISO 8601, no offset: UTC); default: 'to' - 7 days"),
        ] = None,
        end: Annotated[
            datetime | None,
            Query(alias="to", description="before; default: now; at most 92 days after 'from'"),
        ] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
        cursor: Annotated[
            str | None, Query(max_length=512, description="the previous page's cursor (it keeps its window)")
        ] = None,
    ) -> OpsAuditPageOut:
        require(claims(), READERS)
        trail = services.ops_audit
        if trail is None:
            raise Unavailable("the ops audit log is not configured on this server")
        resume = None if cursor is None else _Resume.decode(cursor)
        begins, ends = ops_window(start, end, resume)
        try:
            page = trail.recent(
                since=begins, until=ends, limit=limit, cursor=None if resume is None else resume.c
            )
        except InvalidCursor:
            raise
        except StoreError as exc:
            log.error("ops audit failure: %s", type(exc).__name__)
            raise Unavailable("the ops audit log is unavailable; try again shortly") from None
        after = None if page.cursor is None else _Resume(c=page.cursor, f=begins, t=ends).encode()
        return OpsAuditPageOut(items=[OpsAuditOut.of(e) for e in page.items], cursor=after)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> Response[str]:
        schema = app.get_openapi_json_schema(**DESCRIPTION)
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=schema)

    # Swagger UI with its JS and CSS inlined: it works offline, from the local server and in AWS
    app.enable_swagger(path="/swagger", **DESCRIPTION)
    _errors(app)
    return app


def _errors(app: APIGatewayHttpResolver) -> None:
    def unauthenticated(exc: Unauthenticated) -> Response[Any]:
        return problem(401, "Unauthorized: sign in and send 'Authorization: Bearer <token>'")

    def bad_input(exc: BadInput) -> Response[Any]:
        return problem(400, str(exc))

    def undecodable(exc: Exception) -> Response[Any]:
        return problem(400, "the body must be JSON in UTF-8")

    def forbidden(exc: Forbidden) -> Response[Any]:
        return problem(403, f"Forbidden: {exc}")

    def not_found(exc: RequestNotFound) -> Response[Any]:
        return problem(404, f"no request has the id {exc.request_id}")

    def conflict(exc: TransitionConflict) -> Response[Any]:
        message = f"request {exc.request_id} is already {exc.current_status}; it can no longer be decided"
        return problem(409, message, exc.current_status)

    def invalid(exc: InvalidTransition) -> Response[Any]:
        return problem(409, str(exc), exc.from_status)

    def bad_cursor(exc: InvalidCursor) -> Response[Any]:
        return problem(400, "the cursor is not one this API returned; start again without it")

    def unavailable(exc: Unavailable) -> Response[Any]:
        return problem(503, str(exc))

    def store_down(exc: StoreError) -> Response[Any]:
        log.error("store failure: %s", type(exc).__name__)
        return problem(503, "the request store is unavailable; try again shortly")

    def invalid_input(exc: RequestValidationError) -> Response[Any]:
        details = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(part) for part in first["loc"])
        body = {"message": f"invalid {where}: {first['msg']}", "detail": details}
        return Response(
            status_code=HTTPStatus.UNPROCESSABLE_ENTITY,
            content_type=content_types.APPLICATION_JSON,
            body=body,
        )

    def no_route(exc: NotFoundError) -> Response[Any]:
        return problem(404, "no such route")

    def bug(exc: Exception) -> Response[Any]:
        log.exception("unhandled error in the admin API")
        return problem(500, "internal error; it has been logged")

    handlers: list[tuple[type[Exception], Callable[[Any], Response[Any]]]] = [
        (Unauthenticated, unauthenticated),
        (Forbidden, forbidden),
        (BadInput, bad_input),
        (UnicodeDecodeError, undecodable),
        (json.JSONDecodeError, undecodable),
        (RequestNotFound, not_found),
        (TransitionConflict, conflict),
        (InvalidTransition, invalid),
        (InvalidCursor, bad_cursor),
        (StoreError, store_down),
        (Unavailable, unavailable),
        (RequestValidationError, invalid_input),
        (Exception, bug),
    ]
    for error, handler in handlers:
        app.exception_handler(error)(handler)
    app.not_found(no_route)
