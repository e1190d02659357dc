"""Anthropic Messages upstream (``POST {base}/messages``). Pure translation: IR request -> body in
``encode``, response and stream -> IR in ``decode`` and ``stream``, upstream failures in ``errors``;
``ADAPTER`` is the contract the gateway calls. The translation modules load on first use: a
passthrough request needs only the URL, the headers and the error mapping."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from hyperinfer.providers.anthropic.errors import map_error
from hyperinfer.providers.contract import Credentials, KeyAuth, ProviderAdapter, SSEFraming

if TYPE_CHECKING:
    from hyperinfer.errors import GatewayError
    from hyperinfer.ir.request import Request
    from hyperinfer.ir.response import Response
    from hyperinfer.providers import contract
    from hyperinfer.providers.target import Encoded, Target

API_VERSION = "2023-06-01"


class AnthropicAdapter(KeyAuth, SSEFraming):
    def url(self, base: str, upstream_model: str, stream: bool) -> str:
        return f"{base}/messages"

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {
            "x-api-key": credentials.api_key,
            "anthropic-version": API_VERSION,
            "content-type": "application/json",
        }

    def encode_request(self, request: Request, target: Target) -> Encoded:
        from hyperinfer.providers.anthropic.encode import encode_request

        return encode_request(request, target)

    def decode_response(self, body: dict[str, Any], hints: Any) -> Response:
        from hyperinfer.providers.anthropic.decode import decode_response

        return decode_response(body, hints)

    def stream_decoder(self, hints: Any, secrets: tuple[str, ...]) -> contract.StreamDecoder:
        from hyperinfer.providers.anthropic.stream import StreamDecoder

        return StreamDecoder(hints, secrets)

    def map_error(
        self, provider: str, status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]
    ) -> GatewayError:
        return map_error(status, body, headers, secrets)  # names itself; the catalog name is not needed


ADAPTER: ProviderAdapter = AnthropicAdapter()
