"""A compatible server's message, delta and usage reshaped into OpenAI's, so the ``openai_chat``
decoders read them unchanged. New dicts where something changes; the input is never modified."""

from __future__ import annotations

from typing import Any

from hyperinfer.catalog import CompatOptions

REASONING_FIELDS = ("reasoning_content", "reasoning")


def _reasoning_only_from(message: dict[str, Any], options: CompatOptions) -> dict[str, Any]:
    """Reasoning text from the configured field alone: a server that echoes it under the other
    name (or should be read for none at all) is not read twice."""
    others = [f for f in REASONING_FIELDS if f != options.reasoning_field and f in message]
    if not others:
        return message
    return {k: v for k, v in message.items() if k not in others}


def _at(usage: dict[str, Any], path: str) -> int:
    value: Any = usage
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return int(value) if isinstance(value, int | float) else 0


def _openai_usage(usage: dict[str, Any], options: CompatOptions) -> dict[str, Any]:
    """Cached tokens moved to where OpenAI keeps them (``prompt_tokens`` counts them too on every
    server we know; DeepSeek's is prompt_cache_hit_tokens + prompt_cache_miss_tokens)."""
    details = usage.get("prompt_tokens_details")
    cached = _at(usage, options.cached_tokens_field)
    return {
        **usage,
        "prompt_tokens_details": {**(details if isinstance(details, dict) else {}), "cached_tokens": cached},
    }


def _reshape(payload: dict[str, Any], options: CompatOptions, part: str) -> dict[str, Any]:
    out = dict(payload)
    if isinstance(payload.get("choices"), list):
        out["choices"] = [
            {**choice, part: _reasoning_only_from(choice[part], options)}
            if isinstance(choice, dict) and isinstance(choice.get(part), dict)
            else choice
            for choice in payload["choices"]
        ]
    if isinstance(payload.get("usage"), dict):
        out["usage"] = _openai_usage(payload["usage"], options)
    return out


def reshape_chunk(payload: dict[str, Any], options: CompatOptions) -> dict[str, Any]:
    return _reshape(payload, options, "delta")


def reshape_completion(body: dict[str, Any], options: CompatOptions) -> dict[str, Any]:
    return _reshape(body, options, "message")
