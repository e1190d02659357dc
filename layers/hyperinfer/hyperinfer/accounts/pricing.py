"""Cost of a request in integer micro-USD: the exact sum over each token class, rounded up once."""

from __future__ import annotations

import math
from decimal import Decimal

from hyperinfer.catalog import Pricing
from hyperinfer.ir.usage import Usage

MICRO_USD_PER_USD = 1_000_000


def cost_micro_usd(usage: Usage, pricing: Pricing, *, batch: bool = False) -> int:
    """Catalog prices are USD per 1M tokens, i.e. micro-USD per token, so no scaling is needed.

    A cache price the catalog leaves out falls back to the prompt price: never cheaper than the
    provider could charge us. A batch request gets the model's ``batch_discount``, if it has one.
    """
    cached = pricing.cached_prompt if pricing.cached_prompt is not None else pricing.prompt
    write_5m = pricing.cache_write if pricing.cache_write is not None else pricing.prompt
    write_1h = pricing.cache_write_1h if pricing.cache_write_1h is not None else write_5m
    exact: Decimal = (
        usage.input_tokens * pricing.prompt
        + usage.cache_read_tokens * cached
        + usage.cache_write_tokens * write_5m
        + usage.cache_write_1h_tokens * write_1h
        + usage.output_tokens * pricing.completion
    )
    if batch and pricing.batch_discount is not None:
        exact *= 1 - pricing.batch_discount
    return math.ceil(exact)


def usd(micro_usd: int) -> float:
    """Rendered output only: a float number of dollars (credits)."""
    return micro_usd / MICRO_USD_PER_USD
