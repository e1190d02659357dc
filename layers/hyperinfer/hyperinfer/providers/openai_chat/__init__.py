"""OpenAI Chat Completions upstream. Pure functions: wire basics, usage and ``ADAPTER`` here; the IR
path in ``encode``, ``decode`` and ``stream`` (imported on first use: passthrough needs none of it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hyperinfer.errors import GatewayError
from hyperinfer.ir.request import Request
from hyperinfer.ir.response import Response
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.contract import Credentials, KeyAuth, ProviderAdapter, SSEFraming, StreamDecoder
from hyperinfer.providers.errors import upstream_error
from hyperinfer.providers.target import Encoded, Target


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


class OpenAIChatAdapter(KeyAuth, SSEFraming):
    def url(self, base: str, upstream_model: str, stream: bool) -> str:
        return url(base)

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return headers(credentials.api_key)

    def encode_request(self, request: Request, target: Target) -> Encoded:
        from hyperinfer.providers.openai_chat.encode import encode_request

        return encode_request(request, target)

    def decode_response(self, body: dict[str, Any], hints: Any) -> Response:
        from hyperinfer.providers.openai_chat.decode import decode_response

        return decode_response(body, hints)

    def stream_decoder(self, hints: Any, secrets: tuple[str, ...]) -> StreamDecoder:
        from hyperinfer.providers.openai_chat.stream import StreamDecoder

        return StreamDecoder(hints, secrets)

    def map_error(
        self, provider: str, status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]
    ) -> GatewayError:
        return upstream_error(provider, status, body, headers, secrets)


ADAPTER: ProviderAdapter = OpenAIChatAdapter()
