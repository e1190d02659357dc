"""A compatible server's message, delta and usage reshaped into OpenAI's, so the ``openai_chat``
decoders read them unchanged. A completion is never modified (new dicts where something
changes); stream chunks, parsed by the decoder itself, are reshaped in place."""

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


def reshape_completion(body: dict[str, Any], options: CompatOptions) -> dict[str, Any]:
    out = body
    choices = body.get("choices")
    if isinstance(choices, list):
        reshaped = [
            {**choice, "message": kept}
            if isinstance(choice, dict)
            and isinstance(choice.get("message"), dict)
            and (kept := _reasoning_only_from(choice["message"], options)) is not choice["message"]
            else choice
            for choice in choices
        ]
        if any(new is not old for new, old in zip(reshaped, choices, strict=True)):
            out = {**body, "choices": reshaped}
    if isinstance(body.get("usage"), dict):
        out = {**out, "usage": _openai_usage(body["usage"], options)}
    return out


class ChunkShaper:
    """The same reshaping for stream chunks, done in place: each chunk is a dict the decoder has
    just parsed and owns, and a stream has hundreds of them (copying cost ~40% of decoding)."""

    def __init__(self, options: CompatOptions) -> None:
        self._others = tuple(f for f in REASONING_FIELDS if f != options.reasoning_field)
        self._options = options

    def __call__(self, chunk: dict[str, Any]) -> dict[str, Any]:
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") if isinstance(choice, dict) else None
            if isinstance(delta, dict):
                for field in self._others:
                    delta.pop(field, None)
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            chunk["usage"] = _openai_usage(usage, self._options)
        return chunk
