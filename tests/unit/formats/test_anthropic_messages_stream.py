import json
from itertools import pairwise
from typing import Any

import anthropic
import httpx2
import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.anthropic_messages.encode import encode_response
from hyperinfer.formats.anthropic_messages.stream import KEEPALIVE, StreamEncoder
from hyperinfer.formats.view import View
from hyperinfer.ir import content as ir
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.events import (
    ArgumentsDelta,
    BlockStart,
    BlockStop,
    Event,
    Finish,
    MessageStart,
    SignatureDelta,
    TextDelta,
    ThinkingDelta,
    UsageUpdate,
)
from hyperinfer.ir.usage import Usage
from hypothesis import given, settings
from hypothesis import strategies as st

VIEW = View(response_id="msg_rid1", model="anthropic/claude-sonnet-4.5", created=0, cost=lambda u: 0.5)
FINAL_USAGE = Usage(input_tokens=12, cache_read_tokens=30, cache_write_tokens=4, output_tokens=57)

EVENTS: list[Event] = [
    MessageStart(id="up", model="up-model", usage=Usage(input_tokens=12, cache_read_tokens=30)),
    BlockStart(index=0, block=ir.ThinkingBlock(thinking="")),
    ThinkingDelta(index=0, thinking="Two tools "),
    ThinkingDelta(index=0, thinking="are needed."),
    SignatureDelta(index=0, signature="EqQBCkgI"),
    SignatureDelta(index=0, signature="ARABGAIi"),
    BlockStop(index=0),
    BlockStart(index=1, block=ir.TextBlock(text="")),
    TextDelta(index=1, text="Checking "),
    TextDelta(index=1, text="both."),
    BlockStop(index=1),
    BlockStart(index=2, block=ir.ToolUseBlock(id="toolu_a", name="weather", input={})),
    ArgumentsDelta(index=2, partial_json='{"city": '),
    ArgumentsDelta(index=2, partial_json='"Paris"}'),
    BlockStop(index=2),
    BlockStart(index=3, block=ir.ToolUseBlock(id="toolu_b", name="time", input={})),
    ArgumentsDelta(index=3, partial_json='{"tz": "CET"}'),
    BlockStop(index=3),
    UsageUpdate(usage=FINAL_USAGE),
    Finish(stop_reason="tool_use"),
]


def encode_all(events: list[Event]) -> list[bytes]:
    encoder = StreamEncoder(VIEW)
    return [frame for event in events for frame in encoder.encode(event)]


