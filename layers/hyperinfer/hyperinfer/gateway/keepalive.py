"""Merge an async stream with keep-alive ticks and a deadline, without ever cancelling a read mid-way.

A pump task reads the source into a queue; the consumer waits on the queue with a timeout. On the
consumer's exit (end, error, client gone) the pump is cancelled, which closes the upstream read.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Generic, NamedTuple, TypeVar

import anyio

T = TypeVar("T")


class Tick:
    """Nothing arrived for one keep-alive interval."""


class Expired:
    """The stream reached its maximum duration."""


# A NamedTuple, not a frozen dataclass: every cold start defines it (see function_table.py).
class _End(NamedTuple, Generic[T]):
    error: BaseException | None


async def with_keepalive(
    source: AsyncIterator[T], interval: float, max_duration: float
) -> AsyncIterator[T | Tick | Expired]:
    queue: asyncio.Queue[T | _End[T]] = asyncio.Queue(maxsize=256)

    async def pump() -> None:
        try:
            async for item in source:
                await queue.put(item)
        except Exception as error:  # handed to the consumer, which raises it in its own frame
            await queue.put(_End(error))
        else:
            await queue.put(_End(None))

    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_duration
    task = asyncio.create_task(pump())
    try:
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                yield Expired()
                return
            try:
                item = await asyncio.wait_for(queue.get(), timeout=min(interval, remaining))
            except TimeoutError:
                if loop.time() < deadline:
                    yield Tick()
                continue
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        task.cancel()
        # Starlette cancels through anyio, whose cancellation re-fires at every await of a cancelled
        # scope: shield the wait, or the pump (and the upstream read inside it) is never wound down.
        with anyio.CancelScope(shield=True):
            await asyncio.gather(task, return_exceptions=True)
