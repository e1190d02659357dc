"""The three ingress formats as the pipeline sees them. Format code is imported on first use, so a
function loads only its own format."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from hyperinfer.catalog import ProviderKind
from hyperinfer.function_table import Envelope


@dataclass(frozen=True)
class Ingress:
    name: str  # the generation record's ingress_format
    package: str  # under hyperinfer.formats: request, decode, encode and stream modules
    request_class: str
    envelope: Envelope
    id_prefix: str
    native: ProviderKind  # a provider of this kind is served without the IR

    def _module(self, name: str) -> ModuleType:
        return importlib.import_module(f"hyperinfer.formats.{self.package}.{name}")

    @cached_property
    def request_model(self) -> type[BaseModel]:
        model: type[BaseModel] = getattr(self._module("request"), self.request_class)
        return model

    def decode(self, parsed: BaseModel) -> Any:
        return self._module("decode").decode(parsed)

    def encode_response(self, response: Any, view: Any) -> dict[str, Any]:
        encoded: dict[str, Any] = self._module("encode").encode_response(response, view)
        return encoded

    def stream_encoder(self, view: Any) -> Any:
        return self._module("stream").StreamEncoder(view)

    @property
    def keepalive(self) -> bytes:
        keepalive: bytes = self._module("stream").KEEPALIVE
        return keepalive


CHAT_COMPLETIONS = Ingress(
    "chat_completions",
    "chat_completions",
    "ChatCompletionRequest",
    Envelope.OPENAI,
    "gen-",
    ProviderKind.OPENAI_CHAT,
)
RESPONSES = Ingress(
    "responses", "responses", "ResponsesRequest", Envelope.OPENAI, "resp_", ProviderKind.OPENAI_RESPONSES
)
ANTHROPIC_MESSAGES = Ingress(
    "anthropic_messages",
    "anthropic_messages",
    "MessagesRequest",
    Envelope.ANTHROPIC,
    "msg_",
    ProviderKind.ANTHROPIC,
)