def parse(frames: list[bytes]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for raw in frames:
        head, data = raw.decode().removesuffix("\n\n").split("\n")
        out.append((head.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return out


def sdk_client(body: bytes) -> anthropic.Anthropic:
    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    http = httpx2.Client(transport=httpx2.MockTransport(answer))
    return anthropic.Anthropic(api_key="k", base_url="http://gateway.test", http_client=http, max_retries=0)


def stream_final(body: bytes) -> anthropic.types.Message:
    client = sdk_client(body)
    with client.messages.stream(
        model="anthropic/claude-sonnet-4.5", max_tokens=100, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        return stream.get_final_message()


def test_the_official_sdk_assembles_the_stream_into_the_full_message() -> None:
    frames = encode_all(EVENTS)
    # Keep-alives may fall between any two frames.
    body = KEEPALIVE + b"".join(frame + KEEPALIVE for frame in frames)
    message = stream_final(body)
    assert message.id == "msg_rid1" and message.model == "anthropic/claude-sonnet-4.5"
    assert message.stop_reason == "tool_use" and message.stop_sequence is None
    thinking, text, first, second = message.content
    assert thinking.type == "thinking"
    assert (thinking.thinking, thinking.signature) == ("Two tools are needed.", "EqQBCkgIARABGAIi")
    assert text.type == "text" and text.text == "Checking both."
    assert first.type == "tool_use" and (first.id, first.name, first.input) == (
        "toolu_a",
        "weather",
        {"city": "Paris"},
    )
    assert second.type == "tool_use" and (second.id, second.input) == ("toolu_b", {"tz": "CET"})
    usage = message.usage
    assert (usage.input_tokens, usage.output_tokens) == (12, 57)
    assert (usage.cache_read_input_tokens, usage.cache_creation_input_tokens) == (30, 4)


def test_streaming_and_non_streaming_answers_agree() -> None:
    accumulator = Accumulator()
    for event in EVENTS:
        accumulator.add(event)
    whole = encode_response(accumulator.response(), VIEW)
    streamed = stream_final(b"".join(encode_all(EVENTS))).to_dict()
    assert streamed["content"] == whole["content"]
    assert streamed["stop_reason"] == whole["stop_reason"]
    usage = streamed["usage"]
    assert isinstance(usage, dict)
    assert {k: usage[k] for k in ("input_tokens", "output_tokens", "cache_read_input_tokens")} == {
        k: whole["usage"][k] for k in ("input_tokens", "output_tokens", "cache_read_input_tokens")
    }


def test_message_start_carries_usage_and_is_followed_by_a_ping() -> None:
    (name, start), (ping_name, ping) = parse(encode_all(EVENTS[:1]))
    assert name == "message_start" and ping_name == "ping" and ping == {"type": "ping"}
    assert start["message"] == {
        "id": "msg_rid1",
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": "anthropic/claude-sonnet-4.5",
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 12,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 30,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            "output_tokens": 0,
        },
    }


def test_every_frame_names_its_event_after_its_type() -> None:
    for name, data in parse(encode_all(EVENTS)):
        assert name == data["type"]


def test_blocks_start_empty_and_the_signature_goes_out_whole_just_before_the_stop() -> None:
    frames = parse(encode_all(EVENTS))
    starts = [data["content_block"] for name, data in frames if name == "content_block_start"]
    assert starts == [
        {"type": "thinking", "thinking": "", "signature": ""},
        {"type": "text", "text": ""},
        {"type": "tool_use", "id": "toolu_a", "name": "weather", "input": {}},
        {"type": "tool_use", "id": "toolu_b", "name": "time", "input": {}},
    ]
    block0 = [data for _, data in frames if data.get("index") == 0]
    assert [d["type"] for d in block0][-2:] == ["content_block_delta", "content_block_stop"]
    assert block0[-2]["delta"] == {"type": "signature_delta", "signature": "EqQBCkgIARABGAIi"}
    assert sum(1 for d in block0 if d.get("delta", {}).get("type") == "signature_delta") == 1


def test_message_delta_carries_the_final_usage_with_cost_then_message_stop() -> None:
    (delta_name, delta), (stop_name, stop) = parse(encode_all(EVENTS))[-2:]
    assert delta_name == "message_delta" and stop == {"type": "message_stop"} and stop_name == "message_stop"
    assert delta == {
        "type": "message_delta",
        "delta": {"stop_reason": "tool_use", "stop_sequence": None},
        "usage": {
            "input_tokens": 12,
            "cache_creation_input_tokens": 4,
            "cache_read_input_tokens": 30,
            "output_tokens": 57,
            "cost": 0.5,
        },
    }


def test_content_filter_finishes_as_refusal_with_the_stop_sequence_when_there_is_one() -> None:
    encoder = StreamEncoder(VIEW)
    encoder.encode(MessageStart(id="u", model="m"))
    (_, delta), _ = parse(encoder.encode(Finish(stop_reason="content_filter")))
    assert delta["delta"]["stop_reason"] == "refusal"
    (_, matched), _ = parse(
        StreamEncoder(VIEW).encode(Finish(stop_reason="stop_sequence", stop_sequence="END"))
    )
    assert matched["delta"] == {"stop_reason": "stop_sequence", "stop_sequence": "END"}


def test_content_a_block_starts_with_is_sent_as_deltas() -> None:
    events: list[Event] = [
        MessageStart(id="u", model="m"),
        BlockStart(
            index=0,
            block=ir.TextBlock(text="whole", citations=({"type": "char_location", "cited_text": "w"},)),
        ),
        BlockStop(index=0),
        BlockStart(index=1, block=ir.ToolUseBlock(id="t", name="f", input={"a": 1})),
        BlockStop(index=1),
        BlockStart(index=2, block=ir.RedactedThinkingBlock(data="EmwK")),
        BlockStop(index=2),
        BlockStart(index=3, block=ir.ThinkingBlock(thinking="done", encrypted="gAAAA", item_id="rs_1")),
        BlockStop(index=3),
        Finish(stop_reason="tool_use"),
    ]
    message = stream_final(b"".join(encode_all(events)))
    text, tool, redacted, thinking = message.content
    assert text.type == "text" and text.text == "whole" and text.citations is not None
    assert tool.type == "tool_use" and tool.input == {"a": 1}
    assert redacted.type == "redacted_thinking" and redacted.data == "EmwK"
    assert thinking.type == "thinking" and thinking.thinking == "done" and thinking.signature.startswith("~")


def test_arguments_deltas_replace_the_input_a_tool_block_started_with() -> None:
    events: list[Event] = [
        MessageStart(id="u", model="m"),
        BlockStart(index=0, block=ir.ToolUseBlock(id="t", name="f", input={"stale": True})),
        ArgumentsDelta(index=0, partial_json='{"fresh": 1}'),
        BlockStop(index=0),
        Finish(stop_reason="tool_use"),
    ]
    tool = stream_final(b"".join(encode_all(events))).content[0]
    assert tool.type == "tool_use" and tool.input == {"fresh": 1}


def test_overlapping_blocks_break_the_ir_contract_and_raise() -> None:
    encoder = StreamEncoder(VIEW)
    encoder.encode(MessageStart(id="u", model="m"))
    encoder.encode(BlockStart(index=0, block=ir.TextBlock(text="")))
    with pytest.raises(ValueError, match="before block 0 stops"):
        encoder.encode(BlockStart(index=1, block=ir.TextBlock(text="")))
    with pytest.raises(ValueError, match="not the open block"):
        encoder.encode(TextDelta(index=1, text="x"))


def test_an_error_frame_uses_anthropics_envelope_and_the_sdk_raises_it() -> None:
    error = GatewayError(ErrorCode.PROVIDER_OVERLOADED, "Upstream overloaded.")
    frame = StreamEncoder(VIEW).error(error, "rid1")
    [(name, data)] = parse([frame])
    assert name == "error"
    assert data == {
        "type": "error",
        "error": {
            "type": "overloaded_error",
            "code": "provider_overloaded",
            "message": "Upstream overloaded.",
        },
        "request_id": "rid1",
    }
    head = encode_all(EVENTS[:3])
    with pytest.raises(anthropic.APIStatusError) as caught:
        stream_final(b"".join([*head, frame]))
    assert "provider_overloaded" in str(caught.value)


def test_keepalive_is_an_sse_comment() -> None:
    assert KEEPALIVE.startswith(b":") and KEEPALIVE.endswith(b"\n\n")


def test_a_blank_arguments_delta_keeps_the_input_the_block_started_with() -> None:
    events: list[Event] = [
        MessageStart(id="u", model="m"),
        BlockStart(index=0, block=ir.ToolUseBlock(id="t", name="f", input={"kept": True})),
        ArgumentsDelta(index=0, partial_json=""),
        BlockStop(index=0),
        Finish(stop_reason="tool_use"),
    ]
    tool = stream_final(b"".join(encode_all(events))).content[0]
    assert tool.type == "tool_use" and tool.input == {"kept": True}


def _split(value: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(value) + 1) for c in cuts} | {0, len(value)})
    return [value[a:b] for a, b in pairwise(points) if value[a:b]]


@st.composite
def ir_streams(draw: st.DrawFn) -> list[Event]:
    """Any well-formed IR stream: text, thinking, tool and redacted blocks with arbitrary splits."""
    events: list[Event] = [
        MessageStart(id="u", model="m", usage=Usage(input_tokens=draw(st.integers(0, 99))))
    ]
    cuts = st.lists(st.integers(0, 200), max_size=4)
    kinds = draw(st.lists(st.sampled_from(["text", "thinking", "tool", "redacted"]), max_size=5))
    for index, kind in enumerate(kinds):
        if kind == "text":
            body = draw(st.text(min_size=1, max_size=40))
            events.append(BlockStart(index=index, block=ir.TextBlock(text="")))
            events += [TextDelta(index=index, text=p) for p in _split(body, draw(cuts))]
        elif kind == "thinking":
            body, sig = draw(st.text(max_size=40)), draw(st.text("ABCDEFabc0123+/=", min_size=1, max_size=20))
            events.append(BlockStart(index=index, block=ir.ThinkingBlock(thinking="")))
            events += [ThinkingDelta(index=index, thinking=p) for p in _split(body, draw(cuts))]
            events += [SignatureDelta(index=index, signature=p) for p in _split(sig, draw(cuts))]
        elif kind == "tool":
            args = draw(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=8), max_size=3))
            events.append(BlockStart(index=index, block=ir.ToolUseBlock(id=f"t{index}", name="f", input={})))
            text = json.dumps(args, ensure_ascii=draw(st.booleans()))
            events += [ArgumentsDelta(index=index, partial_json=p) for p in _split(text, draw(cuts))]
        else:
            events.append(BlockStart(index=index, block=ir.RedactedThinkingBlock(data="EmwK")))
        events.append(BlockStop(index=index))
    events.append(UsageUpdate(usage=Usage(input_tokens=7, output_tokens=draw(st.integers(0, 999)))))
    events.append(
        Finish(stop_reason=draw(st.sampled_from(["end_turn", "tool_use", "max_tokens", "refusal"])))
    )
    return events


@settings(max_examples=60, deadline=None)
@given(ir_streams())
def test_any_ir_stream_reaches_the_sdk_as_the_message_the_buffered_encoding_gives(
    events: list[Event],
) -> None:
    accumulator = Accumulator()
    for event in events:
        accumulator.add(event)
    whole = encode_response(accumulator.response(), VIEW)
    streamed = stream_final(b"".join(encode_all(events))).to_dict()
    assert streamed["content"] == whole["content"]
    assert streamed["stop_reason"] == whole["stop_reason"]
    usage = streamed["usage"]
    assert isinstance(usage, dict)
    assert (usage["input_tokens"], usage["output_tokens"]) == (
        whole["usage"]["input_tokens"],
        whole["usage"]["output_tokens"],
    )
