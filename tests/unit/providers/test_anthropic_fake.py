"""The fake Anthropic upstream over real HTTP, read back by this adapter and by Anthropic's own SDK.

Bodies are built by ``encode_request`` (the gateway's path); streams arrive the hostile way (7-byte
writes) and go through ``SSEDecoder`` and ``StreamDecoder``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anthropic as anthropic_sdk
import httpx
import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.events import Event
from hyperinfer.ir.request import Message, OutputFormat, Request, Tool
from hyperinfer.ir.response import Response
from hyperinfer.local.fakes.server import (
    JSON_REPLY,
    REPLY_WORDS,
    SIGNATURE,
    THINKING,
    TOOL_ARGUMENTS,
    FakeProvider,
    prompt_tokens,
)
from hyperinfer.providers import anthropic
from hyperinfer.providers.anthropic.decode import decode_response
from hyperinfer.providers.anthropic.encode import encode_request
from hyperinfer.providers.anthropic.errors import map_error
from hyperinfer.providers.anthropic.hints import AnthropicEncoded, DecodeHints
from hyperinfer.providers.anthropic.stream import StreamDecoder
from hyperinfer.providers.contract import Credentials
from hyperinfer.providers.sse import SSEDecoder
from hyperinfer.providers.target import Target

KEY = "sk-ant-api03-fake-upstream-key-0123456789"
HEADERS = anthropic.ADAPTER.headers(Credentials(api_key=KEY))
TOOLS = (
    Tool(name="get_weather", parameters={"type": "object", "properties": {"city": {"type": "string"}}}),
    Tool(name="get_time", parameters={"type": "object", "properties": {"city": {"type": "string"}}}),
)


def encoded(directive: str, *, stream: bool = False, **kwargs: Any) -> AnthropicEncoded:
    user = Message.model_validate(
        {"role": "user", "content": [{"type": "text", "text": f"Hi [[fake {directive}]]"}]}
    )
    request = Request(model="anthropic/claude-sonnet-4.5", messages=(user,), **kwargs)
    target = Target(upstream_model="claude-sonnet-4-6", max_output_tokens=4096, stream=stream, reasoning=True)
    return encode_request(request, target)


def endpoint(fake: FakeProvider) -> str:
    return anthropic.ADAPTER.url(f"{fake.url}/v1", "claude-x", False)


def post(fake: FakeProvider, body: dict[str, Any], headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(
        endpoint(fake),
        json=body,
        headers=HEADERS if headers is None else headers,
    )


def message(fake: FakeProvider, sent: AnthropicEncoded) -> Response:
    answer = post(fake, sent.body)
    assert answer.status_code == 200, answer.text
    return decode_response(answer.json(), sent.hints)


def stream_events(fake: FakeProvider, sent: AnthropicEncoded) -> Iterator[Event]:
    """Like the gateway: bytes as they arrive -> SSE events -> IR events, then close."""
    sse, decoder = SSEDecoder(), StreamDecoder(sent.hints, secrets=[KEY])
    with httpx.stream("POST", endpoint(fake), json=sent.body, headers=HEADERS) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        for chunk in answer.iter_bytes():
            for event in sse.feed(chunk):
                yield from decoder.feed(event)
    for event in sse.close():
        yield from decoder.feed(event)
    yield from decoder.close()


def streamed(fake: FakeProvider, sent: AnthropicEncoded) -> Response:
    accumulator = Accumulator()
    for event in stream_events(fake, sent):
        accumulator.add(event)
    return accumulator.response()


def failure(fake: FakeProvider, directive: str) -> GatewayError:
    answer = post(fake, encoded(directive).body)
    return map_error(answer.status_code, answer.content, answer.headers, [KEY])


# ------------------------------------------------------------------------------------ answers


def test_a_plain_message_speaks_anthropics_format_and_decodes(fake: FakeProvider) -> None:
    sent = encoded("words=3")
    raw = post(fake, sent.body).json()
    assert raw["id"].startswith("msg_") and (raw["type"], raw["role"]) == ("message", "assistant")
    assert raw["model"] == "claude-sonnet-4-6"
    assert set(raw["usage"]) >= {
        "input_tokens",
        "cache_read_input_tokens",
        "cache_creation_input_tokens",
        "cache_creation",
    }
    response = decode_response(raw, sent.hints)
    assert response.content == (TextBlock(text=" ".join(REPLY_WORDS[:3])),)
    assert response.stop_reason == "end_turn"
    assert response.usage.input_tokens == prompt_tokens(sent.body)
    call = fake.calls[-1]
    assert call["outcome"] == "completed"
    assert (call["headers"]["x-api-key"], call["headers"]["anthropic-version"]) == (KEY, "2023-06-01")


def test_a_streamed_message_folds_into_the_same_response_as_the_plain_one(fake: FakeProvider) -> None:
    events = list(stream_events(fake, encoded("", stream=True)))
    assert [type(event).__name__ for event in events[:2]] == ["MessageStart", "BlockStart"]
    assert sum(type(event).__name__ == "TextDelta" for event in events) == len(REPLY_WORDS)
    accumulator = Accumulator()
    for event in events:
        accumulator.add(event)
    assert accumulator.response() == message(fake, encoded(""))


def test_a_streamed_thinking_and_tool_answer_keeps_the_signature_and_the_arguments(
    fake: FakeProvider,
) -> None:
    sent = encoded("think tools=2", stream=True, tools=TOOLS)
    response = streamed(fake, sent)
    thinking, first, second = response.content
    assert thinking == ThinkingBlock(thinking=THINKING, signature=SIGNATURE)
    assert isinstance(first, ToolUseBlock) and isinstance(second, ToolUseBlock)
    assert (first.name, first.input, second.name, second.input) == (
        "get_weather",
        TOOL_ARGUMENTS[0],
        "get_time",
        TOOL_ARGUMENTS[1],
    )
    assert first.id.startswith("toolu_") and first.id != second.id
    assert response.stop_reason == "tool_use"
    assert response == message(fake, encoded("think tools=2", tools=TOOLS))


def test_a_json_output_format_is_answered_through_the_forced_tool_and_read_back_as_text(
    fake: FakeProvider,
) -> None:
    fmt = OutputFormat.model_validate({"kind": "json_schema", "name": "answer", "schema": {"type": "object"}})
    sent = encoded("json", output_format=fmt)
    assert sent.hints == DecodeHints(structured_tool="answer")
    for response in (message(fake, sent), streamed(fake, encoded("json", stream=True, output_format=fmt))):
        assert len(response.content) == 1 and isinstance(response.content[0], TextBlock)
        assert json.loads(response.content[0].text) == JSON_REPLY
        assert response.stop_reason == "end_turn"


@pytest.mark.parametrize(("directive", "stop"), [("max_tokens", "max_tokens"), ("refusal", "refusal")])
def test_stop_directives(fake: FakeProvider, directive: str, stop: str) -> None:
    assert message(fake, encoded(directive)).stop_reason == stop
    assert streamed(fake, encoded(directive, stream=True)).stop_reason == stop


def test_cache_reads_and_writes_are_reported_in_anthropics_fields(fake: FakeProvider) -> None:
    sent = encoded("cached=400 cache_write=200")
    usage = message(fake, sent).usage
    assert (usage.cache_read_tokens, usage.cache_write_tokens, usage.cache_write_1h_tokens) == (400, 200, 0)
    assert usage.input_tokens == prompt_tokens(sent.body)
    assert streamed(fake, encoded("cached=400 cache_write=200", stream=True)).usage == usage


# ------------------------------------------------------------------------------------ refusals and errors


@pytest.mark.parametrize(
    ("drop", "status", "kind"),
    [("x-api-key", 401, "authentication_error"), ("anthropic-version", 400, "invalid_request_error")],
)
def test_missing_auth_or_version_headers_are_refused_like_the_real_api(
    fake: FakeProvider, drop: str, status: int, kind: str
) -> None:
    headers = {k: v for k, v in HEADERS.items() if k != drop}
    answer = post(fake, encoded("").body, headers)
    assert answer.status_code == status
    body = answer.json()
    assert (body["type"], body["error"]["type"]) == ("error", kind)
    assert drop in body["error"]["message"] and body["request_id"].startswith("req_")


def test_max_tokens_is_required(fake: FakeProvider) -> None:
    body = {k: v for k, v in encoded("").body.items() if k != "max_tokens"}
    answer = post(fake, body)
    assert answer.status_code == 400
    assert answer.json()["error"] == {
        "type": "invalid_request_error",
        "message": "max_tokens: Field required",
    }


def test_a_rate_limit_maps_to_provider_rate_limit_with_retry_after(fake: FakeProvider) -> None:
    error = failure(fake, "status=429 retry_after=7")
    assert (error.code, error.retry_after) == (ErrorCode.PROVIDER_RATE_LIMIT, "7")


@pytest.mark.parametrize(
    ("directive", "code"),
    [
        ("status=529", ErrorCode.PROVIDER_OVERLOADED),
        ("status=500", ErrorCode.PROVIDER_UNAVAILABLE),
        ("status=401", ErrorCode.PROVIDER_AUTH),
        ("context", ErrorCode.CONTEXT_LENGTH_EXCEEDED),
    ],
)
def test_error_answers_map_into_the_taxonomy(fake: FakeProvider, directive: str, code: ErrorCode) -> None:
    assert failure(fake, directive).code is code
    assert fake.calls[-1]["outcome"] == "error"


def test_a_midstream_error_event_raises_overloaded(fake: FakeProvider) -> None:
    events: list[Event] = []
    with pytest.raises(GatewayError) as caught:
        events.extend(stream_events(fake, encoded("midstream_error", stream=True)))
    assert caught.value.code is ErrorCode.PROVIDER_OVERLOADED
    assert [type(event).__name__ for event in events] == ["MessageStart", "BlockStart", "TextDelta"]


def test_a_dropped_stream_raises_provider_unavailable(fake: FakeProvider) -> None:
    with pytest.raises(GatewayError) as caught:
        streamed(fake, encoded("drop", stream=True))
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE


# ------------------------------------------------------------------------------------ Anthropic's SDK


def test_anthropics_own_sdk_reads_the_fakes_message_and_stream(fake: FakeProvider) -> None:
    client = anthropic_sdk.Anthropic(base_url=fake.url, api_key=KEY, max_retries=0)
    kwargs: dict[str, Any] = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 2048,
        "messages": [{"role": "user", "content": "Weather? [[fake think tools=1]]"}],
        "tools": [{"name": "get_weather", "input_schema": {"type": "object"}}],
    }
    plain = client.messages.create(**kwargs)
    with client.messages.stream(**kwargs) as stream:
        final = stream.get_final_message()
    for got in (plain, final):
        assert [block.type for block in got.content] == ["thinking", "tool_use"]
        thinking, call = got.content
        assert isinstance(thinking, anthropic_sdk.types.ThinkingBlock) and thinking.signature == SIGNATURE
        assert isinstance(call, anthropic_sdk.types.ToolUseBlock) and call.input == TOOL_ARGUMENTS[0]
        assert got.stop_reason == "tool_use"
    assert final.usage.output_tokens == plain.usage.output_tokens
    with pytest.raises(anthropic_sdk.RateLimitError):
        client.messages.create(**{**kwargs, "messages": [{"role": "user", "content": "[[fake status=429]]"}]})
