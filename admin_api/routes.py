"""The admin API's routes on Powertools' ``APIGatewayHttpResolver`` (validation and OpenAPI from types).

``create_resolver`` wires the routes to the services once; the Lambda entry point and the local server
both resolve API Gateway HTTP API v2 events with it, so there is one code path. Every error leaves as a
JSON ``Problem`` with a 4xx status that says what was wrong; only a store outage is a 503 and only a bug
is a 500, and neither shows internals.
"""

from __future__ import annotations

import json
import logging
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

from admin_api.access import DECIDERS, READERS, Forbidden, Unauthenticated, require
from admin_api.models import (
    ApproveBody,
    AuditOut,
    CalendarOut,
    Health,
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

log = logging.getLogger("meety.admin_api")
PREFIX = "/admin/api"
CHANNEL = "portal"
CALENDAR_MAX = timedelta(days=92)
ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
StatusName = Literal[
    "pending", "approved", "rejected", "cancelled", "expired", "running", "succeeded", "failed"
]


class BadInput(Exception):
    """Well-formed but unacceptable input (HTTP 400): the message says what to change."""


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


def problem(code: int, message: str, current: str | None = None) -> Response[Any]:
    body = Problem(message=message, status=current).model_dump_json(exclude_none=True)
    return Response(status_code=code, content_type=content_types.APPLICATION_JSON, body=body)


def _utc(value: datetime) -> datetime:
    """Aware values as given; a bare date or naive time is read as UTC (said in the API docs)."""
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+00:01 is before the first representable UTC time
        raise BadInput(f"{value.isoformat()} is out of range") from None


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
        begins, ends = _utc(start), _utc(end)
        if ends <= begins:
            raise BadInput("'to' must be after 'from'")
        if ends - begins > CALENDAR_MAX:
            raise BadInput("the range may span at most 92 days")
        meetings = services.store.approved_meetings(begins, ends)
        return CalendarOut(start=begins, end=ends, meetings=[RequestOut.of(r) for r in meetings])

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
        (RequestValidationError, invalid_input),
        (Exception, bug),
    ]
    for error, handler in handlers:
        app.exception_handler(error)(handler)
    app.not_found(no_route)
