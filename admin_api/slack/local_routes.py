"""The Slack app on ``meety serve``: ``/slack/events`` and ``/slack/interactions`` as API Gateway would do it.

Each request becomes an HTTP API v2 event (``admin_api.events.http_api_event``) for the same
``lambda_handler`` AWS calls. The body is passed on byte for byte (the signature covers it): as text
when it is UTF-8 of a text type, base64 otherwise, exactly as API Gateway does. Every method reaches
the handler, which answers 404 to all but POST (and to everything while no signing secret is set).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from admin_api.events import http_api_event, response_parts
from admin_api.slack.handler import EVENTS, INTERACTIONS, lambda_handler

MAX_BODY = 1024 * 1024
"""Slack's payloads are far smaller (an interaction carries the message, a few KB)."""
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def slack_routes(handler: Handler = lambda_handler) -> list[BaseRoute]:
    async def proxy(request: Request) -> Response:
        body = await _small_body(request)
        if body is None:
            return JSONResponse({"message": "the body is larger than 1 MB"}, status_code=413)
        event = http_api_event(
            method=request.method,
            path=request.url.path,
            raw_query=request.url.query,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
            body=body,
            source_ip=request.client.host if request.client else "127.0.0.1",
        )
        result = await run_in_threadpool(handler, event, None)
        status, headers, content = response_parts(result)
        response = Response(content=content, status_code=status)
        for name, value in headers:
            if name.lower() != "content-length":
                response.headers.append(name, value)
        return response

    return [Route(EVENTS, proxy, methods=METHODS), Route(INTERACTIONS, proxy, methods=METHODS)]


async def _small_body(request: Request) -> bytes | None:
    """The body, or None when it is over ``MAX_BODY`` (read in chunks: a huge upload is not buffered)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
