"""A provider's stream re-encoded for a client of another format, event by event through the IR."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

import httpx

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.keepalive import Expired, Tick, with_keepalive
from hyperinfer.gateway.metering import CHARS_PER_TOKEN, Meter
from hyperinfer.gateway.upstream import close_quietly, sse_events
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.events import Event, Finish
from hyperinfer.providers.sse import SSEEvent
from hyperinfer.providers.transport import transport_error


class StreamDecoder(Protocol):
    def feed(self, event: SSEEvent) -> list[Event]: ...
    def close(self) -> list[Event]: ...


class StreamEncoder(Protocol):
    def encode(self, event: Event) -> list[bytes]: ...
    def error(self, error: GatewayError, request_id: str) -> bytes: ...


class _Emitter:
    """Folds events (for billing) and encodes them; settles the bill before the client sees the end."""

    def __init__(self, encoder: StreamEncoder, meter: Meter) -> None:
        self.encoder, self.meter = encoder, meter
        self.folded = Accumulator()
        self.produced = 0  # characters of output relayed: what was produced if the stream stops short

    async def emit(self, events: list[Event]) -> list[bytes]:
        frames: list[bytes] = []
        for event in events:
            self.folded.add(event)
            if isinstance(event, Finish):
                await self.meter.succeed(self.folded.usage)
            self.produced += len(getattr(event, "text", "") or getattr(event, "thinking", "") or "")
            self.produced += len(getattr(event, "partial_json", ""))
            frames += self.encoder.encode(event)
        return frames


async def relay_ir(
    response: httpx.Response,
    decoder: StreamDecoder,
    encoder: StreamEncoder,
    *,
    meter: Meter,
    provider_name: str,
    request_id: str,
    keepalive: bytes,
    interval: float,
    max_duration: float,
) -> AsyncIterator[bytes]:
    """Any failure after the first byte ends the stream with the format's error event."""
    out = _Emitter(encoder, meter)
    try:
        async for item in with_keepalive(sse_events(response), interval, max_duration):
            if isinstance(item, Tick):
                yield keepalive
                continue
            if isinstance(item, Expired):
                raise GatewayError(
                    ErrorCode.PROVIDER_TIMEOUT, f"Stream exceeded its maximum duration of {max_duration:g} s."
                )
            for frame in await out.emit(decoder.feed(item)):
                yield frame
            if out.folded.finished:
                return
        for frame in await out.emit(decoder.close()):
            yield frame
    except GatewayError as error:
        await meter.fail(error.code)
        yield encoder.error(error, request_id)
    except httpx.HTTPError as error:
        failure = transport_error(provider_name, error)
        await meter.fail(failure.code)
        yield encoder.error(failure, request_id)
    finally:
        await meter.interrupted(out.folded.usage, -(-out.produced // CHARS_PER_TOKEN))  # no-op once settled
        await close_quietly(response)
