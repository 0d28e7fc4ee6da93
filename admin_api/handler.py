"""The admin API Lambda (API Gateway HTTP API, payload v2): ``lambda_handler`` resolves one event.

Services (store, decisions, notifier) are built once, lazily, from ``MEETY_*`` settings on the first
event, and shared by a resolver per thread; importing the module builds nothing. ``meety serve`` calls
this same function with the events its local gateway makes, so what is tested locally runs in AWS.
"""

from __future__ import annotations

import threading
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from admin_api.routes import Services, create_resolver
from admin_api.wiring import build_services
from fulfillment.logs import masked_logger

logger = masked_logger("meety-admin-api")
_services: Services | None = None
_generation = 0
_lock = threading.Lock()
_local = threading.local()
"""One resolver per thread: Powertools' resolver keeps the current event on itself, so two threads
sharing one (the local server answers requests concurrently) would read each other's request and claims.
In Lambda there is one invocation at a time, so this costs one resolver per process there."""


def use(services: Services | None) -> None:
    """Serve the next events with ``services`` (tests, the local server); None rebuilds from the env."""
    global _services, _generation
    with _lock:
        _services = services
        _generation += 1


def _get() -> APIGatewayHttpResolver:
    global _services
    with _lock:
        if _services is None:
            _services = build_services()
        services, generation = _services, _generation
    if getattr(_local, "generation", None) != generation:
        _local.resolver = create_resolver(services)
        _local.generation = generation
    resolver: APIGatewayHttpResolver = _local.resolver
    return resolver


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    context_of = event.get("requestContext") if isinstance(event, dict) else None
    request_id = context_of.get("requestId") if isinstance(context_of, dict) else None
    logger.set_correlation_id(request_id if isinstance(request_id, str) else None)
    return _get().resolve(event, context)
