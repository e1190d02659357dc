"""OpenAI Chat Completions upstream. Pure functions: wire basics, usage and ``ADAPTER`` here; the IR
path in ``encode``, ``decode`` and ``stream`` (imported on first use: passthrough needs none of it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from hyperinfer.ir.usage import Usage
from hyperinfer.providers.contract import Credentials, KeyAuth, ProviderAdapter, SSEFraming
from hyperinfer.providers.errors import upstream_error
from hyperinfer.providers.openai_usage import inclusive_usage

if TYPE_CHECKING:  # passthrough calls this adapter without the IR's models
    from hyperinfer.errors import GatewayError
    from hyperinfer.ir.request import Request
    from hyperinfer.ir.response import Response
    from hyperinfer.providers.contract import StreamDecoder
    from hyperinfer.providers.target import Encoded, Target


def usage_from_openai(usage: dict[str, Any] | None) -> Usage:
    """Chat Completions' usage: cached tokens and cache writes inside prompt_tokens, reasoning
    inside completion_tokens."""
    return inclusive_usage(usage, "prompt", "completion")


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
