"""Usage in Chat Completions terms: prompt_tokens include cached ones; ``cost`` is our extension."""

from __future__ import annotations

from typing import Any

from hyperinfer.ir.usage import Usage


def render_usage(usage: Usage, cost_usd: float) -> dict[str, Any]:
    """``cache_write_tokens`` (inside prompt_tokens, as OpenAI-compatible servers that bill cache
    writes report it) is shown only when the provider gave the figure."""
    details = {"cached_tokens": usage.cache_read_tokens}
    if usage.cache_writes_reported:
        details["cache_write_tokens"] = usage.cache_write_tokens + usage.cache_write_1h_tokens
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": details,
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "cost": cost_usd,
    }
