"""OpenAI Chat Completions upstream. Pure functions: passthrough helpers here; the IR path in
``encode``, ``decode`` and ``stream``."""

from __future__ import annotations

from typing import Any

from hyperinfer.ir.usage import Usage

# HyperInfer's own request fields: they steer the gateway and never reach a provider.
GATEWAY_FIELDS = frozenset({"plugins", "hi_tool_events"})


def url(base: str) -> str:
    return f"{base}/chat/completions"


def headers(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}


def passthrough_body(payload: dict[str, Any], upstream_model: str, *, stream: bool) -> dict[str, Any]:
    """The client's own body with only what the gateway owns changed.

    Streams always ask for usage: the gateway bills from it and always ends with a usage chunk.
    """
    body = {k: v for k, v in payload.items() if k not in GATEWAY_FIELDS}
    body["model"] = upstream_model
    if stream:
        body["stream_options"] = {**(payload.get("stream_options") or {}), "include_usage": True}
    return body


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
