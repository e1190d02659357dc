"""A Gemini ``streamGenerateContent?alt=sse`` stream into IR events.

Each ``data:`` event is a full ``GenerateContentResponse`` holding the next parts; the last one
has the ``finishReason`` and the final ``usageMetadata``. A failure after the stream began comes
as a ``data:`` event holding ``{"error": ...}``; a stream that ends without a finish reason was
cut short.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hyperinfer.ir.events import Event
from hyperinfer.providers.errors import stream_broken, stream_object
from hyperinfer.providers.gemini.errors import stream_error
from hyperinfer.providers.gemini.fold import ResponseFolder
from hyperinfer.providers.sse import SSEEvent

PROVIDER = "gemini"


class StreamDecoder:
    def __init__(self, hints: Any = None, secrets: Iterable[str] = ()) -> None:
        self._secrets = tuple(secrets)
        self._folder = ResponseFolder()

    def feed(self, event: SSEEvent) -> list[Event]:
        if self._folder.finished or not event.data.strip():
            return []
        payload = stream_object(PROVIDER, event.data)
        if "error" in payload:
            raise stream_error(PROVIDER, payload, self._secrets)
        return self._folder.feed(payload)

    def close(self) -> list[Event]:
        if not self._folder.finished:
            raise stream_broken(PROVIDER, "stream ended before the answer finished")
        return []
