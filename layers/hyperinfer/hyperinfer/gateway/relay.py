"""The one loop every stream to a client runs: keep-alives while the upstream is quiet, the
maximum duration, and settlement — before the client sees the end; or, when the stream stops
short, for what it produced (an upstream error or a transport failure: ``Meter.broken``; the
client leaving: ``Meter.interrupted``). The policy is written once in docs/data-model.md.

What differs between a same-format stream (``passthrough.relay``) and one re-encoded through the
IR (``ir_relay``) is a ``Leg``: how one upstream event becomes client frames and what the call has
used so far.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

import httpx

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.keepalive import Expired, Tick, with_keepalive
from hyperinfer.gateway.metering import Meter
from hyperinfer.gateway.transport import close_quietly, stream_events, transport_error
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.contract import ProviderAdapter
from hyperinfer.providers.sse import SSEEvent


class Leg(Protocol):
    @property
    def usage(self) -> Usage:
        """The provider's usage as reported so far."""
        ...

    @property
    def produced_tokens(self) -> int:
        """Output relayed, in tokens (an estimate): what was produced if usage never comes."""
        ...

    async def feed(self, event: SSEEvent) -> list[bytes]:
        """Frames for one upstream event. On the terminal event it settles (``Meter.succeed``)
        before returning the last frames. Raises ``GatewayError`` for an upstream error event."""
        ...

    @property
    def finished(self) -> bool:
        """The terminal event came: nothing more to read."""
        ...

    async def close(self) -> list[bytes]:
        """The upstream ended without a terminal event: the last frames, or raise if it stopped short."""
        ...

    def error_frame(self, error: GatewayError) -> bytes:
        """The format's error event, which ends a stream that failed after its first byte."""
        ...


async def relay(
    response: httpx.Response,
    adapter: ProviderAdapter,
    leg: Leg,
    *,
    meter: Meter,
    provider_name: str,
    keepalive: bytes,
    interval: float,
    max_duration: float,
) -> AsyncIterator[bytes]:
    """Any failure after the first byte ends the stream with the format's error event, never a finish."""
    try:
        async for item in with_keepalive(stream_events(response, adapter), interval, max_duration):
            if isinstance(item, Tick):
                yield keepalive
                continue
            if isinstance(item, Expired):
                raise GatewayError(
                    ErrorCode.PROVIDER_TIMEOUT, f"Stream exceeded its maximum duration of {max_duration:g} s."
                )
            for frame in await leg.feed(item):
                yield frame
            if leg.finished:
                return
        for frame in await leg.close():
            yield frame
    except GatewayError as error:
        await meter.broken(error.code, leg.usage, leg.produced_tokens)  # what it produced is billed
        yield leg.error_frame(error)
    except httpx.HTTPError as error:
        failure = transport_error(provider_name, error)
        await meter.broken(failure.code, leg.usage, leg.produced_tokens)
        yield leg.error_frame(failure)
    finally:
        await meter.interrupted(leg.usage, leg.produced_tokens)  # a no-op once settled
        await close_quietly(response)
