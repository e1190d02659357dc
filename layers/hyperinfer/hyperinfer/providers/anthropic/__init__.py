"""Anthropic Messages upstream (``POST {base}/messages``). Pure translation: IR request -> body in
``encode``, response and stream -> IR in ``decode`` and ``stream``, upstream failures in ``errors``."""

from __future__ import annotations

from hyperinfer.ir.effort import EFFORT_BUDGET
from hyperinfer.providers.anthropic.decode import decode_response, usage_from_anthropic
from hyperinfer.providers.anthropic.encode import encode_request
from hyperinfer.providers.anthropic.errors import map_error
from hyperinfer.providers.anthropic.hints import AnthropicEncoded, DecodeHints
from hyperinfer.providers.anthropic.stream import StreamDecoder

API_VERSION = "2023-06-01"

__all__ = [
    "API_VERSION",
    "EFFORT_BUDGET",
    "AnthropicEncoded",
    "DecodeHints",
    "StreamDecoder",
    "decode_response",
    "encode_request",
    "headers",
    "map_error",
    "url",
    "usage_from_anthropic",
]


def url(base: str) -> str:
    return f"{base}/messages"


def headers(api_key: str) -> dict[str, str]:
    return {"x-api-key": api_key, "anthropic-version": API_VERSION, "content-type": "application/json"}
