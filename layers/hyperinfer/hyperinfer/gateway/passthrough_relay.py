"""Relaying a provider's stream to a client of the same format: each upstream event goes through a
rewriter that changes only what the gateway owns and keeps every other byte as the provider sent it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Protocol

import httpx

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.keepalive import Expired, Tick, with_keepalive
from hyperinfer.gateway.upstream import close_quietly, sse_events
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.sse import SSEEvent
from hyperinfer.providers.transport import transport_error


class Rewriter(Protocol):
    usage: Usage

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
            for out in rewriter.rewrite(item):
                yield out
            if rewriter.finished:
                break
        for out in rewriter.closing_frames():
            yield out
    except GatewayError as error:
        yield error_frame(error)
    except httpx.HTTPError as error:
        yield error_frame(transport_error(provider_name, error))
    finally:
        await close_quietly(response)
