"""Anthropic Messages as the gateway calls it (``formats.contract.IngressCodec``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hyperinfer.formats.sse import KEEPALIVE

if TYPE_CHECKING:  # annotations only: a passthrough request never loads the IR
    from pydantic import BaseModel

    from hyperinfer.formats.contract import IngressCodec, StreamEncoder
    from hyperinfer.formats.view import View
    from hyperinfer.ir.request import Request
    from hyperinfer.ir.response import Response


class MessagesCodec:
    keepalive = KEEPALIVE

    def request_model(self) -> type[BaseModel]:
        from hyperinfer.formats.anthropic_messages.request import MessagesRequest

        return MessagesRequest

    def decode(self, parsed: BaseModel) -> Request:
        from hyperinfer.formats.anthropic_messages.decode import decode
        from hyperinfer.formats.anthropic_messages.request import CountTokensRequest

        assert isinstance(parsed, CountTokensRequest)
        return decode(parsed)

    def encode_response(self, response: Response, view: View, request: BaseModel | None) -> dict[str, Any]:
        from hyperinfer.formats.anthropic_messages.encode import encode_response

        return encode_response(response, view, request=request)

    def stream_encoder(self, view: View, request: BaseModel | None) -> StreamEncoder:
        from hyperinfer.formats.anthropic_messages.stream import StreamEncoder

        return StreamEncoder(view, request=request)


CODEC: IngressCodec = MessagesCodec()
