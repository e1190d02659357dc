"""OpenAI Chat Completions upstream. Pure functions: wire basics, usage and ``ADAPTER`` here; the IR
path in ``encode``, ``decode`` and ``stream`` (imported on first use: passthrough needs none of it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from hyperinfer.ir.usage import Usage
from hyperinfer.providers.contract import Credentials, KeyAuth, ProviderAdapter, SSEFraming
from hyperinfer.providers.errors import upstream_error

if TYPE_CHECKING:  # passthrough calls this adapter without the IR's models
    from hyperinfer.errors import GatewayError
    from hyperinfer.ir.request import Request
    from hyperinfer.ir.response import Response
    from hyperinfer.providers.contract import StreamDecoder
    from hyperinfer.providers.target import Encoded, Target


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


class OpenAIChatAdapter(KeyAuth, SSEFraming):
    def url(self, base: str, upstream_model: str, stream: bool) -> str:
        return f"{base}/chat/completions"

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {"Authorization": f"Bearer {credentials.api_key}", "Content-Type": "application/json"}

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
