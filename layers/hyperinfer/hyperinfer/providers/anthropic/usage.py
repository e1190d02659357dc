"""Anthropic's usage object as the gateway bills it; apart from the decoder so that a passthrough
request, which reads only the usage, loads none of the IR's models."""

from __future__ import annotations

from typing import Any

from hyperinfer.ir.usage import Usage


def usage_from_anthropic(raw: dict[str, Any] | None) -> Usage:
    """Anthropic's ``input_tokens`` already excludes cache reads and writes; cache writes split by TTL."""
    if not raw:
        return Usage()
    split = raw.get("cache_creation") or {}
    one_hour = int(split.get("ephemeral_1h_input_tokens") or 0)
    written = raw.get("cache_creation_input_tokens")
    total = (
        int(written) if written is not None else one_hour + int(split.get("ephemeral_5m_input_tokens") or 0)
    )
    one_hour = min(one_hour, total)
    details = raw.get("output_tokens_details") or {}
    return Usage(
        input_tokens=int(raw.get("input_tokens") or 0),
        cache_read_tokens=int(raw.get("cache_read_input_tokens") or 0),
        cache_write_tokens=total - one_hour,
        cache_write_1h_tokens=one_hour,
        output_tokens=int(raw.get("output_tokens") or 0),
        reasoning_tokens=int(details.get("thinking_tokens") or 0),
        cache_writes_reported=written is not None or bool(split),
    )
