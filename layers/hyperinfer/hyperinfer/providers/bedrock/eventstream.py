"""AWS event-stream framing (``application/vnd.amazon.eventstream``), decoded incrementally.

Each message is ``[total length u32][headers length u32][prelude CRC32]`` then the headers, the
payload and a CRC32 of every byte before it. Headers are ``[name length u8][name][type u8][value]``
with the value's width fixed by its type (strings and byte arrays carry a u16 length). Bytes may be
split anywhere between reads, so whole messages are cut from a buffer as they complete.

Bedrock's ConverseStream sends ``:message-type`` ``event`` messages named by ``:event-type``
(``messageStart``, ``contentBlockDelta`` ...) and ``exception`` messages named by
``:exception-type`` (``throttlingException`` ...), each with a JSON payload; both become an
``SSEEvent`` named that way, an exception's name prefixed with ``EXCEPTION_PREFIX`` so no event
type can pass for one.
"""

from __future__ import annotations

import struct
import zlib

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.providers.sse import SSEEvent

PRELUDE = 12  # total length, headers length, prelude CRC
MESSAGE_CRC = 4
MAX_MESSAGE = 24 * 1024 * 1024 + 128 * 1024  # the largest payload and headers the format allows
EXCEPTION_PREFIX = "exception:"

# Header value widths by type: bool true, bool false, byte, short, int, long; timestamp; uuid.
_FIXED = {0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16}
_STRING, _BYTES = 7, 6


def _corrupt(why: str) -> GatewayError:
    return GatewayError(
        ErrorCode.PROVIDER_UNAVAILABLE, f"Upstream provider 'bedrock' sent a broken stream: {why}."
    )


def parse_headers(raw: bytes) -> dict[str, str]:
    """The string-valued headers of one message (the only kind Bedrock's names and types use)."""
    headers: dict[str, str] = {}
    at = 0
    try:
        while at < len(raw):
            size = raw[at]
            name = raw[at + 1 : at + 1 + size].decode()
            kind = raw[at + 1 + size]
            at += 2 + size
            if kind in (_STRING, _BYTES):
                (length,) = struct.unpack_from("!H", raw, at)
                value = raw[at + 2 : at + 2 + length]
                if len(value) != length:
                    raise _corrupt("a header value runs past the headers")
                if kind == _STRING:
                    headers[name] = value.decode()
                at += 2 + length
            elif kind in _FIXED:
                at += _FIXED[kind]
            else:
                raise _corrupt(f"unknown header type {kind}")
    except (IndexError, struct.error, UnicodeDecodeError) as error:
        raise _corrupt("unreadable headers") from error
    if at != len(raw):
        raise _corrupt("a header value runs past the headers")
    return headers


class EventStreamFramer:
    """Bytes in, one ``SSEEvent`` per complete message out; a CRC mismatch raises ``GatewayError``."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        # A stream repeats a handful of header blocks (one per event type): each is parsed once.
        self._headers: dict[bytes, dict[str, str]] = {}

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        self._buffer += chunk
        events: list[SSEEvent] = []
        while len(self._buffer) >= PRELUDE:
            total, headers_length, prelude_crc = struct.unpack_from("!III", self._buffer)
            if zlib.crc32(self._buffer[:8]) != prelude_crc:
                raise _corrupt("prelude checksum mismatch")
            if total > MAX_MESSAGE or total < PRELUDE + headers_length + MESSAGE_CRC:
                raise _corrupt(f"impossible message length {total}")
            if len(self._buffer) < total:
                break
            message = bytes(self._buffer[:total])
            del self._buffer[:total]
            (message_crc,) = struct.unpack_from("!I", message, total - MESSAGE_CRC)
            if zlib.crc32(message[: total - MESSAGE_CRC]) != message_crc:
                raise _corrupt("message checksum mismatch")
            raw = message[PRELUDE : PRELUDE + headers_length]
            headers = self._headers.get(raw)
            if headers is None:
                headers = self._headers[raw] = parse_headers(raw)
            payload = message[PRELUDE + headers_length : total - MESSAGE_CRC]
            events.append(_event(headers, payload))
        return events

    def close(self) -> list[SSEEvent]:
        if self._buffer:
            raise _corrupt(f"the stream ended inside a message ({len(self._buffer)} bytes left)")
        return []


def _event(headers: dict[str, str], payload: bytes) -> SSEEvent:
    data = payload.decode("utf-8", "replace")
    kind = headers.get(":message-type", "event")
    if kind == "exception":
        return SSEEvent(EXCEPTION_PREFIX + headers.get(":exception-type", "unknown"), data)
    if kind == "error":
        # Service errors outside the model's stream: code and message travel in headers.
        code = headers.get(":error-code", "InternalServerException")
        return SSEEvent(EXCEPTION_PREFIX + code, headers.get(":error-message", "") or data)
    return SSEEvent(headers.get(":event-type", ""), data)
