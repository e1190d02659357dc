"""Relaying a provider's stream to a client of the same format: each upstream event goes through a
rewriter that changes only what the gateway owns and keeps every other byte as the provider sent it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Protocol

import httpx

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.keepalive import Expired, Tick, with_keepalive
from hyperinfer.gateway.metering import Meter
from hyperinfer.gateway.upstream import close_quietly, sse_events
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.sse import SSEEvent
from hyperinfer.providers.transport import transport_error


class Rewriter(Protocol):
    usage: Usage
    deltas: int  # content deltas relayed: what was produced if the stream stops short

    def rewrite(self, event: SSEEvent) -> list[bytes]:
        """Frames for the client; raises GatewayError for an upstream error event."""
        ...

    @property
    def finished(self) -> bool:
        """The upstream sent its terminal event: nothing more to read."""
        ...

    def closing_frames(self) -> list[bytes]:
        """The gateway's own last frames; raises GatewayError if the upstream stopped short."""
        ...


def frame(event: SSEEvent, data: str | None = None) -> bytes:
    """An event re-framed with its own name and (unless replaced) its own data, byte for byte."""
    head = f"event: {event.event}\n" if event.event else ""
    body = event.data if data is None else data
    return (head + "".join(f"data: {line}\n" for line in body.split("\n")) + "\n").encode()


async def relay_passthrough(
    response: httpx.Response,
    rewriter: Rewriter,
    *,
    error_frame: Callable[[GatewayError], bytes],
    meter: Meter,
    provider_name: str,
    keepalive: bytes,
    interval: float,
    max_duration: float,
) -> AsyncIterator[bytes]:
    """Any failure after the first byte ends the stream with the format's error event, never a finish."""
    try:
        async for item in with_keepalive(sse_events(response), interval, max_duration):
            if isinstance(item, Tick):
                yield keepalive
                continue
            if isinstance(item, Expired):
                raise GatewayError(
                    ErrorCode.PROVIDER_TIMEOUT, f"Stream exceeded its maximum duration of {max_duration:g} s."
                )
            frames = rewriter.rewrite(item)
            if rewriter.finished:
                closing = rewriter.closing_frames()
                await meter.succeed(rewriter.usage)  # recorded before the client sees the end
                for out in [*frames, *closing]:
                    yield out
                return
            for out in frames:
                yield out
        rewriter.closing_frames()  # raises: the upstream stopped short
    except GatewayError as error:
        await meter.fail(error.code)
        yield error_frame(error)
    except httpx.HTTPError as error:
        failure = transport_error(provider_name, error)
        await meter.fail(failure.code)
        yield error_frame(failure)
    finally:
        await meter.interrupted(rewriter.usage, rewriter.deltas)  # a no-op once settled
        await close_quietly(response)
