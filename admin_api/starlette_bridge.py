"""A Lambda handler behind a Starlette route, the way API Gateway's HTTP API calls it (``meety serve`` only).

``call_lambda`` reads the body (refusing one over the route's limit with 413, as API Gateway caps
payloads), builds the HTTP API v2 event (``admin_api.events.http_api_event``), runs the handler in a
worker thread and turns its proxy result back into a Starlette ``Response``. The admin gateway
(``admin_api.local_gateway``) and the Slack routes (``admin_api.slack.local_routes``) both go through it;
what is their own (the JWT authorizer, the sign-in route, the routes themselves) stays with them.

Starlette is not in the Lambda zip, so neither is this module (``bot.deploy.package``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from admin_api.events import http_api_event, response_parts

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
"""A Lambda handler for HTTP API events: ``(event, context) -> proxy result``."""


async def read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is over ``limit`` bytes (read in chunks: a huge upload is not buffered)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(limit: int) -> Response:
    """The 413 for a body over ``limit`` bytes, the limit in words ("64 KB", "1 MB")."""
    if limit % (1024 * 1024) == 0:
        size = f"{limit // (1024 * 1024)} MB"
    elif limit % 1024 == 0:
        size = f"{limit // 1024} KB"
    else:
        size = f"{limit} bytes"
    return JSONResponse({"message": f"the body is larger than {size}"}, status_code=413)


def to_response(result: Mapping[str, Any]) -> Response:
    """A Lambda proxy result as a Starlette response (its own ``content-length`` is recomputed)."""
    status, headers, content = response_parts(result)
    response = Response(content=content, status_code=status)
    for name, value in headers:
        if name.lower() != "content-length":
            response.headers.append(name, value)
    return response


async def call_lambda(
    request: Request,
    handler: Handler,
    *,
    limit: int,
    claims: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Response:
    """``request`` as an HTTP API v2 event (with a JWT authorizer's ``claims`` if given) for ``handler``."""
    body = await read_body(request, limit)
    if body is None:
        return too_large(limit)
    event = http_api_event(
        method=request.method,
        path=request.url.path,
        raw_query=request.url.query,
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
        body=body,
        source_ip=request.client.host if request.client else "127.0.0.1",
        claims=claims,
        now=now,
    )
    result = await run_in_threadpool(handler, event, None)
    return to_response(result)
