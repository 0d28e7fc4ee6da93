"""The admin API Lambda (API Gateway HTTP API, payload v2): ``lambda_handler`` resolves one event.

Services (store, decisions, notifier) are built once, lazily, from ``MEETY_*`` settings on the first
event; importing the module builds nothing. ``meety serve`` calls this same function with the events
its local gateway makes, so what is tested locally is what runs in AWS.
"""

from __future__ import annotations

import threading
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from admin_api.routes import Services, create_resolver
from admin_api.wiring import build_services
from fulfillment.logs import masked_logger

logger = masked_logger("meety-admin-api")
_resolver: APIGatewayHttpResolver | None = None
_lock = threading.Lock()
_resolving = threading.Lock()
"""Powertools keeps the event being resolved in a class attribute (``BaseRouter.current_event``), shared
by every resolver in the process. Lambda resolves one event at a time; the local server answers
requests on several threads, so resolving is serialised here, or one request could run with another's
event and claims. An admin API call takes ~2 ms, so the queue this makes is short."""


def use(services: Services | None) -> None:
    """Serve the next events with ``services`` (tests, the local server); None rebuilds from the env."""
    global _resolver
    with _lock:
        _resolver = create_resolver(services) if services is not None else None


def _get() -> APIGatewayHttpResolver:
    global _resolver
    with _lock:
        if _resolver is None:
            _resolver = create_resolver(build_services())
        return _resolver


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    context_of = event.get("requestContext") if isinstance(event, dict) else None
    request_id = context_of.get("requestId") if isinstance(context_of, dict) else None
    logger.set_correlation_id(request_id if isinstance(request_id, str) else None)
    resolver = _get()
    with _resolving:
        return resolver.resolve(event, context)
