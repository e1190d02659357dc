"""openai_compatible answers -> IR, from the fake's exact wire bytes (DeepSeek's and Groq's
shapes): the stream fed one byte at a time folds to the non-streamed answer, reasoning is read from
the configured field only, and cached tokens from the configured usage field."""

from __future__ import annotations

from typing import Any

import pytest
from hyperinfer.catalog import CompatOptions
from hyperinfer.errors import GatewayError
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.content import ThinkingBlock
from hyperinfer.ir.events import Event
from hyperinfer.ir.usage import Usage
from hyperinfer.local.fakes.openai_compatible import CompatAnswer
from hyperinfer.local.fakes.server import THINKING
from hyperinfer.providers.openai_compatible import ADAPTER
from hyperinfer.providers.sse import SSEDecoder

from tests.unit.providers.streaming import accumulate, decode_in_reads

DEEPSEEK = CompatOptions(cached_tokens_field="prompt_cache_hit_tokens")
GROQ = CompatOptions(reasoning_field="reasoning")
FLAVOURS = {"deepseek": DEEPSEEK, "groq": GROQ}
TOOLS = [{"type": "function", "function": {"name": "get_weather"}}]


def body(stream: bool) -> dict[str, Any]:
    return {
        "model": "deepseek-v4-flash",
        "messages": [{"role": "user", "content": "hi"}],
        "tools": TOOLS,
        "stream": stream,
        "stream_options": {"include_usage": True},
    }


def decode_stream(raw: bytes, options: CompatOptions) -> list[Event]:
    return decode_in_reads(ADAPTER.framer(), ADAPTER.stream_decoder(options, ()), raw)


def fold(events: list[Event]) -> Accumulator:
    return accumulate(events)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    "opts",
    [{}, {"tools": "2"}, {"think": "1", "cached": "30"}, {"think": "1", "tools": "1"}, {"max_tokens": "1"}],
)
def test_stream_folds_to_the_same_answer_as_the_completion(flavour: str, opts: dict[str, str]) -> None:
    options = FLAVOURS[flavour]
    events = decode_stream(b"".join(CompatAnswer(body(True), opts, flavour).frames()), options)
    streamed = fold(events).response()
    whole = ADAPTER.decode_response(CompatAnswer(body(False), opts, flavour).completion(), options)
    assert streamed.content == whole.content
    assert streamed.stop_reason == whole.stop_reason
    assert streamed.usage == whole.usage
    if "think" in opts:
        assert whole.content[0] == ThinkingBlock(thinking=THINKING)


def test_deepseek_cache_hits_are_cached_prompt_tokens() -> None:
    wire = CompatAnswer(body(False), {"cached": "30", "think": "1"}, "deepseek").completion()
    usage = wire["usage"]
    assert "prompt_tokens_details" not in usage  # DeepSeek's own shape, not OpenAI's
    answer = ADAPTER.decode_response(wire, DEEPSEEK)
    assert answer.usage == Usage(
        input_tokens=usage["prompt_cache_miss_tokens"],
        cache_read_tokens=30,
        output_tokens=usage["completion_tokens"],
        reasoning_tokens=12,
    )
    # Read with OpenAI's field instead, the same answer would bill every prompt token as uncached.
    assert ADAPTER.decode_response(wire, CompatOptions()).usage.cache_read_tokens == 0


def test_reasoning_is_read_from_the_configured_field_only() -> None:
    wire = CompatAnswer(body(False), {"think": "1"}, "deepseek").completion()
    message = wire["choices"][0]["message"]
    message["reasoning"] = "an echo under the other name"
    [thinking] = [b for b in ADAPTER.decode_response(wire, DEEPSEEK).content if isinstance(b, ThinkingBlock)]
    assert thinking.thinking == THINKING
    silent = CompatOptions(reasoning_field=None)
    assert not [b for b in ADAPTER.decode_response(wire, silent).content if isinstance(b, ThinkingBlock)]


def test_deepseek_usage_rides_on_the_finishing_chunk() -> None:
    frames = CompatAnswer(body(True), {"cached": "5"}, "deepseek").frames()
    finishing = next(f for f in frames if b'"finish_reason": "stop"' in f)
    assert b"prompt_cache_hit_tokens" in finishing
    usage = fold(decode_stream(b"".join(frames), DEEPSEEK)).response().usage
    assert usage.cache_read_tokens == 5


def test_a_stream_cut_before_finishing_is_an_error() -> None:
    frames = CompatAnswer(body(True), {"drop": "1"}, "deepseek").frames()
    with pytest.raises(GatewayError):
        decode_stream(b"".join(frames), DEEPSEEK)


def test_framer_is_sse() -> None:
    assert isinstance(ADAPTER.framer(), SSEDecoder)
