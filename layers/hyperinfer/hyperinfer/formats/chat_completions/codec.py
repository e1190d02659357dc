"""Chat Completions as the gateway calls it (``formats.contract.IngressCodec``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hyperinfer.formats.sse import KEEPALIVE

if TYPE_CHECKING:  # annotations only: a passthrough request never loads the IR
    from pydantic import BaseModel

    from hyperinfer.formats.contract import IngressCodec, StreamEncoder
    from hyperinfer.formats.view import View
    from hyperinfer.ir.request import Request
    from hyperinfer.ir.response import Response


class ChatCompletionsCodec:
    keepalive = KEEPALIVE

    def request_model(self) -> type[BaseModel]:
        from hyperinfer.formats.chat_completions.request import ChatCompletionRequest

        return ChatCompletionRequest

    def decode(self, parsed: BaseModel) -> Request:
        from hyperinfer.formats.chat_completions.decode import decode
        from hyperinfer.formats.chat_completions.request import ChatCompletionRequest

        assert isinstance(parsed, ChatCompletionRequest)
        return decode(parsed)

    def encode_response(self, response: Response, view: View, request: BaseModel | None) -> dict[str, Any]:
        from hyperinfer.formats.chat_completions.encode import encode_response

        return encode_response(response, view, request=request)

    def stream_encoder(self, view: View, request: BaseModel | None) -> StreamEncoder:
        from hyperinfer.formats.chat_completions.stream import StreamEncoder

        return StreamEncoder(view, request=request)


CODEC: IngressCodec = ChatCompletionsCodec()
