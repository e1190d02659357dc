"""Powertools Metrics (CloudWatch EMF), flushed once per request.

Streaming functions run under uvicorn, not the Lambda runtime, so ``log_metrics`` cannot wrap them;
every request flushes its own ``EphemeralMetrics`` instead (no state shared between requests that
``hyperinfer dev`` serves at once). Dimensions stay low-cardinality: function and model, never the
workspace.

Metrics (namespace ``POWERTOOLS_METRICS_NAMESPACE``, default ``HyperInfer``):
  by [function] and, once the model is known, [function, model]:
    Requests, Latency (ms), TimeToFirstByte (ms, streams), and for billed requests PromptTokens,
    CompletionTokens and CostMicroUSD; UnbilledMicroUSD when a provider billed more than the hold
  by [function] and [function, error_code]: Errors (every error answer), ServerErrors (5xx answers)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from hyperinfer.observability.context import Observed

if TYPE_CHECKING:
    from aws_lambda_powertools.metrics import EphemeralMetrics

DEFAULT_NAMESPACE = "HyperInfer"


def _metrics() -> EphemeralMetrics:
    from aws_lambda_powertools.metrics import EphemeralMetrics

    namespace = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or DEFAULT_NAMESPACE
    # service="": no "service" dimension; the function dimension names the emitter.
    return EphemeralMetrics(namespace=namespace, service="")


def emit_request_metrics(observed: Observed) -> None:
    from aws_lambda_powertools.metrics import MetricUnit

    metrics = _metrics()
    metrics.add_dimension("function", observed.function)
    if observed.model:
        metrics.add_dimensions(function=observed.function, model=observed.model)
    metrics.add_metric("Requests", MetricUnit.Count, 1)
    metrics.add_metric("Latency", MetricUnit.Milliseconds, observed.elapsed_ms())
    if observed.streamed and observed.first_byte_ms is not None:
        metrics.add_metric("TimeToFirstByte", MetricUnit.Milliseconds, observed.first_byte_ms)
    if observed.cost_micro_usd is not None and observed.model:
        metrics.add_metric("PromptTokens", MetricUnit.Count, observed.tokens_prompt or 0)
        metrics.add_metric("CompletionTokens", MetricUnit.Count, observed.tokens_completion or 0)
        metrics.add_metric("CostMicroUSD", MetricUnit.Count, observed.cost_micro_usd)
    if observed.unbilled_micro_usd and observed.model:
        metrics.add_metric("UnbilledMicroUSD", MetricUnit.Count, observed.unbilled_micro_usd)
    metrics.flush_metrics()
    if observed.error_code is not None:
        errors = _metrics()
        errors.add_dimension("function", observed.function)
        errors.add_dimensions(function=observed.function, error_code=observed.error_code)
        errors.add_metric("Errors", MetricUnit.Count, 1)
        errors.add_metric("ServerErrors", MetricUnit.Count, int((observed.status or 500) >= 500))
        errors.flush_metrics()
