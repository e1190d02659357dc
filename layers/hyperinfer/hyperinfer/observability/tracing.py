"""Powertools Tracer, constructed only when tracing is on.

Importing the X-Ray SDK costs ~0.3 s here, a cold start's whole budget, and Powertools' ``Tracer()``
imports it even when disabled; so the decision is taken first, with Powertools' own rules: off when
``POWERTOOLS_TRACE_DISABLED`` is true, outside Lambda, or under SAM local.

Buffered functions and consumers run in the Lambda runtime, which sets ``_X_AMZN_TRACE_ID`` per
invocation: ``capture_lambda_handler`` applies. Streaming functions run under uvicorn behind the
Lambda Web Adapter, a process the runtime never updates; the adapter hands each request the
invocation's context in the ``x-amzn-lambda-context`` header (its ``xray_trace_id``), which we put
where the X-Ray SDK looks for it (one request at a time per execution environment, as Lambda's).
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

TRACE_ENV = "_X_AMZN_TRACE_ID"
LAMBDA_CONTEXT_HEADER = "x-amzn-lambda-context"
TRACE_HEADER = "x-amzn-trace-id"
_TRUE = {"1", "true", "yes", "on", "y", "t"}

LambdaHandler = Callable[[Any, Any], Any]
H = TypeVar("H", bound=LambdaHandler)


def tracing_enabled() -> bool:
    if os.environ.get("POWERTOOLS_TRACE_DISABLED", "").strip().lower() in _TRUE:
        return False
    in_lambda = bool(os.environ.get("LAMBDA_TASK_ROOT"))
    emulated = bool(os.environ.get("AWS_SAM_LOCAL") or os.environ.get("AWS_CHALICE_CLI_MODE"))
    return in_lambda and not emulated


@lru_cache(maxsize=1)
def tracer() -> Tracer | None:
    """The process's Tracer, or None (and the X-Ray SDK never imported) when tracing is off."""
    if not tracing_enabled():
        return None
    from aws_lambda_powertools import Tracer

    return Tracer()


def traced_handler(handler: H) -> H:
    """``capture_lambda_handler`` when tracing is on; the handler itself otherwise."""
    active = tracer()
    if active is None:
        return handler

    def named(event: Any, context: Any) -> Any:  # a function: Powertools names the subsegment after it
        return handler(event, context)

    named.__name__ = getattr(handler, "__name__", "handler")

    # Responses may carry user data: not recorded in traces.
    return cast(H, active.capture_lambda_handler(named, capture_response=False))


def invocation_of(headers: dict[str, str]) -> dict[str, Any]:
    """The Lambda context the Web Adapter forwards with a request; empty when not under it."""
    raw = headers.get(LAMBDA_CONTEXT_HEADER)
    if not raw:
        return {}
    try:
        context = json.loads(raw)
    except ValueError:
        return {}
    return context if isinstance(context, dict) else {}


@asynccontextmanager
async def request_segment(name: str, headers: dict[str, str]) -> AsyncIterator[Any]:
    """A subsegment around one request served under the Web Adapter (None when tracing is off)."""
    active = tracer()
    if active is None:
        yield None
        return
    trace_id = invocation_of(headers).get("xray_trace_id") or headers.get(TRACE_HEADER)
    if trace_id:
        os.environ[TRACE_ENV] = str(trace_id)
    async with active.provider.in_subsegment_async(name) as subsegment:
        yield subsegment
