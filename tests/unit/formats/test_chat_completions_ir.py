"""Chat Completions <-> IR: decoding client requests, encoding answers and streams the SDK reads."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import openai
import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.chat_completions.decode import decode
from hyperinfer.formats.chat_completions.encode import encode_response
from hyperinfer.formats.chat_completions.request import ChatCompletionRequest
from hyperinfer.formats.chat_completions.stream import StreamEncoder
from hyperinfer.formats.view import View
from hyperinfer.ir.content import (
    DocumentBlock,
    ImageBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from hyperinfer.ir.events import (
    ArgumentsDelta,
    BlockStart,
    BlockStop,
    Event,
    Finish,
    MessageStart,
    TextDelta,
    ThinkingDelta,
    UsageUpdate,
)
from hyperinfer.ir.response import Response
from hyperinfer.ir.usage import Usage

VIEW = View("gen-abc", "anthropic/claude-sonnet-4.5", 1_700_000_000, lambda u: u.total_tokens / 1_000_000)


def decoded(**fields: Any) -> Any:
    fields.setdefault("model", "m")
    fields.setdefault("messages", [{"role": "user", "content": "hi"}])
    return decode(ChatCompletionRequest.model_validate(fields))


def test_conversation_with_tools_decodes_into_ir_turns() -> None:
    request = decoded(
        messages=[
            {"role": "system", "content": "Be brief."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Weather?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR"}},
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "w", "arguments": '{"city":"Paris"}'},
                    },
                    {
                        "id": "c2",
                        "type": "function",
                        "function": {"name": "w", "arguments": '{"city":"Oslo"}'},
                    },
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "12°C"},
            {"role": "tool", "tool_call_id": "c2", "content": "3°C"},
        ]
    )
    roles = [m.role for m in request.messages]
    assert roles == ["system", "user", "assistant", "user"]
    image = request.messages[1].content[1]
    assert (
        isinstance(image, ImageBlock)
        and image.source.media_type == "image/png"
        and image.source.data == "iVBOR"
    )
    assert [b.input for b in request.messages[2].content if isinstance(b, ToolUseBlock)] == [
        {"city": "Paris"},
        {"city": "Oslo"},
    ]
    results = request.messages[3].content
    assert [(r.tool_use_id, r.content[0]) for r in results if isinstance(r, ToolResultBlock)] == [
        ("c1", TextBlock(text="12°C")),
        ("c2", TextBlock(text="3°C")),
    ]


def test_files_reasoning_and_options_decode() -> None:
    request = decoded(
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "file",
                        "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBER"},
                    }
                ],
            },
            {"role": "assistant", "content": "ok", "reasoning": "thought"},
        ],
        max_tokens=50,
        reasoning_effort="low",
        stop="END",
        seed=3,
        parallel_tool_calls=False,
        response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}},
    )
    doc = request.messages[0].content[0]
    assert isinstance(doc, DocumentBlock) and doc.filename == "a.pdf" and doc.source.kind == "base64"
    assert isinstance(request.messages[1].content[0], ThinkingBlock)
    assert request.max_output_tokens == 50 and request.stop == ("END",)
    assert request.reasoning is not None and request.reasoning.effort == "low"
    assert request.output_format is not None and request.output_format.name == "x"
    assert request.advisory == {"seed": 3}
    assert request.tool_choice is not None and request.tool_choice.parallel is False


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"n": 2}, "n"),
        ({"logprobs": True}, "logprobs"),
        (
            {
                "messages": [
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{oops"}}
                        ],
                    }
                ]
            },
            "messages[0].tool_calls[0].function.arguments",
        ),
        ({"messages": [{"role": "tool", "content": "x"}]}, "messages[0].tool_call_id"),
    ],
)
def test_what_other_providers_cannot_honour_is_refused_by_name(fields: dict[str, Any], param: str) -> None:
    with pytest.raises(GatewayError) as caught:
        decoded(**fields)
    assert caught.value.code is ErrorCode.INVALID_REQUEST and caught.value.param == param


def sdk(body: bytes, content_type: str) -> openai.OpenAI:
    def reply(_: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": content_type})

    return openai.OpenAI(
        api_key="k",
        base_url="http://gw/api/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(reply)),
    )


def test_encoded_response_is_what_the_sdk_expects() -> None:
    response = Response(
        id="msg_1",
        model="claude",
        stop_reason="tool_use",
        usage=Usage(input_tokens=10, cache_read_tokens=5, output_tokens=7),
        content=(
            ThinkingBlock(thinking="hmm", signature="s"),
            TextBlock(text="Looking."),
            ToolUseBlock(id="toolu_1", name="w", input={"city": "Zürich"}),
        ),
    )
    body = json.dumps(encode_response(response, VIEW)).encode()
    completion = sdk(body, "application/json").chat.completions.create(model="m", messages=[])
    assert completion.id == "gen-abc" and completion.model == VIEW.model
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content == "Looking."
    assert choice.message.tool_calls is not None
    call = choice.message.tool_calls[0]
    assert call.type == "function" and json.loads(call.function.arguments) == {"city": "Zürich"}
    assert completion.usage is not None and completion.usage.prompt_tokens == 15
    assert completion.usage.prompt_tokens_details is not None
    assert completion.usage.prompt_tokens_details.cached_tokens == 5


def stream_events() -> list[Event]:
    return [
        MessageStart(id="x", model="claude"),
        BlockStart(index=0, block=ThinkingBlock(thinking="")),
        ThinkingDelta(index=0, thinking="hm"),
        BlockStop(index=0),
        BlockStart(index=1, block=TextBlock(text="")),
        TextDelta(index=1, text="Hé"),
        TextDelta(index=1, text="llo"),
        BlockStop(index=1),
        BlockStart(index=2, block=ToolUseBlock(id="t1", name="w", input={})),
        ArgumentsDelta(index=2, partial_json='{"city":'),
        ArgumentsDelta(index=2, partial_json='"Paris"}'),
        BlockStop(index=2),
        BlockStart(index=3, block=ToolUseBlock(id="t2", name="w", input={})),
        ArgumentsDelta(index=3, partial_json='{"city":"Oslo"}'),
        BlockStop(index=3),
        UsageUpdate(usage=Usage(input_tokens=20, output_tokens=9)),
        Finish(stop_reason="tool_use"),
    ]


def test_encoded_stream_is_what_the_sdk_expects() -> None:
    encoder = StreamEncoder(VIEW)
    raw = b"".join(frame for event in stream_events() for frame in encoder.encode(event))
    assert raw.endswith(b"data: [DONE]\n\n")
    chunks = list(sdk(raw, "text/event-stream").chat.completions.create(model="m", messages=[], stream=True))
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Héllo"
    calls: dict[int, dict[str, str]] = {}
    for chunk in chunks:
        for call in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
            entry = calls.setdefault(call.index, {"id": "", "arguments": ""})
            entry["id"] += call.id or ""
            entry["arguments"] += call.function.arguments or "" if call.function else ""
    assert calls == {
        0: {"id": "t1", "arguments": '{"city":"Paris"}'},
        1: {"id": "t2", "arguments": '{"city":"Oslo"}'},
    }
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["tool_calls"]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 29
