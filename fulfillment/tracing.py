"""X-Ray tracing through Powertools' Tracer, only when asked for (``MEETY_TRACING=true``).

Off by default: importing the X-Ray SDK costs more than the rest of a Lambda's cold start (~0.5 s on the
benchmark machine, ``bench/fulfillment_lambda.py``) and traces are billed. The deploy template turns
active tracing and this switch on together. Subsegments carry only what is safe to search on: intent
and invocation source, never user text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

_tracer: Tracer | None = None
_cold = True


def start(service: str) -> None:
    """Create the Tracer (importing the X-Ray SDK); Powertools disables it outside Lambda by itself."""
    from aws_lambda_powertools import Tracer

    use(Tracer(service=service))


def use(tracer: Tracer | None) -> None:
    """Trace the next invocations with ``tracer``; None stops tracing (tests pass a recording provider)."""
    global _tracer
    _tracer = tracer


def segment(intent: str | None, source: str | None) -> AbstractContextManager[Any]:
    """The subsegment around one invocation, or nothing when tracing is off."""
    global _cold
    if _tracer is None or _tracer.disabled:
        return nullcontext()
    cold, _cold = _cold, False
    return _annotated(_tracer, intent or "-", source or "-", cold)


@contextmanager
def _annotated(tracer: Tracer, intent: str, source: str, cold: bool) -> Iterator[Any]:
    with tracer.provider.in_subsegment(name="## lambda_handler") as subsegment:
        subsegment.put_annotation(key="ColdStart", value=cold)
        if tracer.service:
            subsegment.put_annotation(key="Service", value=tracer.service)
        subsegment.put_annotation(key="Intent", value=intent)
        subsegment.put_annotation(key="Source", value=source)
        yield subsegment
