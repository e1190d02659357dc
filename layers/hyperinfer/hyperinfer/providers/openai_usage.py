"""Usage as both OpenAI APIs report it: cached tokens (and, where a compatible server bills them,
cache writes as ``cache_write_tokens``) counted inside the input total, reasoning inside the
output total. Chat Completions names the two sides ``prompt``/``completion``, Responses
``input``/``output``; the IR counts each part once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hyperinfer.ir.usage import Usage


def inclusive_usage(usage: Mapping[str, Any] | None, input_side: str, output_side: str) -> Usage:
    if not usage:
        return Usage()
    total_in = int(usage.get(f"{input_side}_tokens") or 0)
    details = usage.get(f"{input_side}_tokens_details") or {}
    cached = min(int(details.get("cached_tokens") or 0), total_in)
    written = details.get("cache_write_tokens")
    writes = min(int(written or 0), total_in - cached)
    reasoning = int((usage.get(f"{output_side}_tokens_details") or {}).get("reasoning_tokens") or 0)
    return Usage(
        input_tokens=total_in - cached - writes,
        cache_read_tokens=cached,
        cache_write_tokens=writes,
        output_tokens=int(usage.get(f"{output_side}_tokens") or 0),
        reasoning_tokens=reasoning,
        cache_writes_reported=written is not None,
    )
