"""The contract every ingress format keeps, so mypy checks each call the gateway makes into one.

An ingress format is a package under ``hyperinfer.formats`` whose ``codec`` module exposes
``CODEC``, an object satisfying ``IngressCodec``. Everything here is pure: the request schema, the
decoding of a parsed request into the IR, and the encoding of IR answers and stream events back
into the format. Each codec imports its modules on first use, so a request that never crosses the
IR (passthrough) never loads the decoder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # only the translated path loads the IR's models
    from pydantic import BaseModel

    from hyperinfer.errors import GatewayError
    from hyperinfer.formats.view import View
    from hyperinfer.ir.events import Event
    from hyperinfer.ir.request import Request
    from hyperinfer.ir.response import Response


class StreamEncoder(Protocol):
    """IR stream events -> the format's SSE frames, and the format's error event."""

    def encode(self, event: Event) -> list[bytes]: ...
    def error(self, error: GatewayError, request_id: str) -> bytes: ...


class IngressCodec(Protocol):
    """One client wire format. ``request`` is the client's parsed request: some formats echo parts of
    it back (Responses does)."""

    @property
    def keepalive(self) -> bytes:
        """What a stream sends when nothing else has been sent for a while (an SSE comment)."""
        ...

    def request_model(self) -> type[BaseModel]: ...

    def decode(self, parsed: BaseModel) -> Request:
        """The parsed request in the IR; raises ``GatewayError`` naming a field the IR cannot carry."""
        ...

    def encode_response(
        self, response: Response, view: View, request: BaseModel | None
    ) -> dict[str, Any]: ...

    def stream_encoder(self, view: View, request: BaseModel | None) -> StreamEncoder: ...
