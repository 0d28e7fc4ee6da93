"""The Slack app on ``meety serve``: ``/slack/events`` and ``/slack/interactions`` as API Gateway would do it.

Each request becomes an HTTP API v2 event (``admin_api.events.http_api_event``, through
``admin_api.starlette_bridge.call_lambda``) for the same ``lambda_handler`` AWS calls. The body is passed
on byte for byte (the signature covers it): as text when it is UTF-8 of a text type, base64 otherwise,
exactly as API Gateway does. Every method reaches the handler, which answers 404 to all but POST (and to
everything while no signing secret is set).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from admin_api.slack.handler import EVENTS, INTERACTIONS, lambda_handler
from admin_api.starlette_bridge import Handler, call_lambda

MAX_BODY = 1024 * 1024
"""Slack's payloads are far smaller (an interaction carries the message, a few KB)."""
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def slack_routes(handler: Handler = lambda_handler) -> list[BaseRoute]:
    async def proxy(request: Request) -> Response:
        return await call_lambda(request, handler, limit=MAX_BODY)

    return [Route(EVENTS, proxy, methods=METHODS), Route(INTERACTIONS, proxy, methods=METHODS)]
