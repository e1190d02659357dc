"""The ``ProviderAdapter`` of the openai_compatible kind."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.request import Request
from hyperinfer.ir.response import Response
from hyperinfer.providers.contract import Credentials, KeyAuth, SSEFraming, StreamDecoder
from hyperinfer.providers.errors import error_message, scrub, upstream_error
from hyperinfer.providers.openai_compatible import decode, encode, stream
from hyperinfer.providers.target import Encoded, Target


class OpenAICompatibleAdapter(SSEFraming, KeyAuth):
    def url(self, base: str, upstream_model: str, stream: bool) -> str:
        return f"{base}/chat/completions"

    def headers(self, credentials: Credentials) -> dict[str, str]:
        # A server that takes no key (a local Ollama) gets no Authorization header at all.
        headers = {"Content-Type": "application/json"}
        if credentials.api_key:
            headers["Authorization"] = f"Bearer {credentials.api_key}"
        return headers

    def encode_request(self, request: Request, target: Target) -> Encoded:
        return encode.encode_request(request, target)

    def decode_response(self, body: dict[str, Any], hints: Any) -> Response:
        return decode.decode_response(body, hints)

    def stream_decoder(self, hints: Any, secrets: tuple[str, ...]) -> StreamDecoder:
        return stream.StreamDecoder(hints, secrets)

    def map_error(
        self, provider: str, status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]
    ) -> GatewayError:
        if status == 402:  # DeepSeek: "Insufficient Balance" of the gateway's own account
            message, _ = error_message(body)
            return GatewayError(
                ErrorCode.PROVIDER_AUTH,
                f"Upstream provider {provider!r} answered 402: {scrub(message, secrets)}",
            )
        return upstream_error(provider, status, body, headers, secrets)


ADAPTER = OpenAICompatibleAdapter()
