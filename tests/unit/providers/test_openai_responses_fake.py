"""The fake OpenAI Responses upstream over real HTTP, read back through the adapter.

Uses the session's fake provider (FakeProvider under uvicorn on a free loopback port, from
tests/conftest.py), which delivers streams the hostile way: frames split into 7-byte writes.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.events import Event
from hyperinfer.ir.request import Message, Reasoning, Request, Tool
from hyperinfer.local.fakes.openai_chat import REASONING_TOKENS
from hyperinfer.local.fakes.server import REPLY_WORDS, THINKING, TOOL_ARGUMENTS, FakeProvider
from hyperinfer.providers import openai_responses
from hyperinfer.providers.contract import Credentials
from hyperinfer.providers.openai_responses.decode import decode_response
from hyperinfer.providers.openai_responses.encode import encode_request
from hyperinfer.providers.openai_responses.stream import StreamDecoder
from hyperinfer.providers.sse import SSEDecoder
from hyperinfer.providers.target import Target

from tests.unit.providers.streaming import accumulate

KEY = "sk-upstream-test-key-0123456789abcdef"
HEADERS = openai_responses.ADAPTER.headers(Credentials(api_key=KEY))
# What the real API returns beside the output (OpenAI's documented response object).
TOP_LEVEL = (
    "created_at", "error", "incomplete_details", "instructions", "max_output_tokens", "metadata", "model",
    "parallel_tool_calls", "reasoning", "store", "temperature", "text", "tool_choice", "tools", "top_p",
    "truncation", "usage", "user",
)  # fmt: skip
TOOLS = (Tool(name="get_weather", parameters={"type": "object", "properties": {"city": {"type": "string"}}}),)


def ir_request(prompt: str, **fields: Any) -> Request:
    message = Message(role="user", content=(TextBlock(text=prompt),))
    return Request(model="openai/gpt-5", messages=(message,), **fields)


def body_for(prompt: str, *, stream: bool, **fields: Any) -> dict[str, Any]:
    target = Target(upstream_model="gpt-5", max_output_tokens=128000, stream=stream, reasoning=True)
    return encode_request(ir_request(prompt, **fields), target).body


def post(fake: FakeProvider, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        openai_responses.ADAPTER.url(f"{fake.url}/v1", "gpt-x", True),
        json=body,
        headers=HEADERS,
        timeout=10,
    )


def stream_events(fake: FakeProvider, body: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Event]]:
    """The raw frames (event name checked against the data's type) and the decoded IR events."""
    frames: list[dict[str, Any]] = []
    events: list[Event] = []
    sse, decoder = SSEDecoder(), StreamDecoder(secrets=[KEY])
    with httpx.stream(
        "POST",
        openai_responses.ADAPTER.url(f"{fake.url}/v1", "gpt-x", True),
        json=body,
        headers=HEADERS,
        timeout=10,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for chunk in response.iter_bytes():
            for event in sse.feed(chunk):
                data = json.loads(event.data)
                assert event.event == data["type"]
                frames.append(data)
                events += decoder.feed(event)
    for event in sse.close():
        events += decoder.feed(event)
    return frames, events + decoder.close()


def fold(events: list[Event]) -> Accumulator:
    return accumulate(events)


def test_a_plain_answer_is_a_complete_response_object(fake: FakeProvider) -> None:
    response = post(fake, body_for("Say hi", stream=False))
    assert response.status_code == 200
    raw = response.json()
    assert raw["id"].startswith("resp_") and raw["object"] == "response" and raw["status"] == "completed"
    assert set(TOP_LEVEL) <= set(raw)
    assert raw["store"] is False  # what the adapter sent comes back
    assert raw["output"][0]["id"].startswith("msg_")
    decoded = decode_response(raw)
    assert decoded.content == (TextBlock(text=" ".join(REPLY_WORDS)),)
    assert decoded.stop_reason == "end_turn" and decoded.usage.output_tokens == len(REPLY_WORDS)
    assert fake.calls[-1]["authorization"] == f"Bearer {KEY}" and fake.calls[-1]["outcome"] == "completed"


def test_a_streamed_answer_numbers_every_event_and_folds_to_the_same_answer(fake: FakeProvider) -> None:
    frames, events = stream_events(fake, body_for("Say hi [[fake cached=40]]", stream=True))
    assert [f["sequence_number"] for f in frames] == list(range(len(frames)))
    kinds = [f["type"] for f in frames]
    assert kinds[:2] == ["response.created", "response.in_progress"] and kinds[-1] == "response.completed"
    assert kinds.count("response.output_text.delta") == len(REPLY_WORDS)
    whole = decode_response(post(fake, body_for("Say hi [[fake cached=40]]", stream=False)).json())
    streamed = fold(events).response()
    assert streamed.content == whole.content and streamed.usage == whole.usage
    assert streamed.usage.cache_read_tokens == 40


def test_reasoning_and_two_calls_stream_as_their_own_items(fake: FakeProvider) -> None:
    body = body_for(
        "Weather? [[fake think tools=2]]", stream=True, tools=TOOLS, reasoning=Reasoning(summary="auto")
    )
    frames, events = stream_events(fake, body)
    kinds = {f["type"] for f in frames}
    assert {"response.reasoning_summary_text.delta", "response.function_call_arguments.delta"} <= kinds
    answer = fold(events).response()
    thinking, *calls = answer.content
    assert isinstance(thinking, ThinkingBlock) and thinking.thinking == THINKING and thinking.encrypted
    assert thinking.item_id is not None and thinking.item_id.startswith("rs_")
    assert calls == [
        ToolUseBlock(id="call_0abc", name="get_weather", input=TOOL_ARGUMENTS[0]),
        ToolUseBlock(id="call_1abc", name="get_weather", input=TOOL_ARGUMENTS[1]),
    ]
    assert answer.stop_reason == "tool_use" and answer.usage.reasoning_tokens == REASONING_TOKENS
    sent = fake.calls[-1]["body"]
    assert sent["include"] == ["reasoning.encrypted_content"] and sent["reasoning"] == {"summary": "auto"}


def test_a_cut_stream_ends_with_response_incomplete(fake: FakeProvider) -> None:
    frames, events = stream_events(fake, body_for("Long story [[fake max_tokens]]", stream=True))
    assert frames[-1]["type"] == "response.incomplete"
    assert frames[-1]["response"]["incomplete_details"] == {"reason": "max_output_tokens"}
    assert fold(events).response().stop_reason == "max_tokens"


def test_an_upstream_429_keeps_its_envelope_and_retry_after(fake: FakeProvider) -> None:
    response = post(fake, body_for("hi [[fake status=429 retry_after=7]]", stream=False))
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert response.json()["error"]["code"] == "rate_limit_exceeded"
    error = openai_responses.map_error(response.status_code, response.content, response.headers, [KEY])
    assert (error.code, error.retry_after) == (ErrorCode.PROVIDER_RATE_LIMIT, "7")
    assert "sk-proj" not in error.message
    assert fake.calls[-1]["outcome"] == "error"


def test_a_context_length_error_is_recognised(fake: FakeProvider) -> None:
    response = post(fake, body_for("hi [[fake context]]", stream=False))
    error = openai_responses.map_error(response.status_code, response.content, response.headers, [KEY])
    assert error.code is ErrorCode.CONTEXT_LENGTH_EXCEEDED


def test_a_midstream_error_event_raises_instead_of_finishing(fake: FakeProvider) -> None:
    with pytest.raises(GatewayError) as caught:
        stream_events(fake, body_for("hi [[fake midstream_error]]", stream=True))
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert "server had an error" in caught.value.message


def test_a_dropped_stream_raises_when_it_ends(fake: FakeProvider) -> None:
    with pytest.raises(GatewayError) as caught:
        stream_events(fake, body_for("hi [[fake drop]]", stream=True))
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
