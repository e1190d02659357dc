"""A Gemini ``streamGenerateContent?alt=sse`` stream into IR events.

Each ``data:`` event is a full ``GenerateContentResponse`` holding the next parts; the last one
has the ``finishReason`` and the final ``usageMetadata``. A failure after the stream began comes
as a ``data:`` event holding ``{"error": ...}``; a stream that ends without a finish reason was
cut short.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.events import Event
from hyperinfer.providers.gemini.errors import stream_error
from hyperinfer.providers.gemini.fold import ResponseFolder
from hyperinfer.providers.sse import SSEEvent

PROVIDER = "gemini"


def _broken(why: str) -> GatewayError:
    return GatewayError(ErrorCode.PROVIDER_UNAVAILABLE, f"Upstream provider {PROVIDER!r} {why}.")


class StreamDecoder:
    def __init__(self, hints: Any = None, secrets: Iterable[str] = ()) -> None:
        self._secrets = tuple(secrets)
        self._folder = ResponseFolder()

    def feed(self, event: SSEEvent) -> list[Event]:
        if self._folder.finished or not event.data.strip():
            return []
        try:
            payload = json.loads(event.data)
        except ValueError as error:
            raise _broken("sent an unreadable stream event") from error
        if not isinstance(payload, dict):
            raise _broken("sent an unreadable stream event")
        if "error" in payload:
            raise stream_error(PROVIDER, payload, self._secrets)
        return self._folder.feed(payload)

    def close(self) -> list[Event]:
        if not self._folder.finished:
            raise _broken("stream ended before the answer finished")
        return []
