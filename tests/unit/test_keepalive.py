import asyncio
from collections.abc import AsyncIterator

from hyperinfer.gateway.keepalive import Expired, Tick, with_keepalive


async def slow(items: list[str], gap: float, closed: list[bool]) -> AsyncIterator[str]:
    try:
        for item in items:
            await asyncio.sleep(gap)
            yield item
    finally:
        closed.append(True)


async def collect(source: AsyncIterator[str], interval: float, limit: float) -> list[object]:
    return [item async for item in with_keepalive(source, interval, limit)]


def test_ticks_fill_gaps_and_items_arrive_in_order() -> None:
    closed: list[bool] = []
    out = asyncio.run(collect(slow(["a", "b"], 0.12, closed), 0.05, 10))
    assert [x for x in out if isinstance(x, str)] == ["a", "b"]
    assert sum(isinstance(x, Tick) for x in out) >= 2
    assert closed == [True]


def test_the_deadline_ends_the_stream_and_closes_the_source() -> None:
    closed: list[bool] = []
    out = asyncio.run(collect(slow(["a"] * 100, 0.05, closed), 1, 0.2))
    assert isinstance(out[-1], Expired)
    assert 0 < sum(isinstance(x, str) for x in out) < 100
    assert closed == [True]


def test_a_source_error_reaches_the_consumer() -> None:
    async def failing() -> AsyncIterator[str]:
        yield "a"
        raise ConnectionError("gone")

    async def run() -> list[object]:
        return await collect(failing(), 1, 10)

    try:
        asyncio.run(run())
    except ConnectionError as error:
        assert str(error) == "gone"
    else:
        raise AssertionError("the source's error was swallowed")
