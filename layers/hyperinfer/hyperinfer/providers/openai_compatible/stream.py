"""A compatible server's chunks -> IR stream events: each chunk reshaped into OpenAI's, then
OpenAI's decoder (which already tolerates a stream that ends without ``[DONE]``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from hyperinfer.ir.events import Event
from hyperinfer.providers.openai_chat.stream import StreamDecoder as OpenAIStreamDecoder
from hyperinfer.providers.openai_compatible.options import options_of
from hyperinfer.providers.openai_compatible.shape import ChunkShaper
from hyperinfer.providers.sse import SSEEvent


class StreamDecoder(OpenAIStreamDecoder):
    provider = "openai_compatible"

    def __init__(self, hints: Any = None, secrets: Iterable[str] = ()) -> None:
        super().__init__(hints, secrets)
        self._shape = ChunkShaper(options_of(hints))

    def feed(self, event: SSEEvent) -> list[Event]:
        if self._done or event.data == "[DONE]":
            return super().feed(event)
        return self.feed_payload(self._shape(json.loads(event.data)), event.data)
