"""ConverseStream events into IR events: block opening, renumbering, exceptions and early ends."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.content import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.events import BlockStart, Event, MessageStart
from hyperinfer.providers.bedrock import ADAPTER
from hyperinfer.providers.bedrock.eventstream import EXCEPTION_PREFIX
from hyperinfer.providers.bedrock.hints import DecodeHints
from hyperinfer.providers.sse import SSEEvent

SECRET = "aws-secret-in-a-message-0123456789"


def ev(name: str, **payload: Any) -> SSEEvent:
    return SSEEvent(name, json.dumps({**payload, "p": "abcd"}))


def delta(index: int, **fields: Any) -> SSEEvent:
    return ev("contentBlockDelta", contentBlockIndex=index, delta=fields)


def end(stop: str = "end_turn", **usage: int) -> list[SSEEvent]:
    return [
        ev("messageStop", stopReason=stop),
        ev("metadata", usage={"inputTokens": 5, "outputTokens": 7, "totalTokens": 12, **usage}, metrics={}),
    ]


def fold(events: list[SSEEvent], hints: DecodeHints | None = None) -> tuple[list[Event], Accumulator]:
    decoder = ADAPTER.stream_decoder(hints, (SECRET,))
    out = [ir for e in events for ir in decoder.feed(e)] + decoder.close()
    acc = Accumulator()
    for ir in out:
        acc.add(ir)
    return out, acc


def test_reasoning_text_and_a_tool_call_renumbered_in_output_order() -> None:
    events = [
        ev("messageStart", role="assistant"),
        delta(0, reasoningContent={"text": "Hmm, "}),
        delta(0, reasoningContent={"text": "weather."}),
        delta(0, reasoningContent={"signature": "EqQB+/sig=="}),
        ev("contentBlockStop", contentBlockIndex=0),
        delta(1, reasoningContent={"redactedContent": "EmwKAhgB"}),
        ev("contentBlockStop", contentBlockIndex=1),
        delta(2, text="Checking"),
        delta(2, text=" now."),
        ev("contentBlockStop", contentBlockIndex=2),
        ev(
            "contentBlockStart",
            contentBlockIndex=3,
            start={"toolUse": {"toolUseId": "t1", "name": "get_weather"}},
        ),
        delta(3, toolUse={"input": '{"city": '}),
        delta(3, toolUse={"input": '"Paris"}'}),
        ev("contentBlockStop", contentBlockIndex=3),
        *end("tool_use", cacheReadInputTokens=100),
    ]
    out, acc = fold(events)
    assert isinstance(out[0], MessageStart)
    assert [e.index for e in out if isinstance(e, BlockStart)] == [0, 1, 2, 3]
    response = acc.response()
    assert response.content == (
        ThinkingBlock(thinking="Hmm, weather.", signature="EqQB+/sig=="),
        RedactedThinkingBlock(data="EmwKAhgB"),
        TextBlock(text="Checking now."),
        ToolUseBlock(id="t1", name="get_weather", input={"city": "Paris"}),
    )
    assert response.stop_reason == "tool_use"
    assert (response.usage.input_tokens, response.usage.cache_read_tokens) == (5, 100)


def test_the_structured_output_tool_streams_as_text() -> None:
    events = [
        ev("messageStart", role="assistant"),
        ev("contentBlockStart", contentBlockIndex=0, start={"toolUse": {"toolUseId": "t", "name": "answer"}}),
        delta(0, toolUse={"input": '{"a": 1}'}),
        ev("contentBlockStop", contentBlockIndex=0),
        *end("tool_use"),
    ]
    _, acc = fold(events, DecodeHints(structured_tool="answer"))
    assert acc.response().content == (TextBlock(text='{"a": 1}'),)
    assert acc.response().stop_reason == "end_turn"


@pytest.mark.parametrize(
    ("name", "payload", "code"),
    [
        ("throttlingException", {"message": "Too many tokens"}, ErrorCode.PROVIDER_RATE_LIMIT),
        (
            "modelStreamErrorException",
            {"message": "x", "originalStatusCode": 429},
            ErrorCode.PROVIDER_RATE_LIMIT,
        ),
        ("modelStreamErrorException", {"message": "boom"}, ErrorCode.PROVIDER_UNAVAILABLE),
        (
            "validationException",
            {"message": "Input is too long for requested model."},
            ErrorCode.CONTEXT_LENGTH_EXCEEDED,
        ),
        ("serviceUnavailableException", {"message": "try later"}, ErrorCode.PROVIDER_UNAVAILABLE),
    ],
)
def test_an_exception_mid_stream_raises_its_code(name: str, payload: dict[str, Any], code: ErrorCode) -> None:
    events = [
        ev("messageStart", role="assistant"),
        delta(0, text="Hi"),
        SSEEvent(EXCEPTION_PREFIX + name, json.dumps(payload)),
    ]
    with pytest.raises(GatewayError) as caught:
        fold(events)
    assert caught.value.code is code
    assert "mid-stream" in caught.value.message


def test_secrets_in_an_exception_are_scrubbed() -> None:
    events = [
        ev("messageStart", role="assistant"),
        SSEEvent(EXCEPTION_PREFIX + "internalServerException", json.dumps({"message": f"bad {SECRET}"})),
    ]
    with pytest.raises(GatewayError) as caught:
        fold(events)
    assert SECRET not in caught.value.message


@pytest.mark.parametrize(
    ("events", "why"),
    [
        ([delta(0, text="Hi")], "before messageStart"),
        ([ev("messageStart", role="assistant"), delta(0, text="Hi")], "ended before"),
        ([ev("messageStart", role="assistant"), ev("messageStop", stopReason="end_turn")], "ended before"),
        ([ev("messageStart", role="assistant"), ev("metadata", usage={})], "before messageStop"),
        ([ev("messageStart", role="assistant"), SSEEvent("contentBlockDelta", "{not json")], "unreadable"),
    ],
)
def test_broken_streams_are_unavailable_not_finished(events: list[SSEEvent], why: str) -> None:
    with pytest.raises(GatewayError, match=why) as caught:
        fold(events)
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
