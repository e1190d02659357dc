"""A provider's stream re-encoded for a client of another format, event by event through the IR."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

import httpx

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.keepalive import Expired, Tick, with_keepalive
from hyperinfer.gateway.upstream import close_quietly, sse_events
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.events import Event
from hyperinfer.providers.sse import SSEEvent
from hyperinfer.providers.transport import transport_error


class StreamDecoder(Protocol):
    def feed(self, event: SSEEvent) -> list[Event]: ...
    def close(self) -> list[Event]: ...


class StreamEncoder(Protocol):
    def encode(self, event: Event) -> list[bytes]: ...
    def error(self, error: GatewayError, request_id: str) -> bytes: ...


async def relay_ir(
    response: httpx.Response,
    decoder: StreamDecoder,
    encoder: StreamEncoder,
    *,
    provider_name: str,
    request_id: str,
    keepalive: bytes,
    interval: float,
    max_duration: float,
    accumulator: Accumulator | None = None,
) -> AsyncIterator[bytes]:
    """Any failure after the first byte ends the stream with the format's error event."""
    folded = accumulator if accumulator is not None else Accumulator()

    def emit(events: list[Event]) -> list[bytes]:
        frames: list[bytes] = []
        for event in events:
            folded.add(event)
            frames += encoder.encode(event)
        return frames

    try:
        async for item in with_keepalive(sse_events(response), interval, max_duration):
            if isinstance(item, Tick):
                yield keepalive
            elif isinstance(item, Expired):
                raise GatewayError(
                    ErrorCode.PROVIDER_TIMEOUT, f"Stream exceeded its maximum duration of {max_duration:g} s."
                )
            else:
                for frame in emit(decoder.feed(item)):
                    yield frame
            if folded.finished:
                break
        if not folded.finished:
            for frame in emit(decoder.close()):
                yield frame
    except GatewayError as error:
        yield encoder.error(error, request_id)
    except httpx.HTTPError as error:
        yield encoder.error(transport_error(provider_name, error), request_id)
    finally:
        await close_quietly(response)
