"""Provider kinds as the pipeline sees them: each a package under hyperinfer.providers with
``url``/``headers`` and ``encode``, ``decode``, ``stream`` modules. Imported on first use."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from hyperinfer.catalog import ProviderKind
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.upstream import ErrorMapper
from hyperinfer.ir.request import Request
from hyperinfer.ir.response import Response
from hyperinfer.providers.errors import upstream_error
from hyperinfer.providers.target import Encoded, Target

PACKAGES: dict[ProviderKind, str] = {
    ProviderKind.OPENAI_CHAT: "openai_chat",
    ProviderKind.OPENAI_RESPONSES: "openai_responses",
    ProviderKind.ANTHROPIC: "anthropic",
}


@dataclass(frozen=True)
class Upstream:
    package: str

    def _module(self, name: str = "") -> ModuleType:
        return importlib.import_module(f"hyperinfer.providers.{self.package}" + (f".{name}" if name else ""))

    def url(self, base: str) -> str:
        url: str = self._module().url(base)
        return url

    def headers(self, api_key: str) -> dict[str, str]:
        headers: dict[str, str] = self._module().headers(api_key)
        return headers

    def encode_request(self, request: Request, target: Target) -> Encoded:
        encoded: Encoded = self._module("encode").encode_request(request, target)
        return encoded

    def decode_response(self, body: dict[str, Any], hints: Any) -> Response:
        response: Response = self._module("decode").decode_response(body, hints)
        return response

    def stream_decoder(self, hints: Any, secrets: tuple[str, ...]) -> Any:
        return self._module("stream").StreamDecoder(hints, secrets)

    @property
    def map_error(self) -> ErrorMapper:
        own = getattr(self._module(), "map_error", None)
        if own is None:
            return upstream_error
        # Provider packages name themselves in their messages; the catalog name is not needed.
        return lambda _name, status, body, headers, secrets: own(status, body, headers, secrets)


def upstream_for(kind: ProviderKind) -> Upstream:
    package = PACKAGES.get(kind)
    if package is None:
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            f"model: provider kind {kind.value!r} is not available yet.",
            param="model",
        )
    return Upstream(package)
