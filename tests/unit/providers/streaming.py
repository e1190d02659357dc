"""What every provider's stream tests do alike: feed an upstream stream through the adapter's framer
and stream decoder in small reads, closing both as the gateway does, and fold the IR events."""

from __future__ import annotations

from collections.abc import Iterable

from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.events import Event
from hyperinfer.providers.contract import Framer, StreamDecoder


def decode_in_reads(framer: Framer, decoder: StreamDecoder, raw: bytes, step: int = 1) -> list[Event]:
    """``raw`` cut into ``step``-byte reads (one byte by default: every split point is tried)."""
    events: list[Event] = []
    for i in range(0, len(raw), step):
        for sse in framer.feed(raw[i : i + step]):
            events += decoder.feed(sse)
    for sse in framer.close():
        events += decoder.feed(sse)
    return events + decoder.close()


def accumulate(events: Iterable[Event]) -> Accumulator:
    acc = Accumulator()
    for event in events:
        acc.add(event)
    return acc
