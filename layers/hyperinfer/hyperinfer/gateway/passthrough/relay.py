"""A provider's stream relayed to a client of the same format: each upstream event goes through a
rewriter that changes only what the gateway owns and keeps every other byte as the provider sent
it. The loop itself (keep-alives, maximum duration, settlement) is ``gateway.relay``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from hyperinfer.errors import GatewayError
from hyperinfer.gateway.metering import Meter
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.sse import SSEEvent


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


class PassthroughLeg:
    """``gateway.relay.Leg`` for a same-format stream."""

    def __init__(
        self, rewriter: Rewriter, meter: Meter, error_frame: Callable[[GatewayError], bytes]
    ) -> None:
        self.rewriter, self.meter, self.error_frame = rewriter, meter, error_frame

    @property
    def usage(self) -> Usage:
        return self.rewriter.usage

    @property
    def produced_tokens(self) -> int:
        return self.rewriter.deltas

    @property
    def finished(self) -> bool:
        return self.rewriter.finished

    async def feed(self, event: SSEEvent) -> list[bytes]:
        frames = self.rewriter.rewrite(event)
        if not self.rewriter.finished:
            return frames
        closing = self.rewriter.closing_frames()
        await self.meter.succeed(self.rewriter.usage)  # recorded before the client sees the end
        return [*frames, *closing]

    async def close(self) -> list[bytes]:
        return self.rewriter.closing_frames()  # raises: the upstream stopped short
