"""One decorator for every Lambda handler that is not an HTTP app (queue consumers, scheduled jobs):
Powertools logging with the invocation's keys, an invocation line, metrics, and a trace when on.

    @observed_handler("report_ingest")
    def handler(event, context): ...
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from hyperinfer import collector
from hyperinfer.observability.context import Observed, observing
from hyperinfer.observability.logs import configure_logging
from hyperinfer.observability.tracing import traced_handler

R = TypeVar("R")
log = logging.getLogger("hyperinfer")


def observed_handler(function: str) -> Callable[[Callable[[Any, Any], R]], Callable[[Any, Any], R]]:
    configure_logging()

    def decorate(handler: Callable[[Any, Any], R]) -> Callable[[Any, Any], R]:
        @functools.wraps(handler)
        def observed(event: Any, context: Any) -> R:
            invocation = str(getattr(context, "aws_request_id", "") or "") or None
            observed = Observed(request_id=invocation or "", function=function, lambda_request_id=invocation)
            result: R | None = None
            with observing(observed):
                try:
                    result = handler(event, context)
                except Exception:
                    observed.error_code = "internal_error"
                    raise
                finally:
                    _finish(observed, event, result)
                    collector.release()  # the first invocation is done: the start is over
            return result

        return traced_handler(observed)

    return decorate


def _finish(observed: Observed, event: Any, result: Any) -> None:
    from hyperinfer.observability.metrics import emit_request_metrics

    fields: dict[str, Any] = {"duration_ms": observed.elapsed_ms()}
    if isinstance(event, dict) and isinstance(event.get("Records"), list):
        fields["records"] = len(event["Records"])
    if isinstance(result, dict) and "batchItemFailures" in result:
        fields["failures"] = len(result["batchItemFailures"])
    if observed.error_code:
        fields["error_code"] = observed.error_code
    log.info("invocation", extra=fields)
    emit_request_metrics(observed)
