"""OpenAI Responses upstream (``POST /responses``). Pure translation: ``encode`` builds the request
body from the IR, ``decode`` reads the response object, ``stream`` reads the SSE stream; ``ADAPTER``
is the contract the gateway calls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from hyperinfer.providers.contract import Credentials, KeyAuth, ProviderAdapter, SSEFraming
from hyperinfer.providers.errors import upstream_error
from hyperinfer.providers.openai_responses.outcome import PROVIDER

if TYPE_CHECKING:
    from hyperinfer.errors import GatewayError
    from hyperinfer.ir.request import Request
    from hyperinfer.ir.response import Response
    from hyperinfer.providers import contract
    from hyperinfer.providers.target import Encoded, Target


def map_error(status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]) -> GatewayError:
    return upstream_error(PROVIDER, status, body, headers, secrets)


class OpenAIResponsesAdapter(KeyAuth, SSEFraming):
    def url(self, base: str, upstream_model: str, stream: bool) -> str:
        return f"{base}/responses"

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {"Authorization": f"Bearer {credentials.api_key}", "Content-Type": "application/json"}

    def encode_request(self, request: Request, target: Target) -> Encoded:
        from hyperinfer.providers.openai_responses.encode import encode_request

        return encode_request(request, target)

    def decode_response(self, body: dict[str, Any], hints: Any) -> Response:
        from hyperinfer.providers.openai_responses.decode import decode_response

        return decode_response(body, hints)

    def stream_decoder(self, hints: Any, secrets: tuple[str, ...]) -> contract.StreamDecoder:
        from hyperinfer.providers.openai_responses.stream import StreamDecoder

        return StreamDecoder(hints, secrets)

    def map_error(
        self, provider: str, status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]
    ) -> GatewayError:
        return map_error(status, body, headers, secrets)  # names itself; the catalog name is not needed


ADAPTER: ProviderAdapter = OpenAIResponsesAdapter()
