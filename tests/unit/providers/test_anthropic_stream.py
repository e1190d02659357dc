# ruff: noqa: E501  (Anthropic's documented frames are kept on one line each, as sent)
"""Anthropic event streams into IR events, fed through the SSE decoder one byte at a time.

The streams are Anthropic's documented examples (docs.anthropic.com, "Streaming Messages" and
"Extended thinking"), each folded and compared with the non-streamed response it stands for.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.events import (
    ArgumentsDelta,
    BlockStart,
    BlockStop,
    Event,
    Finish,
    MessageStart,
    SignatureDelta,
    TextDelta,
    UsageUpdate,
)
from hyperinfer.ir.response import Response
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.anthropic.decode import decode_response
from hyperinfer.providers.anthropic.hints import DecodeHints
from hyperinfer.providers.anthropic.stream import StreamDecoder
from hyperinfer.providers.sse import SSEDecoder, SSEEvent

from tests.unit.providers.streaming import accumulate, decode_in_reads

TEXT_STREAM = """event: message_start
data: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant", "content": [], "model": "claude-opus-4-6", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "output_tokens": 1}}}

event: content_block_start
data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}

event: content_block_delta
data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "! Grüße 🚀"}}

event: content_block_stop
data: {"type": "content_block_stop", "index": 0}

event: message_delta
data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 15}}

event: message_stop
data: {"type": "message_stop"}

"""
TEXT_MESSAGE: dict[str, Any] = {
    "id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
    "type": "message",
    "role": "assistant",
    "model": "claude-opus-4-6",
    "content": [{"type": "text", "text": "Hello! Grüße 🚀"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 25, "output_tokens": 15},
}

# Extended thinking, then a tool call (the documented tool-use stream, after a thinking block).
THINKING_TOOL_STREAM = """event: message_start
data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-opus-4-6","stop_sequence":null,"usage":{"input_tokens":472,"cache_read_input_tokens":2048,"cache_creation_input_tokens":0,"output_tokens":2},"content":[],"stop_reason":null}}

event: content_block_start
data: {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}

event: content_block_delta
data: {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "The user wants the weather;\\n\\n"}}

event: content_block_delta
data: {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "I should call get_weather."}}

event: content_block_delta
data: {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}}

event: content_block_stop
data: {"type": "content_block_stop", "index": 0}

event: content_block_start
data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Okay, let me check."}}

event: content_block_stop
data: {"type":"content_block_stop","index":1}

event: content_block_start
data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}

event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":" \\"San Francisco, CA\\"}"}}

event: content_block_stop
data: {"type":"content_block_stop","index":2}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

event: message_stop
data: {"type":"message_stop"}

