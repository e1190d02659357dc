"""The fake Bedrock over real HTTP, read back by this adapter and by boto3's own ``bedrock-runtime``
client (which parses the event stream and checks both CRCs of every message).

Bodies are built by ``encode_request`` and signed by ``sign``; streams arrive the hostile way (7-byte
writes) through the adapter's framer and ``StreamDecoder``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.request import Message, Request, Tool
from hyperinfer.ir.response import Response
from hyperinfer.local.fakes.bedrock import CONTEXT_MESSAGE
from hyperinfer.local.fakes.server import REPLY_WORDS, SIGNATURE, THINKING, TOOL_ARGUMENTS, FakeProvider
from hyperinfer.providers.bedrock import ADAPTER
from hyperinfer.providers.bedrock.eventstream import EventStreamFramer
from hyperinfer.providers.contract import Credentials, OutgoingRequest
from hyperinfer.providers.target import Encoded, Target

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
CREDENTIALS = Credentials(
    region="us-east-1", aws_access_key_id="AKIDFAKE", aws_secret_access_key="fake-secret-key-for-the-fake"
)
WEATHER = Tool(name="get_weather", parameters={"type": "object", "properties": {"city": {"type": "string"}}})


def encoded(directive: str, *, stream: bool = False, tools: tuple[Tool, ...] = ()) -> Encoded:
    user = Message.model_validate(
        {"role": "user", "content": [{"type": "text", "text": f"Hi [[fake {directive}]]"}]}
    )
    request = Request(model="amazon/claude", messages=(user,), tools=tools)
    return ADAPTER.encode_request(request, Target(MODEL, 4096, stream, reasoning=True))


def signed(fake: FakeProvider, enc: Encoded, stream: bool) -> OutgoingRequest:
    body = json.dumps(enc.body).encode()
    url = ADAPTER.url(fake.url, MODEL, stream)
    return ADAPTER.sign(
        OutgoingRequest("POST", url, ADAPTER.headers(CREDENTIALS), body), CREDENTIALS, time.time()
    )


def call(fake: FakeProvider, directive: str, tools: tuple[Tool, ...] = ()) -> Response:
    enc = encoded(directive, tools=tools)
    out = signed(fake, enc, stream=False)
    answer = httpx.post(out.url, content=out.body, headers=out.headers)
    if answer.status_code >= 400:
        raise ADAPTER.map_error(
            "bedrock", answer.status_code, answer.content, answer.headers, CREDENTIALS.secrets
        )
    return ADAPTER.decode_response(answer.json(), enc.hints)


def stream(
    fake: FakeProvider, directive: str, tools: tuple[Tool, ...] = (), piece: int | None = None
) -> Response:
    enc = encoded(directive, stream=True, tools=tools)
    out = signed(fake, enc, stream=True)
    framer, decoder, folded = (
        ADAPTER.framer(),
        ADAPTER.stream_decoder(enc.hints, CREDENTIALS.secrets),
        Accumulator(),
    )
    with httpx.stream("POST", out.url, content=out.body, headers=out.headers) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/vnd.amazon.eventstream"
        raw = answer.read()
    chunks = [raw[i : i + piece] for i in range(0, len(raw), piece)] if piece else [raw]
    for chunk in chunks:
        for event in framer.feed(chunk):
            for ir in decoder.feed(event):
                folded.add(ir)
    framer.close()
    decoder.close()
    return folded.response()


@pytest.mark.parametrize(
    "directive", ["words=8", "think", "tools=2", "cached=40 cache_write=8", "max_tokens"]
)
def test_the_stream_read_one_byte_at_a_time_folds_to_the_plain_answer(
    fake: FakeProvider, directive: str
) -> None:
    tools = (WEATHER,)
    plain = call(fake, directive, tools)
    assert stream(fake, directive, tools, piece=1) == plain
    assert stream(fake, directive, tools) == plain


def test_the_fake_answers_text_reasoning_and_tool_calls(fake: FakeProvider) -> None:
    response = call(fake, "think tools=2", (WEATHER,))
    assert response.content[0] == ThinkingBlock(thinking=THINKING, signature=SIGNATURE)
    assert [b.input for b in response.content[1:] if isinstance(b, ToolUseBlock)] == TOOL_ARGUMENTS[:2]
    assert response.stop_reason == "tool_use"
    assert call(fake, "").content == (TextBlock(text=" ".join(REPLY_WORDS)),)


def test_cache_usage_is_beside_input(fake: FakeProvider) -> None:
    usage = call(fake, "cached=40 cache_write=8").usage
    assert (usage.cache_read_tokens, usage.cache_write_tokens) == (40, 8)
    assert usage.input_tokens > 0


def test_the_fake_refuses_an_unsigned_request(fake: FakeProvider) -> None:
    answer = httpx.post(ADAPTER.url(fake.url, MODEL, False), json=encoded("").body)
    assert answer.status_code == 403
    assert answer.headers["x-amzn-ErrorType"].startswith("MissingAuthenticationTokenException:")


@pytest.mark.parametrize(
    ("directive", "code"),
    [("status=429", ErrorCode.PROVIDER_RATE_LIMIT), ("context", ErrorCode.CONTEXT_LENGTH_EXCEEDED)],
)
def test_refusals_map_to_the_taxonomy(fake: FakeProvider, directive: str, code: ErrorCode) -> None:
    with pytest.raises(GatewayError) as caught:
        call(fake, directive)
    assert caught.value.code is code


def test_a_midstream_exception_raises_instead_of_finishing(fake: FakeProvider) -> None:
    with pytest.raises(GatewayError) as caught:
        stream(fake, "midstream_error")
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert (
        "modelStreamErrorException" in caught.value.message.lower()
        or "ModelStreamError" in caught.value.message
    )


def test_a_stream_cut_after_message_stop_is_not_finished(fake: FakeProvider) -> None:
    with pytest.raises(GatewayError, match="ended before"):
        stream(fake, "drop")


# -- boto3 pointed at the fake --------------------------------------------------------------------


@pytest.fixture
def boto(fake: FakeProvider) -> Iterator[Any]:
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=fake.url,
        aws_access_key_id="AKIDFAKE",
        aws_secret_access_key="fake-secret-key-for-the-fake",
        config=Config(retries={"max_attempts": 1}),
    )
    yield client
    client.close()


def boto_messages(directive: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": [{"text": f"Hi [[fake {directive}]]"}]}]


TOOL_CONFIG = {"tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": WEATHER.parameters}}}]}


def test_boto3_reads_the_fakes_converse_answer(boto: Any) -> None:
    answer = boto.converse(modelId=MODEL, messages=boto_messages("think tools=1"), toolConfig=TOOL_CONFIG)
    content = answer["output"]["message"]["content"]
    assert content[0]["reasoningContent"]["reasoningText"] == {"text": THINKING, "signature": SIGNATURE}
    assert content[1]["toolUse"]["input"] == TOOL_ARGUMENTS[0]
    assert answer["stopReason"] == "tool_use"
    assert answer["usage"]["inputTokens"] > 0


def test_boto3_parses_the_fakes_event_stream_as_ours_does(boto: Any, fake: FakeProvider) -> None:
    answer = boto.converse_stream(
        modelId=MODEL, messages=boto_messages("think tools=1"), toolConfig=TOOL_CONFIG
    )
    events = list(answer["stream"])
    names = [next(iter(e)) for e in events]
    assert names[0] == "messageStart" and names[-2:] == ["messageStop", "metadata"]
    thinking = "".join(
        e["contentBlockDelta"]["delta"]["reasoningContent"].get("text", "")
        for e in events
        if "contentBlockDelta" in e and "reasoningContent" in e["contentBlockDelta"]["delta"]
    )
    assert thinking == THINKING
    arguments = "".join(
        e["contentBlockDelta"]["delta"]["toolUse"]["input"]
        for e in events
        if "contentBlockDelta" in e and "toolUse" in e["contentBlockDelta"]["delta"]
    )
    assert arguments == '{"city": "Paris"}'
    assert events[-1]["metadata"]["usage"]["outputTokens"] > 0
    # boto3 signed with botocore's SigV4: the model id arrived whole.
    assert fake.calls[-1]["model"] == MODEL


def test_boto3_raises_the_fakes_refusals_as_bedrocks_exceptions(boto: Any) -> None:
    with pytest.raises(ClientError) as caught:
        boto.converse(modelId=MODEL, messages=boto_messages("context"))
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["Error"]["Message"] == CONTEXT_MESSAGE
    with pytest.raises(boto.exceptions.ThrottlingException):
        boto.converse(modelId=MODEL, messages=boto_messages("status=429"))


def test_boto3_raises_the_fakes_midstream_exception(boto: Any) -> None:
    answer = boto.converse_stream(modelId=MODEL, messages=boto_messages("midstream_error"))
    with pytest.raises(EventStreamError) as caught:
        list(answer["stream"])
    assert caught.value.response["Error"]["Code"] == "modelStreamErrorException"


def test_the_fake_refuses_turns_that_do_not_alternate(boto: Any) -> None:
    messages = [*boto_messages(""), *boto_messages("")]
    with pytest.raises(ClientError, match="alternate"):
        boto.converse(modelId=MODEL, messages=messages)


def test_our_framer_reads_what_boto3_reads(fake: FakeProvider) -> None:
    out = signed(fake, encoded("words=3", stream=True), stream=True)
    raw = httpx.post(out.url, content=out.body, headers=out.headers).content
    names = [e.event for e in EventStreamFramer().feed(raw)]
    assert names == ["messageStart"] + ["contentBlockDelta"] * 3 + [
        "contentBlockStop",
        "messageStop",
        "metadata",
    ]
