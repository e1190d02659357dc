"""The Gemini API upstream: ``POST {base}/models/{model}:generateContent`` and, streamed,
``:streamGenerateContent?alt=sse``, the key in ``x-goog-api-key``. Pure translation: the body in
``encode`` (``contents``, ``thinking``), answers in ``fold`` (shared by ``decode`` and ``stream``),
refusals in ``errors``, thought signatures and call ids across turns in ``signatures``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from hyperinfer.errors import GatewayError
from hyperinfer.ir.request import Request
from hyperinfer.ir.response import Response
from hyperinfer.providers.contract import Credentials, KeyAuth, SSEFraming
from hyperinfer.providers.gemini import decode, encode, errors, stream
from hyperinfer.providers.target import Encoded, Target

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta"


class GeminiAdapter(SSEFraming, KeyAuth):
    def url(self, base: str, upstream_model: str, stream: bool) -> str:
        action = "streamGenerateContent?alt=sse" if stream else "generateContent"
        return f"{base}/models/{quote(upstream_model, safe='')}:{action}"

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {"x-goog-api-key": credentials.api_key, "content-type": "application/json"}

    def encode_request(self, request: Request, target: Target) -> Encoded:
        return encode.encode_request(request, target)

    def decode_response(self, body: dict[str, Any], hints: Any) -> Response:
        return decode.decode_response(body, hints)

    def stream_decoder(self, hints: Any, secrets: tuple[str, ...]) -> stream.StreamDecoder:
        return stream.StreamDecoder(hints, secrets)

    def map_error(
        self, provider: str, status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]
    ) -> GatewayError:
        return errors.map_error(provider, status, body, headers, secrets)


ADAPTER = GeminiAdapter()
