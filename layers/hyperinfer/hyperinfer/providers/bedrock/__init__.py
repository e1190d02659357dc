"""AWS Bedrock Runtime's Converse API (``POST {base}/model/{modelId}/converse`` and
``/converse-stream``), SigV4-signed for service ``bedrock``. Pure: translation in ``content``,
``tools``, ``model_fields``, ``encode``, ``decode`` and ``stream``; the binary stream framing in
``eventstream``; refusals in ``errors``; signed by the one SigV4 signer, ``providers.sigv4``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from hyperinfer.errors import GatewayError
from hyperinfer.ir.request import Request
from hyperinfer.ir.response import Response
from hyperinfer.providers.bedrock.hints import BedrockEncoded, DecodeHints
from hyperinfer.providers.contract import Credentials, Framer, OutgoingRequest
from hyperinfer.providers.target import Target

DEFAULT_BASE = "https://bedrock-runtime.{region}.amazonaws.com"
SERVICE = "bedrock"  # SigV4's service name for Bedrock Runtime


def default_base(region: str) -> str:
    return DEFAULT_BASE.format(region=region)


def url(base: str, upstream_model: str, stream: bool) -> str:
    # The id is one path segment: an inference profile's or a versioned id's ":" and an ARN's "/"
    # are percent-encoded, as the SDKs send them.
    operation = "converse-stream" if stream else "converse"
    return f"{base}/model/{quote(upstream_model, safe='')}/{operation}"


class BedrockAdapter:
    """``ProviderAdapter`` for Converse. Submodules are imported on first use, so a cold start that
    never calls Bedrock pays nothing for them."""

    def url(self, base: str, upstream_model: str, stream: bool) -> str:
        return url(base, upstream_model, stream)

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {"content-type": "application/json"}

    def sign(self, request: OutgoingRequest, credentials: Credentials, now: float) -> OutgoingRequest:
        """``request`` with ``host``, ``x-amz-date``, the session token and ``authorization`` added."""
        from hyperinfer.providers.sigv4 import host_header, signature_headers

        headers = {name.lower(): value for name, value in request.headers.items()}
        headers.pop("authorization", None)
        headers["host"] = host_header(request.url)
        headers |= signature_headers(
            request.method,
            request.url,
            headers,
            request.body,
            access_key=credentials.aws_access_key_id,
            secret_key=credentials.aws_secret_access_key,
            session_token=credentials.aws_session_token,
            region=credentials.region,
            service=SERVICE,
            now=dt.datetime.fromtimestamp(now, dt.UTC),
        )
        return OutgoingRequest(request.method, request.url, headers, request.body, request.extra)

    def framer(self) -> Framer:
        from hyperinfer.providers.bedrock.eventstream import EventStreamFramer

        return EventStreamFramer()

    def encode_request(self, request: Request, target: Target) -> BedrockEncoded:
        from hyperinfer.providers.bedrock.encode import encode_request

        return encode_request(request, target)

    def decode_response(self, body: dict[str, Any], hints: Any) -> Response:
        from hyperinfer.providers.bedrock.decode import decode_response

        return decode_response(body, hints if isinstance(hints, DecodeHints) else None)

    def stream_decoder(self, hints: Any, secrets: tuple[str, ...]) -> Any:
        from hyperinfer.providers.bedrock.stream import StreamDecoder

        return StreamDecoder(hints if isinstance(hints, DecodeHints) else None, secrets)

    def map_error(
        self, provider: str, status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]
    ) -> GatewayError:
        from hyperinfer.providers.bedrock.errors import map_error

        return map_error(provider, status, body, headers, secrets)


ADAPTER = BedrockAdapter()

__all__ = ["ADAPTER", "DEFAULT_BASE", "BedrockAdapter", "default_base", "url"]
