"""OpenAI Chat Completions upstream. Pure functions: wire basics and usage here; the IR path in
``encode``, ``decode`` and ``stream``."""

from __future__ import annotations

from typing import Any

from hyperinfer.ir.usage import Usage


def url(base: str) -> str:
    return f"{base}/chat/completions"


def headers(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}


def usage_from_openai(usage: dict[str, Any] | None) -> Usage:
    """OpenAI counts cached tokens inside prompt_tokens and reasoning inside completion_tokens.
    OpenAI-compatible servers that bill cache writes report them the same way, as
    ``prompt_tokens_details.cache_write_tokens`` inside prompt_tokens."""
    if not usage:
        return Usage()
    prompt = int(usage.get("prompt_tokens") or 0)
    details = usage.get("prompt_tokens_details") or {}
    cached = min(int(details.get("cached_tokens") or 0), prompt)
    written = details.get("cache_write_tokens")
    writes = min(int(written or 0), prompt - cached)
    reasoning = int((usage.get("completion_tokens_details") or {}).get("reasoning_tokens") or 0)
    return Usage(
        input_tokens=prompt - cached - writes,
        cache_read_tokens=cached,
        cache_write_tokens=writes,
        output_tokens=int(usage.get("completion_tokens") or 0),
        reasoning_tokens=reasoning,
        cache_writes_reported=written is not None,
    )
