"""OpenAI Responses as the gateway calls it (``formats.contract.IngressCodec``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hyperinfer.formats.responses.request import ResponsesRequest
from hyperinfer.formats.sse import KEEPALIVE

if TYPE_CHECKING:  # annotations only: a passthrough request never loads the IR
    from pydantic import BaseModel

    from hyperinfer.formats.contract import IngressCodec, StreamEncoder
    from hyperinfer.formats.view import View
    from hyperinfer.ir.request import Request
    from hyperinfer.ir.response import Response


def _echoed(request: BaseModel | None) -> ResponsesRequest | None:
    return request if isinstance(request, ResponsesRequest) else None


class ResponsesCodec:
    keepalive = KEEPALIVE

    def request_model(self) -> type[BaseModel]:
        return ResponsesRequest

    def decode(self, parsed: BaseModel) -> Request:
        from hyperinfer.formats.responses.decode import decode

        assert isinstance(parsed, ResponsesRequest)
        return decode(parsed)

    def encode_response(self, response: Response, view: View, request: BaseModel | None) -> dict[str, Any]:
        from hyperinfer.formats.responses.encode import encode_response

        return encode_response(response, view, request=_echoed(request))

    def stream_encoder(self, view: View, request: BaseModel | None) -> StreamEncoder:
        from hyperinfer.formats.responses.stream import StreamEncoder

        return StreamEncoder(view, request=_echoed(request))


CODEC: IngressCodec = ResponsesCodec()
