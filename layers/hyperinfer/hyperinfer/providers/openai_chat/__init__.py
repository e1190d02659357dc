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
    """OpenAI counts cached tokens inside prompt_tokens and reasoning inside completion_tokens."""
    if not usage:
        return Usage()
    prompt = int(usage.get("prompt_tokens") or 0)
    cached = int((usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0)
    reasoning = int((usage.get("completion_tokens_details") or {}).get("reasoning_tokens") or 0)
    return Usage(
        input_tokens=max(prompt - cached, 0),
        cache_read_tokens=min(cached, prompt),
        output_tokens=int(usage.get("completion_tokens") or 0),
        reasoning_tokens=reasoning,
    )
