"""The three ingress formats as the pipeline sees them: what the gateway decides for each (its
envelope, id prefix, native provider kind, output-cap fields, refused fields) and its ``codec``
(``formats.contract.IngressCodec``), the typed entry into the format's pure code."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.function_table import Envelope
from hyperinfer.provider_kind import ProviderKind

if TYPE_CHECKING:
    # A type only: the contract pulls in the IR, which the batch read functions (they name an
    # ingress, never translate) should not load.
    from hyperinfer.formats.contract import IngressCodec


@dataclass(frozen=True)
class Ingress:
    name: str  # the generation record's ingress_format
    package: str  # under hyperinfer.formats; its codec module holds CODEC
    envelope: Envelope
    id_prefix: str
    native: ProviderKind  # a provider of this kind is served without the IR
    cap_fields: tuple[str, ...] = ()  # where a client sets its output cap, the first one preferred
    # Fields seed 001 says the gateway refuses in this format, even when the provider could take them.
    refused: tuple[tuple[str, str], ...] = ()

    def output_cap(self, payload: dict[str, Any]) -> int | None:
        for name in self.cap_fields:
            value = payload.get(name)
            if isinstance(value, int) and value > 0:
                return value
        return None

    def refuse(self, payload: dict[str, Any]) -> None:
        for name, why in self.refused:
            if payload.get(name) is not None:
                raise GatewayError(ErrorCode.INVALID_REQUEST, f"{name}: {why}", param=name)

    @cached_property
    def codec(self) -> IngressCodec:
        """The format's code, imported on first use: a function loads only its own format."""
        codec: IngressCodec = importlib.import_module(f"hyperinfer.formats.{self.package}.codec").CODEC
        return codec

    @cached_property
    def request_model(self) -> type[BaseModel]:
        return self.codec.request_model()


_STATELESS = "the gateway is stateless and keeps no responses; send the full input instead."

CHAT_COMPLETIONS = Ingress(
    name="chat_completions",
    package="chat_completions",
    envelope=Envelope.OPENAI,
    id_prefix="gen-",
    native=ProviderKind.OPENAI_CHAT,
    cap_fields=("max_completion_tokens", "max_tokens"),
)
RESPONSES = Ingress(
    name="responses",
    package="responses",
    envelope=Envelope.OPENAI,
    id_prefix="resp_",
    native=ProviderKind.OPENAI_RESPONSES,
    cap_fields=("max_output_tokens",),
    refused=(
        ("previous_response_id", _STATELESS),
        ("conversation", _STATELESS),
        ("prompt", "the gateway keeps no stored prompts; send instructions and input instead."),
    ),
)
ANTHROPIC_MESSAGES = Ingress(
    name="anthropic_messages",
    package="anthropic_messages",
    envelope=Envelope.ANTHROPIC,
    id_prefix="msg_",
    native=ProviderKind.ANTHROPIC,
    cap_fields=("max_tokens",),
    refused=(("response_format", "has no Anthropic Messages equivalent; use output_config.format instead."),),
)
