"""OpenAI Responses upstream (``POST /responses``). Pure translation: ``encode`` builds the request
body from the IR, ``decode`` reads the response object, ``stream`` reads the SSE stream."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hyperinfer.errors import GatewayError
from hyperinfer.providers.errors import upstream_error
from hyperinfer.providers.openai_responses.decode import PROVIDER, decode_response, usage_from_responses
from hyperinfer.providers.openai_responses.encode import encode_request
from hyperinfer.providers.openai_responses.stream import StreamDecoder

__all__ = [
    "StreamDecoder",
    "decode_response",
    "encode_request",
    "headers",
    "map_error",
    "url",
    "usage_from_responses",
]


def url(base: str) -> str:
    return f"{base}/responses"


def headers(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}


def map_error(status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]) -> GatewayError:
    return upstream_error(PROVIDER, status, body, headers, secrets)
