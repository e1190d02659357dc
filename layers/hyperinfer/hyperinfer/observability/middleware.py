"""Per-request observation around a function's app: log keys, one access line, metrics, a trace.

Pure ASGI, inside the request-id middleware (so the id is known from the first log line), and
wrapping the whole response: a stream's access line and metrics are written after its last byte.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hyperinfer import collector
from hyperinfer.observability.context import Observed, observing
from hyperinfer.observability.logs import configure_logging
from hyperinfer.observability.metrics import emit_request_metrics
from hyperinfer.observability.tracing import invocation_of, request_segment, tracer

log = logging.getLogger("hyperinfer")


def instrument(app: Starlette, function: str) -> None:
    """Logging configured, the Tracer built (when on) while the function initialises, and the
    middleware added; the caller adds the request-id middleware after it, outside."""
    configure_logging()
    tracer()
    app.add_middleware(ObservabilityMiddleware, function=function)


def access_fields(observed: Observed) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "method": observed.method,
        "route": observed.route,
        "status": observed.status,
        "duration_ms": observed.elapsed_ms(),
    }
    optional = {
        "error_code": observed.error_code,
        "first_byte_ms": observed.first_byte_ms if observed.streamed else None,
        "tokens_prompt": observed.tokens_prompt,
        "tokens_completion": observed.tokens_completion,
        "cost_micro_usd": observed.cost_micro_usd,
    }
    return fields | {key: value for key, value in optional.items() if value is not None}


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, function: str) -> None:
        self.app = app
        self.function = function  # the app's own function; `hyperinfer dev` learns it per route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        observed = Observed(
            request_id=scope.get("state", {}).get("request_id", ""),
            function=self.function,
            method=scope["method"],
            route=scope["path"][:200],
            lambda_request_id=_lambda_request_id(scope, headers),
        )

        async def observed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                observed.status = message["status"]
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                observed.streamed = content_type.startswith(b"text/event-stream")
            elif observed.first_byte_ms is None and message.get("body"):
                observed.first_byte_ms = observed.elapsed_ms()
            await send(message)

        with observing(observed):
            try:
                async with request_segment(f"## {self.function}", headers) as segment:
                    await self.app(scope, receive, observed_send)
                    if segment is not None:
                        _annotate(segment, observed)
            except Exception:  # escaped the route's guard: a stream that broke mid-way
                observed.status = observed.status or 500
                observed.error_code = observed.error_code or "internal_error"
                raise
            finally:
                log.info("request", extra=access_fields(observed))
                emit_request_metrics(observed)
                collector.release()  # the first answer is out: the start is over


def _lambda_request_id(scope: Scope, headers: dict[str, str]) -> str | None:
    context = scope.get("aws.context")  # Mangum puts the Lambda context here
    if context is not None:
        return str(getattr(context, "aws_request_id", "")) or None
    invocation = invocation_of(headers)  # the Web Adapter's header
    request_id = invocation.get("request_id") or invocation.get("aws_request_id")
    return str(request_id) if request_id else None


def _annotate(segment: Any, observed: Observed) -> None:
    segment.put_annotation("request_id", observed.request_id)
    if observed.model:
        segment.put_annotation("model", observed.model)
    if observed.error_code:
        segment.put_annotation("error_code", observed.error_code)
