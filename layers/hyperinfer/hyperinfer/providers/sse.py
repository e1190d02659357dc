"""An incremental Server-Sent Events decoder that survives the network splitting anything anywhere.

Bytes arrive in arbitrary pieces: a line, a CRLF pair or a multi-byte UTF-8 character may be cut
between two reads. Comment lines (``: ping``) are dropped; events are yielded when a blank line ends
them, as the SSE specification says.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

_LINE_END = re.compile(r"(\r\n|\r|\n)")


@dataclass(slots=True)
class SSEEvent:
    event: str | None
    data: str


@dataclass(slots=True)
class SSEDecoder:
    _text: codecs.IncrementalDecoder = field(default_factory=codecs.getincrementaldecoder("utf-8"))
    _buffer: str = ""
    _event: str | None = None
    _data: list[str] = field(default_factory=list)

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        self._buffer += self._text.decode(chunk)
        return self._drain(final=False)

    def close(self) -> list[SSEEvent]:
        """Whatever a stream that ended without a final blank line still held."""
        self._buffer += self._text.decode(b"", final=True)
        events = self._drain(final=True)
        if self._data:
            events.append(SSEEvent(self._event, "\n".join(self._data)))
            self._event, self._data = None, []
        return events

    def _drain(self, *, final: bool) -> list[SSEEvent]:
        events: list[SSEEvent] = []
        # Only CR, LF and CRLF end lines (str.splitlines would also split on U+2028 inside JSON).
        parts = _LINE_END.split(self._buffer)
        # parts alternates text and terminator; an unterminated tail, or a lone trailing CR that
        # may be half of a CRLF, waits for the next read.
        tail = parts.pop()
        if not final and parts and parts[-1] == "\r" and not tail:
            tail = parts.pop(-2) + parts.pop()
        self._buffer = "" if final and not tail else tail
        if final and tail:
            parts += [tail, "\n"]
            self._buffer = ""
        for line in parts[0::2]:
            self._take(line, events)
        return events

    def _take(self, line: str, events: list[SSEEvent]) -> None:
        if not line:
            if self._data:
                events.append(SSEEvent(self._event, "\n".join(self._data)))
            self._event, self._data = None, []
            return
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
