"""A routed stream is read up to its first real content before the client sees a byte.

Until then nothing is committed: lifecycle frames (a message start, a ping, an empty block start,
the role chunk) are held back, and an upstream failure, an error event or a close before any
content is an attempt's failure, which the router may retry or fall back from. Once content has
arrived, the held-back bytes and the rest of the stream go to the relay as if never touched, as a
response of their own; from then on a failure ends the stream with the format's error event.

While the rest flows the same decoder keeps folding it, when asked, so a stream that finished
cleanly can be cached; one that broke, or that the client left, never is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import httpx

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.events import Event
from hyperinfer.ir.response import Response
from hyperinfer.router.replay import is_content

Finished = Callable[[Response], Awaitable[None]]


class _Folding:
    """The upstream's frames into IR events: whether content has begun, and (optionally) the answer."""

    def __init__(self, framer: Any, decoder: Any, keep: bool) -> None:
        self.framer, self.decoder = framer, decoder
        self.folded: Accumulator | None = Accumulator() if keep else None
        self.content = False
        self.broken = False
        self.closed = False

    def feed(self, piece: bytes) -> None:
        for frame in self.framer.feed(piece):
            self._decode(lambda: self.decoder.feed(frame))  # noqa: B023 - called at once

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for frame in self.framer.close():
            self._decode(lambda: self.decoder.feed(frame))  # noqa: B023 - called at once
        self._decode(self.decoder.close)

    def _decode(self, step: Callable[[], list[Event]]) -> None:
        if self.broken or (self.content and self.folded is None):
            return  # committed, and nothing to keep: the relay decodes for itself
        try:
            events = step()
        except (GatewayError, ValueError, KeyError):
            if not self.content:
                raise  # a failure before any content: the attempt's
            self.broken = True  # after content: the relay reports it; it only spoils the cache
            return
        for event in events:
            self.content = self.content or is_content(event)
            if self.folded is not None:
                self.folded.add(event)


class _Rest(httpx.AsyncByteStream):
    def __init__(
        self,
        head: list[bytes],
        rest: AsyncIterator[bytes],
        original: httpx.Response,
        folding: _Folding,
        finished: Finished | None,
    ) -> None:
        self.head, self.rest, self.original = head, rest, original
        self.folding, self.finished = folding, finished

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # The answer is kept as soon as it is whole, before its last bytes go out: a relay stops
        # reading at the terminal event, so the end of this iterator may never come.
        for piece in self.head:
            await self._keep_if_whole()
            yield piece
        async for piece in self.rest:
            self._fold(piece)
            await self._keep_if_whole()
            yield piece
        self._fold(None)
        await self._keep_if_whole()

    async def _keep_if_whole(self) -> None:
        folded = self.folding.folded
        if self.finished is None or folded is None or not folded.finished or self.folding.broken:
            return
        finished, self.finished = self.finished, None  # once
        with anyio.CancelScope(shield=True):
            await finished(folded.response())

    def _fold(self, piece: bytes | None) -> None:
        if self.folding.folded is not None:
            self.folding.feed(piece) if piece is not None else self.folding.close()

    async def aclose(self) -> None:
        await self.original.aclose()


async def until_first_content(
    response: httpx.Response, framer: Any, decoder: Any, finished: Finished | None = None
) -> httpx.Response:
    """The same stream, once it has shown content; raises the upstream's failure if it never does.
    ``finished`` gets the whole answer when the stream ends cleanly (the cache's store)."""
    folding = _Folding(framer, decoder, keep=finished is not None)
    head: list[bytes] = []
    pieces = response.aiter_bytes()
    try:
        async for piece in pieces:
            head.append(piece)
            folding.feed(piece)
            if folding.content:
                break
        else:
            folding.close()
            if not folding.content:
                raise GatewayError(
                    ErrorCode.PROVIDER_UNAVAILABLE, "Upstream closed the stream before any content."
                )
    except BaseException as error:
        with anyio.CancelScope(shield=True):
            await response.aclose()
        if isinstance(error, httpx.HTTPError):
            timed_out = isinstance(error, httpx.TimeoutException)
            code = ErrorCode.PROVIDER_TIMEOUT if timed_out else ErrorCode.PROVIDER_UNAVAILABLE
            raise GatewayError(
                code, f"Upstream stream failed before any content ({type(error).__name__})."
            ) from None
        raise
    headers = {
        k: v for k, v in response.headers.items() if k.lower() not in ("content-encoding", "content-length")
    }
    stream = _Rest(head, pieces, response, folding, finished)
    return httpx.Response(response.status_code, headers=headers, stream=stream, request=response.request)