"""
THINKING_TOOL_MESSAGE: dict[str, Any] = {
    "id": "msg_014p7gG3wDgGV9EUtLvnow3U",
    "type": "message",
    "role": "assistant",
    "model": "claude-opus-4-6",
    "content": [
        {
            "type": "thinking",
            "thinking": "The user wants the weather;\n\nI should call get_weather.",
            "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
        },
        {"type": "text", "text": "Okay, let me check."},
        {
            "type": "tool_use",
            "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
            "name": "get_weather",
            "input": {"location": "San Francisco, CA"},
        },
    ],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {
        "input_tokens": 472,
        "cache_read_input_tokens": 2048,
        "cache_creation_input_tokens": 0,
        "output_tokens": 89,
    },
}


def frame(event: str, payload: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"


def start(usage: dict[str, Any] | None = None) -> str:
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-x",
        "content": [],
    }
    message |= {
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": 1} if usage is None else usage,
    }
    return frame("message_start", {"type": "message_start", "message": message})


def block(index: int, content_block: dict[str, Any], *deltas: dict[str, Any]) -> str:
    out = frame(
        "content_block_start", {"type": "content_block_start", "index": index, "content_block": content_block}
    )
    for delta in deltas:
        out += frame("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
    return out + frame("content_block_stop", {"type": "content_block_stop", "index": index})


def finish(
    stop: str = "end_turn", usage: dict[str, Any] | None = None, stop_sequence: str | None = None
) -> str:
    delta = {"stop_reason": stop, "stop_sequence": stop_sequence}
    payload = {"type": "message_delta", "delta": delta, "usage": usage or {"output_tokens": 9}}
    return frame("message_delta", payload) + frame("message_stop", {"type": "message_stop"})


def decode_sse(raw: bytes, hints: DecodeHints | None = None, *, step: int = 1) -> list[Event]:
    """Bytes cut into ``step``-byte reads -> SSE events -> IR events, closing like the gateway does."""
    return decode_in_reads(SSEDecoder(), StreamDecoder(hints), raw, step)


def fold(events: list[Event]) -> Response:
    return accumulate(events).response()


def assert_invariants(events: list[Event]) -> None:
    """ir/events.py: one MessageStart first, blocks never overlap, indexes 0.. in order, Finish last."""
    assert isinstance(events[0], MessageStart)
    assert not any(isinstance(event, MessageStart) for event in events[1:])
    assert isinstance(events[-1], Finish) and not any(isinstance(event, Finish) for event in events[:-1])
    open_index: int | None = None
    next_index = 0
    for event in events[1:-1]:
        if isinstance(event, BlockStart):
            assert open_index is None and event.index == next_index
            open_index, next_index = event.index, next_index + 1
        elif isinstance(event, BlockStop):
            assert event.index == open_index
            open_index = None
        elif not isinstance(event, UsageUpdate):
            assert getattr(event, "index", None) == open_index
    assert open_index is None


def test_the_documented_text_stream_byte_by_byte_folds_into_the_non_streamed_response() -> None:
    events = decode_sse(TEXT_STREAM.encode())
    assert_invariants(events)
    assert events[0] == MessageStart(
        id="msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
        model="claude-opus-4-6",
        usage=Usage(input_tokens=25, output_tokens=1),
    )
    assert [event.text for event in events if isinstance(event, TextDelta)] == ["Hello", "! Grüße 🚀"]
    assert events[-2:] == [
        UsageUpdate(usage=Usage(input_tokens=25, output_tokens=15)),
        Finish(stop_reason="end_turn"),
    ]
    assert fold(events) == decode_response(TEXT_MESSAGE)


def test_thinking_with_signature_text_and_a_tool_call_fold_into_the_non_streamed_response() -> None:
    events = decode_sse(THINKING_TOOL_STREAM.encode())
    assert_invariants(events)
    starts = [event.block for event in events if isinstance(event, BlockStart)]
    assert starts == [
        ThinkingBlock(thinking=""),
        TextBlock(text=""),
        ToolUseBlock(id="toolu_01T1x1fJ34qAmk2tNTrN7Up6", name="get_weather", input={}),
    ]
    assert [event for event in events if isinstance(event, SignatureDelta)] == [
        SignatureDelta(index=0, signature="EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds")
    ]
    # The empty first input_json_delta carries nothing and is not passed on.
    assert [event.partial_json for event in events if isinstance(event, ArgumentsDelta)] == [
        '{"location":',
        ' "San Francisco, CA"}',
    ]
    folded = fold(events)
    assert folded == decode_response(THINKING_TOOL_MESSAGE)
    assert folded.stop_reason == "tool_use"
    assert folded.usage == Usage(
        input_tokens=472, cache_read_tokens=2048, output_tokens=89, cache_writes_reported=True
    )


@pytest.mark.parametrize("step", [1, 3, 7, 64, 100_000])
def test_any_cut_of_the_bytes_gives_the_same_events(step: int) -> None:
    assert decode_sse(THINKING_TOOL_STREAM.encode(), step=step) == decode_sse(THINKING_TOOL_STREAM.encode())


def test_a_thinking_stream_without_usage_still_finishes_with_zero_usage() -> None:
    raw = start({}) + block(
        0, {"type": "thinking", "thinking": ""}, {"type": "thinking_delta", "thinking": "hm"}
    )
    raw += frame("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}})
    raw += frame("message_stop", {"type": "message_stop"})
    events = decode_sse(raw.encode())
    assert_invariants(events)
    assert fold(events).content == (ThinkingBlock(thinking="hm"),)
    assert fold(events).usage == Usage()


def test_message_delta_usage_replaces_start_usage_and_keeps_the_one_hour_cache_split() -> None:
    opening = {
        "input_tokens": 10,
        "cache_creation_input_tokens": 900,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 300, "ephemeral_1h_input_tokens": 600},
        "output_tokens": 1,
    }
    closing = {
        "input_tokens": 10,
        "cache_creation_input_tokens": 900,
        "cache_read_input_tokens": 0,
        "output_tokens": 42,
    }
    raw = start(opening) + block(0, {"type": "text", "text": ""}, {"type": "text_delta", "text": "hi"})
    events = decode_sse((raw + finish(usage=closing)).encode())
    assert isinstance(events[0], MessageStart) and events[0].usage.cache_write_1h_tokens == 600
    assert events[-2] == UsageUpdate(
        usage=Usage(
            input_tokens=10,
            cache_write_tokens=300,
            cache_write_1h_tokens=600,
            output_tokens=42,
            cache_writes_reported=True,
        )
    )


def test_a_stop_sequence_finishes_with_the_sequence() -> None:
    raw = start() + block(0, {"type": "text", "text": ""}, {"type": "text_delta", "text": "a"})
    events = decode_sse((raw + finish("stop_sequence", stop_sequence="END")).encode())
    assert events[-1] == Finish(stop_reason="stop_sequence", stop_sequence="END")


@pytest.mark.parametrize(
    ("anthropic", "ir"),
    [("pause_turn", "end_turn"), ("model_context_window_exceeded", "max_tokens"), ("refusal", "refusal")],
)
def test_stream_stop_reasons(anthropic: str, ir: str) -> None:
    events = decode_sse((start() + finish(anthropic)).encode())
    assert events[-1] == Finish.model_validate({"stop_reason": ir})


def test_the_structured_output_tool_streams_as_text_and_ends_the_turn() -> None:
    tool = {"type": "tool_use", "id": "toolu_1", "name": "answer", "input": {}}
    pieces = ["", '{"answer": ', '"pong"}']
    raw = (
        start()
        + block(0, tool, *({"type": "input_json_delta", "partial_json": p} for p in pieces))
        + finish("tool_use")
    )
    hints = DecodeHints(structured_tool="answer")
    events = decode_sse(raw.encode(), hints)
    assert_invariants(events)
    assert events[1] == BlockStart(index=0, block=TextBlock(text=""))
    assert [event for event in events if isinstance(event, TextDelta)] == [
        TextDelta(index=0, text='{"answer": '),
        TextDelta(index=0, text='"pong"}'),
    ]
    message: dict[str, Any] = {
        "id": "msg_1",
        "model": "claude-x",
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 3, "output_tokens": 9},
    }
    message["content"] = [{**tool, "input": {"answer": "pong"}}]
    assert fold(events) == decode_response(message, hints)
    assert fold(events).stop_reason == "end_turn"


def test_blocks_the_ir_has_no_place_for_are_skipped_and_indexes_stay_dense() -> None:
    server = {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}}
    raw = start() + block(0, server, {"type": "input_json_delta", "partial_json": '{"q": 1}'})
    cite = {"type": "citations_delta", "citation": {"type": "web_search_result_location", "url": "https://x"}}
    raw += block(1, {"type": "text", "text": ""}, {"type": "text_delta", "text": "Found."}, cite)
    events = decode_sse((raw + finish()).encode())
    assert_invariants(events)
    assert events[1:4] == [
        BlockStart(index=0, block=TextBlock(text="")),
        TextDelta(index=0, text="Found."),
        BlockStop(index=0),
    ]


def test_an_error_event_raises_the_mapped_gateway_error() -> None:
    raw = start() + frame(
        "error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    )
    with pytest.raises(GatewayError) as caught:
        decode_sse(raw.encode())
    assert caught.value.code is ErrorCode.PROVIDER_OVERLOADED
    assert "Overloaded" in caught.value.message


@pytest.mark.parametrize(
    "raw",
    [
        start() + block(0, {"type": "text", "text": ""}, {"type": "text_delta", "text": "cut"}),
        # message_delta arrived, message_stop did not: not finished either.
        start() + finish().rsplit("event: message_stop", 1)[0],
        "",
    ],
)
def test_a_stream_that_ends_before_message_stop_raises_provider_unavailable(raw: str) -> None:
    with pytest.raises(GatewayError) as caught:
        decode_sse(raw.encode())
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert "ended before the message finished" in caught.value.message


def test_content_before_message_start_or_an_unreadable_event_raises() -> None:
    decoder = StreamDecoder()
    assert decoder.feed(SSEEvent("ping", '{"type": "ping"}')) == []
    with pytest.raises(GatewayError):
        decoder.feed(SSEEvent("content_block_stop", '{"type": "content_block_stop", "index": 0}'))
    with pytest.raises(GatewayError) as caught:
        StreamDecoder().feed(SSEEvent("message_start", "{not json"))
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE


def test_events_after_message_stop_are_ignored() -> None:
    decoder = StreamDecoder()
    for event in SSEDecoder().feed((start() + finish()).encode()):
        decoder.feed(event)
    assert decoder.feed(SSEEvent("ping", '{"type": "ping"}')) == []
    assert decoder.close() == []
