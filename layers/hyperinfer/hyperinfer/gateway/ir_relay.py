"""A provider's stream re-encoded for a client of another format, event by event through the IR.
The loop itself (keep-alives, maximum duration, settlement) is ``gateway.relay``."""

from __future__ import annotations

from hyperinfer.errors import GatewayError
from hyperinfer.formats.contract import StreamEncoder
from hyperinfer.gateway.metering import CHARS_PER_TOKEN, Meter
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.events import Event, Finish
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.contract import StreamDecoder
from hyperinfer.providers.sse import SSEEvent


class IRLeg:
    """``gateway.relay.Leg`` through the IR: folds events (for billing), encodes them, and settles
    the bill before the client sees the end."""

    def __init__(self, decoder: StreamDecoder, encoder: StreamEncoder, meter: Meter, request_id: str) -> None:
        self.decoder, self.encoder, self.meter, self.request_id = decoder, encoder, meter, request_id
        self.folded = Accumulator()
        self.produced = 0  # characters of output relayed: what was produced if the stream stops short

    @property
    def usage(self) -> Usage:
        return self.folded.usage

    @property
    def produced_tokens(self) -> int:
        return -(-self.produced // CHARS_PER_TOKEN)

    @property
    def finished(self) -> bool:
        return self.folded.finished

    async def feed(self, event: SSEEvent) -> list[bytes]:
        return await self._emit(self.decoder.feed(event))

    async def close(self) -> list[bytes]:
        return await self._emit(self.decoder.close())

    def error_frame(self, error: GatewayError) -> bytes:
        return self.encoder.error(error, self.request_id)

    async def _emit(self, events: list[Event]) -> list[bytes]:
        frames: list[bytes] = []
        for event in events:
            self.folded.add(event)
            if isinstance(event, Finish):
                await self.meter.succeed(self.folded.usage)
            self.produced += len(getattr(event, "text", "") or getattr(event, "thinking", "") or "")
            self.produced += len(getattr(event, "partial_json", ""))
            frames += self.encoder.encode(event)
        return frames
