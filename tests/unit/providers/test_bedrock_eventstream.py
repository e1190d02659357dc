"""AWS event-stream framing: the reader against botocore's own parser, split anywhere, CRCs checked."""

from __future__ import annotations

import json
import random
import struct
import zlib

import pytest
from botocore.eventstream import EventStreamBuffer
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.local.fakes.bedrock import event, exception, frame
from hyperinfer.providers.bedrock import ADAPTER
from hyperinfer.providers.bedrock.eventstream import EXCEPTION_PREFIX, EventStreamFramer
from hyperinfer.providers.sse import SSEEvent

STREAM = [
    event("messageStart", {"role": "assistant"}),
    event("contentBlockDelta", {"delta": {"text": "Grüße 🚀"}, "contentBlockIndex": 0}),
    event("contentBlockStop", {"contentBlockIndex": 0}),
    event("messageStop", {"stopReason": "end_turn"}),
    event("metadata", {"usage": {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5}}),
]


def read_all(chunks: list[bytes]) -> list[SSEEvent]:
    framer = ADAPTER.framer()
    events = [e for chunk in chunks for e in framer.feed(chunk)]
    return events + framer.close()


def test_the_fakes_frames_are_what_botocore_reads() -> None:
    buffer = EventStreamBuffer()
    buffer.add_data(b"".join(STREAM))
    messages = list(buffer)
    assert [m.headers[":event-type"] for m in messages] == [
        "messageStart",
        "contentBlockDelta",
        "contentBlockStop",
        "messageStop",
        "metadata",
    ]
    assert json.loads(messages[1].payload)["delta"] == {"text": "Grüße 🚀"}
    assert all(m.headers[":message-type"] == "event" for m in messages)


def test_whole_messages_decode_to_named_events_with_their_json() -> None:
    events = read_all([b"".join(STREAM)])
    assert [e.event for e in events] == [
        "messageStart",
        "contentBlockDelta",
        "contentBlockStop",
        "messageStop",
        "metadata",
    ]
    assert json.loads(events[1].data)["delta"]["text"] == "Grüße 🚀"


def test_one_byte_at_a_time_and_random_splits_give_the_same_events() -> None:
    data = b"".join(STREAM)
    whole = read_all([data])
    assert read_all([data[i : i + 1] for i in range(len(data))]) == whole
    rng = random.Random(14)
    for _ in range(50):
        cuts = sorted(rng.sample(range(1, len(data)), 12))
        pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
        assert read_all(pieces) == whole


def test_an_exception_message_is_named_by_its_exception_type() -> None:
    (only,) = read_all([exception("throttlingException", "Too many tokens, please wait.")])
    assert only.event == EXCEPTION_PREFIX + "throttlingException"
    assert json.loads(only.data) == {"message": "Too many tokens, please wait."}


def test_an_event_type_cannot_pass_for_an_exception() -> None:
    (only,) = read_all([event("throttlingException", {"message": "not really"})])
    assert only.event == "throttlingException"


def test_header_values_of_every_width_are_skipped_to_the_next_header() -> None:
    def typed(name: str, kind: int, value: bytes) -> bytes:
        return bytes([len(name)]) + name.encode() + bytes([kind]) + value

    headers = (
        typed("flag", 0, b"")
        + typed("n", 4, struct.pack("!i", 7))
        + typed(":date", 8, struct.pack("!q", 1_700_000_000_000))
        + typed("id", 9, bytes(16))
        + typed("raw", 6, struct.pack("!H", 3) + b"abc")
        + typed(":event-type", 7, struct.pack("!H", 8) + b"metadata")
    )
    payload = b'{"usage":{}}'
    total = 12 + len(headers) + len(payload) + 4
    prelude = struct.pack("!II", total, len(headers))
    message = prelude + struct.pack("!I", zlib.crc32(prelude)) + headers + payload
    message += struct.pack("!I", zlib.crc32(message))
    (only,) = read_all([message])
    assert only == SSEEvent("metadata", '{"usage":{}}')


@pytest.mark.parametrize("where", ["prelude", "message"])
def test_a_checksum_mismatch_is_a_broken_upstream(where: str) -> None:
    data = bytearray(event("contentBlockDelta", {"delta": {"text": "hi"}, "contentBlockIndex": 0}))
    data[8 if where == "prelude" else 20] ^= 0x01
    with pytest.raises(GatewayError) as caught:
        read_all([bytes(data)])
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert f"{where} checksum mismatch" in caught.value.message


def test_a_stream_cut_inside_a_message_is_broken_not_finished() -> None:
    data = b"".join(STREAM)
    framer = EventStreamFramer()
    assert len(framer.feed(data[:-5])) == 4
    with pytest.raises(GatewayError, match="ended inside a message"):
        framer.close()


def test_an_impossible_length_is_refused_before_buffering_it() -> None:
    prelude = struct.pack("!II", 2**31, 0)
    with pytest.raises(GatewayError, match="impossible message length"):
        EventStreamFramer().feed(prelude + struct.pack("!I", zlib.crc32(prelude)))


def test_frame_is_the_format_botocore_checks() -> None:
    raw = frame({":message-type": "event", ":event-type": "x"}, b"{}")
    buffer = EventStreamBuffer()
    buffer.add_data(raw)
    (message,) = list(buffer)
    assert message.payload == b"{}"
