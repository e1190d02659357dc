"""Usage in Chat Completions terms: prompt_tokens include cached ones; ``cost`` is our extension."""

from __future__ import annotations

from typing import Any

from hyperinfer.ir.usage import Usage


def render_usage(usage: Usage, cost_usd: float) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cache_read_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "cost": cost_usd,
    }
