"""The fake Gemini upstream over real HTTP, read by this adapter and by Google's own SDK (google-genai).

The SDK parsing the fake's answers, streams and errors without complaint, and the adapter folding
them to the same IR as the SDK sees, is what makes the fake a faithful stand-in for the real API.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.events import Event
from hyperinfer.ir.request import Message, OutputFormat, Reasoning, Request
from hyperinfer.ir.response import Response
from hyperinfer.local.fakes.gemini import CALL_SIGNATURE, CONTEXT_MESSAGE, TEXT_SIGNATURE
from hyperinfer.local.fakes.server import JSON_REPLY, REPLY_WORDS, THINKING, TOOL_ARGUMENTS, FakeProvider
from hyperinfer.providers.contract import Credentials
from hyperinfer.providers.gemini import ADAPTER, signatures
from hyperinfer.providers.target import Encoded, Target

from tests.unit.providers.gemini_cases import KEY, PRO_3, TIME, WEATHER, message, text

MODEL = "gemini-3-pro-preview"


def target(stream: bool) -> Target:
    return Target(MODEL, 65536, stream, reasoning=True, thinking_levels=PRO_3.thinking_levels)


def ask(directive: str, **fields: Any) -> Request:
    return Request(
        model="google/gemini-3-pro", messages=(message("user", text(f"Hi [[fake {directive}]]")),), **fields
    )


def base(fake: FakeProvider) -> str:
    return f"{fake.url}/v1beta"


def call(fake: FakeProvider, request: Request) -> Response:
    sent = ADAPTER.encode_request(request, target(False))
    answer = httpx.post(
        ADAPTER.url(base(fake), MODEL, False),
        json=sent.body,
        headers=ADAPTER.headers(Credentials(api_key=KEY)),
    )
    if answer.status_code >= 400:
        raise ADAPTER.map_error("google", answer.status_code, answer.content, answer.headers, [KEY])
    return ADAPTER.decode_response(answer.json(), sent.hints)


def stream_events(fake: FakeProvider, sent: Encoded) -> Iterator[Event]:
    framer, decoder = ADAPTER.framer(), ADAPTER.stream_decoder(sent.hints, (KEY,))
    url = ADAPTER.url(base(fake), MODEL, True)
    with httpx.stream(
        "POST", url, json=sent.body, headers=ADAPTER.headers(Credentials(api_key=KEY))
    ) as answer:
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/event-stream")
        for piece in answer.iter_bytes():
            for event in framer.feed(piece):
                yield from decoder.feed(event)
    for event in framer.close():
        yield from decoder.feed(event)
    yield from decoder.close()


def streamed(fake: FakeProvider, request: Request) -> Response:
    accumulator = Accumulator()
    for event in stream_events(fake, ADAPTER.encode_request(request, target(True))):
        accumulator.add(event)
    return accumulator.response()


@pytest.fixture
def client(fake: FakeProvider) -> Iterator[genai.Client]:
    # Held for the whole test: the SDK closes its HTTP client when the Client object goes away.
    with genai.Client(api_key=KEY, http_options=types.HttpOptions(base_url=fake.url)) as sdk:
        yield sdk


# ------------------------------------------------------------------------------------ the adapter


def test_a_plain_answer_streamed_or_not_folds_to_the_same_ir(fake: FakeProvider) -> None:
    whole = call(fake, ask("words=3"))
    assert whole.content == (TextBlock(text=" ".join(REPLY_WORDS[:3])),)
    assert whole.stop_reason == "end_turn" and whole.model == MODEL
    assert streamed(fake, ask("words=3")) == whole
    sent = fake.calls[-1]
    assert sent["headers"]["x-goog-api-key"] == KEY
    assert sent["path"] == f"/v1beta/models/{MODEL}:streamGenerateContent"


def test_thinking_parallel_calls_and_their_signatures_round_trip_through_a_second_turn(
    fake: FakeProvider,
) -> None:
    request = ask("think tools=2 once", tools=(WEATHER, TIME), reasoning=Reasoning(effort="high"))
    first = call(fake, request)
    assert streamed(fake, request) == first
    thought, one, signed, two = first.content
    assert isinstance(thought, ThinkingBlock) and thought.thinking == THINKING
    assert isinstance(one, ToolUseBlock) and isinstance(two, ToolUseBlock)
    assert (one.name, one.input, two.name, two.input) == (
        "get_weather",
        TOOL_ARGUMENTS[0],
        "get_time",
        TOOL_ARGUMENTS[1],
    )
    assert signed == ThinkingBlock(thinking="", signature=signatures.part_signature(CALL_SIGNATURE))
    results = message(
        "user", *({"type": "tool_result", "tool_use_id": b.id, "content": [text("18")]} for b in (one, two))
    )
    follow = request.model_copy(
        update={"messages": (*request.messages, Message(role="assistant", content=first.content), results)}
    )
    second = call(fake, follow)  # the fake refuses a call whose signature moved or went missing
    assert second.stop_reason == "end_turn"
    model_turn = fake.calls[-1]["body"]["contents"][1]["parts"]
    assert model_turn[0] == {"text": THINKING, "thought": True}
    assert model_turn[1]["thoughtSignature"] == CALL_SIGNATURE and "thoughtSignature" not in model_turn[2]


def test_a_history_whose_call_lost_its_signature_is_refused_by_the_fake_as_by_gemini_3(
    fake: FakeProvider,
) -> None:
    body = {
        "contents": [
            {"role": "user", "parts": [{"text": "Hi"}]},
            {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {}}}]},
            {
                "role": "user",
                "parts": [{"functionResponse": {"name": "get_weather", "response": {"output": "1"}}}],
            },
        ]
    }
    answer = httpx.post(ADAPTER.url(base(fake), MODEL, False), json=body, headers={"x-goog-api-key": KEY})
    assert answer.status_code == 400
    error = ADAPTER.map_error("google", 400, answer.content, answer.headers, [KEY])
    assert error.code is ErrorCode.INVALID_REQUEST and "thought_signature" in error.message


def test_json_output_cached_tokens_and_stop_directives(fake: FakeProvider) -> None:
    fmt = OutputFormat.model_validate({"kind": "json_schema", "schema": {"type": "object"}})
    reply = call(fake, ask("json", output_format=fmt))
    assert reply.content == (TextBlock(text='{"answer": "pong", "confidence": 0.9}'),)
    usage = call(fake, ask("cached=40")).usage
    assert usage.cache_read_tokens == 40 and usage.input_tokens > 0
    assert streamed(fake, ask("cached=40")).usage == usage
    for directive, stop in [("max_tokens", "max_tokens"), ("refusal", "content_filter")]:
        assert call(fake, ask(directive)).stop_reason == stop
        assert streamed(fake, ask(directive)).stop_reason == stop


@pytest.mark.parametrize(
    ("directive", "code", "retry_after"),
    [
        ("status=429 retry_after=7", ErrorCode.PROVIDER_RATE_LIMIT, "7"),
        ("status=503", ErrorCode.PROVIDER_OVERLOADED, None),
        ("status=500", ErrorCode.PROVIDER_UNAVAILABLE, None),
        ("context", ErrorCode.CONTEXT_LENGTH_EXCEEDED, None),
    ],
)
def test_error_directives_map_into_the_taxonomy(
    fake: FakeProvider, directive: str, code: ErrorCode, retry_after: str | None
) -> None:
    with pytest.raises(GatewayError) as caught:
        call(fake, ask(directive))
    assert (caught.value.code, caught.value.retry_after) == (code, retry_after)


@pytest.mark.parametrize(
    ("directive", "code"),
    [("midstream_error", ErrorCode.PROVIDER_OVERLOADED), ("drop", ErrorCode.PROVIDER_UNAVAILABLE)],
)
def test_a_stream_that_fails_or_drops_raises_instead_of_finishing(
    fake: FakeProvider, directive: str, code: ErrorCode
) -> None:
    with pytest.raises(GatewayError) as caught:
        streamed(fake, ask(directive))
    assert caught.value.code is code


# ------------------------------------------------------------------------------------ Google's SDK


def test_the_sdk_reads_a_plain_answer_and_its_usage(fake: FakeProvider, client: genai.Client) -> None:
    reply = client.models.generate_content(model=MODEL, contents="Hi [[fake words=3 cached=5]]")
    assert reply.text == " ".join(REPLY_WORDS[:3])
    assert reply.candidates and reply.candidates[0].finish_reason == types.FinishReason.STOP
    usage = reply.usage_metadata
    assert usage is not None and usage.cached_content_token_count == 5
    assert usage.total_token_count == (usage.prompt_token_count or 0) + (usage.candidates_token_count or 0)
    assert reply.response_id and reply.model_version == MODEL


def test_the_sdk_streams_the_same_text_and_ends_with_the_finish_reason(
    fake: FakeProvider, client: genai.Client
) -> None:
    chunks = list(client.models.generate_content_stream(model=MODEL, contents="Hi [[fake]]"))
    assert "".join(chunk.text or "" for chunk in chunks) == " ".join(REPLY_WORDS)
    last = chunks[-1].candidates
    assert last and last[0].finish_reason == types.FinishReason.STOP
    assert all(chunk.response_id == chunks[0].response_id for chunk in chunks)


def test_the_sdk_reads_thoughts_signed_calls_and_sends_its_own_history_back_accepted(
    fake: FakeProvider, client: genai.Client
) -> None:
    config = types.GenerateContentConfig(
        tools=[
            types.Tool(
                function_declarations=[
                    types.FunctionDeclaration(name="get_weather", parameters_json_schema=WEATHER.parameters)
                ]
            )
        ],
        thinking_config=types.ThinkingConfig(include_thoughts=True, thinking_level=types.ThinkingLevel.HIGH),
        automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
    )
    chat = client.chats.create(model=MODEL, config=config)
    reply = chat.send_message("Weather? [[fake think tools=2 once]]")
    assert reply.candidates and reply.candidates[0].content and reply.candidates[0].content.parts
    parts = reply.candidates[0].content.parts
    assert parts[0].thought and parts[0].text == THINKING
    assert (
        parts[1].thought_signature == base64.b64decode(CALL_SIGNATURE) and parts[2].thought_signature is None
    )
    assert [c.args for c in reply.function_calls or []] == TOOL_ARGUMENTS[:2]
    responses = [
        types.Part.from_function_response(name="get_weather", response={"output": "18"}) for _ in range(2)
    ]
    final = chat.send_message(responses)  # the fake checks the signature the SDK echoes
    assert final.text == " ".join(REPLY_WORDS)
    assert final.candidates and final.candidates[0].content
    assert final.candidates[0].content.parts and final.candidates[0].content.parts[
        -1
    ].thought_signature == base64.b64decode(TEXT_SIGNATURE)


def test_the_sdk_raises_the_fakes_errors_with_their_status(fake: FakeProvider, client: genai.Client) -> None:
    with pytest.raises(genai_errors.ClientError) as caught:
        client.models.generate_content(model=MODEL, contents="[[fake status=429 retry_after=3]]")
    assert (caught.value.code, caught.value.status) == (429, "RESOURCE_EXHAUSTED")
    with pytest.raises(genai_errors.ClientError) as context:
        client.models.generate_content(model=MODEL, contents="[[fake context]]")
    assert context.value.message == CONTEXT_MESSAGE
    with pytest.raises(genai_errors.APIError) as midstream:
        list(client.models.generate_content_stream(model=MODEL, contents="[[fake midstream_error]]"))
    assert midstream.value.code == 503


def test_the_sdk_reads_structured_output_as_parsed_json(fake: FakeProvider, client: genai.Client) -> None:
    config = types.GenerateContentConfig(
        response_mime_type="application/json", response_json_schema={"type": "object"}
    )
    reply = client.models.generate_content(model=MODEL, contents="[[fake json]]", config=config)
    assert reply.parsed == JSON_REPLY
    sent = fake.calls[-1]["body"]["generationConfig"]
    assert sent == {"responseMimeType": "application/json", "responseJsonSchema": {"type": "object"}}


def test_the_fake_refuses_a_call_without_a_key_or_a_stream_without_alt_sse(fake: FakeProvider) -> None:
    body = ADAPTER.encode_request(ask(""), target(False)).body
    keyless = httpx.post(ADAPTER.url(base(fake), MODEL, False), json=body)
    assert keyless.status_code == 403 and keyless.json()["error"]["status"] == "PERMISSION_DENIED"
    assert ADAPTER.map_error("google", 403, keyless.content, {}, [KEY]).code is ErrorCode.PROVIDER_AUTH
    url = ADAPTER.url(base(fake), MODEL, True).removesuffix("?alt=sse")
    plain = httpx.post(url, json=body, headers={"x-goog-api-key": KEY})
    assert plain.status_code == 400 and plain.json()["error"]["status"] == "INVALID_ARGUMENT"
