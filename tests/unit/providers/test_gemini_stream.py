"""Gemini SSE streams into IR events, fed one byte at a time: the fold equals the whole answer."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.events import BlockStart, Event, MessageStart, TextDelta
from hyperinfer.ir.response import Response
from hyperinfer.providers.gemini import ADAPTER
from hyperinfer.providers.sse import SSEEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.providers.gemini_cases import KEY, answer
from tests.unit.providers.streaming import accumulate, decode_in_reads

FINAL_USAGE = {
    "promptTokenCount": 30,
    "cachedContentTokenCount": 10,
    "candidatesTokenCount": 9,
    "thoughtsTokenCount": 12,
    "totalTokenCount": 51,
}


def chunk(
    *parts: dict[str, Any], finish: str | None = None, usage: dict[str, Any] | None = None
) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    return {
        "candidates": [candidate],
        "usageMetadata": usage or {"promptTokenCount": 30, "totalTokenCount": 30},
        "modelVersion": "gemini-3-pro-preview",
        "responseId": "resp-1",
    }


def wire(*chunks: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(c, ensure_ascii=False).encode() + b"\r\n\r\n" for c in chunks)


def events_byte_by_byte(raw: bytes) -> list[Event]:
    return decode_in_reads(ADAPTER.framer(), ADAPTER.stream_decoder(None, (KEY,)), raw)


def fold(events: list[Event]) -> Response:
    return accumulate(events).response()


THOUGHT_THEN_TEXT = [
    chunk({"text": "Let me ", "thought": True}),
    chunk({"text": "think… ✓", "thought": True}),
    chunk({"text": "Héllo "}),
    chunk({"text": "wörld 🚀"}),
    chunk({"text": "", "thoughtSignature": "SIG-TEXT"}, finish="STOP", usage=FINAL_USAGE),
]
WHOLE_THOUGHT_THEN_TEXT = answer(
    {"text": "Let me think… ✓", "thought": True},
    {"text": "Héllo wörld 🚀", "thoughtSignature": "SIG-TEXT"},
    usage=FINAL_USAGE,
)
PARALLEL_CALLS = [
    chunk({"text": "Checking."}),
    chunk(
        {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "SIG-CALL"},
        {"functionCall": {"name": "get_weather", "args": {"city": "東京"}}},
    ),
    chunk(finish="STOP", usage=FINAL_USAGE),
]
WHOLE_PARALLEL_CALLS = answer(
    {"text": "Checking."},
    {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "SIG-CALL"},
    {"functionCall": {"name": "get_weather", "args": {"city": "東京"}}},
    usage=FINAL_USAGE,
)


@pytest.mark.parametrize(
    ("chunks", "whole"),
    [(THOUGHT_THEN_TEXT, WHOLE_THOUGHT_THEN_TEXT), (PARALLEL_CALLS, WHOLE_PARALLEL_CALLS)],
    ids=["thought-then-signed-text", "parallel-calls"],
)
def test_a_stream_fed_one_byte_at_a_time_folds_to_the_whole_answer(
    chunks: list[dict[str, Any]], whole: dict[str, Any]
) -> None:
    events = events_byte_by_byte(wire(*chunks))
    assert isinstance(events[0], MessageStart) and events[0].id == "resp-1"
    assert fold(events) == ADAPTER.decode_response(whole, None)


def test_text_streams_as_deltas_of_one_block() -> None:
    events = events_byte_by_byte(wire(*THOUGHT_THEN_TEXT))
    starts = [e for e in events if isinstance(e, BlockStart)]
    # The closing text's signature is not kept: a reasoning block after the answer would hide it.
    assert [s.block.type for s in starts] == ["thinking", "text"]
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["Héllo ", "wörld 🚀"]
    usage = fold(events).usage
    assert (usage.input_tokens, usage.cache_read_tokens, usage.output_tokens) == (20, 10, 21)


def test_an_error_event_mid_stream_raises_the_mapped_error() -> None:
    failure = {
        "error": {"code": 503, "message": f"The model is overloaded. key={KEY}", "status": "UNAVAILABLE"}
    }
    with pytest.raises(GatewayError) as caught:
        events_byte_by_byte(wire(THOUGHT_THEN_TEXT[0], failure))
    assert caught.value.code is ErrorCode.PROVIDER_OVERLOADED and KEY not in caught.value.message


def test_a_stream_cut_before_its_finish_reason_is_a_failure_not_an_answer() -> None:
    with pytest.raises(GatewayError) as caught:
        events_byte_by_byte(wire(*THOUGHT_THEN_TEXT[:-1]))
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE and "ended" in caught.value.message


def test_an_unreadable_event_is_a_provider_failure() -> None:
    with pytest.raises(GatewayError) as caught:
        events_byte_by_byte(b"data: {not json\n\n")
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE


_PART = st.one_of(
    st.builds(lambda t: {"text": t}, st.text(max_size=6)),
    st.builds(lambda t: {"text": t, "thought": True}, st.text(max_size=6)),
    st.builds(
        lambda t, s: {"text": t, "thoughtSignature": s}, st.text(max_size=4), st.sampled_from(["S1", "S2"])
    ),
    st.builds(
        lambda t, s: {"text": t, "thought": True, "thoughtSignature": s},
        st.text(max_size=4),
        st.sampled_from(["T1", "T2"]),
    ),
    st.builds(
        lambda city, s: {"functionCall": {"name": "get_weather", "args": {"city": city}}, **s},
        st.sampled_from(["Paris", "東京"]),
        st.sampled_from([{}, {"thoughtSignature": "C1"}]),
    ),
    st.just({"inlineData": {"mimeType": "image/png", "data": "iVBOR"}}),
)


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(_PART, max_size=8),
    cuts=st.lists(st.integers(min_value=0, max_value=8), max_size=4),
    finish=st.sampled_from(["STOP", "MAX_TOKENS", "SAFETY"]),
)
def test_any_split_of_any_parts_streams_to_the_whole_answers_decode(
    parts: list[dict[str, Any]], cuts: list[int], finish: str
) -> None:
    bounds = sorted({0, len(parts), *(c for c in cuts if c <= len(parts))})
    chunks = [chunk(*parts[a:b]) for a, b in itertools.pairwise(bounds)] or [chunk()]
    chunks[-1]["candidates"][0]["finishReason"] = finish
    chunks[-1]["usageMetadata"] = FINAL_USAGE
    events: list[Event] = []
    decoder = ADAPTER.stream_decoder(None, ())
    for piece in chunks:
        events += decoder.feed(SSEEvent(None, json.dumps(piece)))
    whole = answer(*parts, finish=finish, usage=FINAL_USAGE)
    assert fold(events + decoder.close()) == ADAPTER.decode_response(whole, None)
