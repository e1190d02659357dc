"""Chat chunks -> IR events, from the fake provider's exact wire bytes split one byte at a time."""

from __future__ import annotations

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.content import TextBlock, ToolUseBlock
from hyperinfer.ir.events import BlockStart, BlockStop, Event, Finish, MessageStart
from hyperinfer.local.fakes.openai_chat import Answer
from hyperinfer.local.fakes.server import TOOL_ARGUMENTS
from hyperinfer.providers.openai_chat.decode import decode_response
from hyperinfer.providers.openai_chat.stream import StreamDecoder
from hyperinfer.providers.sse import SSEDecoder

from tests.unit.providers.streaming import accumulate, decode_in_reads

TOOLS = [{"type": "function", "function": {"name": "get_weather"}}]


def body(stream: bool) -> dict[str, object]:
    return {
        "model": "gpt-4.1",
        "messages": [{"role": "user", "content": "hi"}],
        "tools": TOOLS,
        "stream": stream,
        "stream_options": {"include_usage": True},
    }


def decode_stream(raw: bytes) -> list[Event]:
    return decode_in_reads(SSEDecoder(), StreamDecoder(), raw)


def fold(events: list[Event]) -> Accumulator:
    return accumulate(events)


@pytest.mark.parametrize(
    "opts", [{}, {"tools": "2"}, {"think": "1", "cached": "30"}, {"max_tokens": "1"}, {"refusal": "1"}]
)
def test_stream_folds_to_the_same_answer_as_the_completion(opts: dict[str, str]) -> None:
    events = decode_stream(b"".join(Answer(body(True), opts).frames()))
    streamed = fold(events).response()
    whole = decode_response(Answer(body(False), opts).completion())
    assert streamed.content == whole.content
    assert streamed.stop_reason == whole.stop_reason
    assert streamed.usage == whole.usage


def test_two_tool_calls_are_two_blocks_that_never_overlap() -> None:
    events = decode_stream(b"".join(Answer(body(True), {"tools": "2"}).frames()))
    assert isinstance(events[0], MessageStart) and isinstance(events[-1], Finish)
    open_blocks: set[int] = set()
    starts = []
    for event in events:
        if isinstance(event, BlockStart):
            assert not open_blocks, "a block started before the previous one stopped"
            open_blocks.add(event.index)
            starts.append(event)
        elif isinstance(event, BlockStop):
            open_blocks.remove(event.index)
    assert [s.index for s in starts] == [0, 1]
    calls = [b for b in fold(events).content() if isinstance(b, ToolUseBlock)]
    assert [(c.id, c.input) for c in calls] == [
        ("call_0abc", TOOL_ARGUMENTS[0]),
        ("call_1abc", TOOL_ARGUMENTS[1]),
    ]


def test_text_survives_multibyte_splits() -> None:
    events = decode_stream(b"".join(Answer(body(True), {}).frames()))
    [text] = [b for b in fold(events).content() if isinstance(b, TextBlock)]
    assert text.text == "Héllo wörld ✓ 🚀 from the fake upstream"


def test_an_error_chunk_raises_the_mapped_error() -> None:
    with pytest.raises(GatewayError) as caught:
        decode_stream(
            b"".join(Answer(body(True), {"midstream_error": "1"}).frames()[:3])
            + b'data: {"error": {"message": "slow down", "type": "rate_limit_exceeded"}}\n\n'
        )
    assert caught.value.code is ErrorCode.PROVIDER_RATE_LIMIT


def test_a_stream_cut_before_the_finish_is_a_failure() -> None:
    with pytest.raises(GatewayError) as caught:
        decode_stream(b"".join(Answer(body(True), {"drop": "1"}).frames()))
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
