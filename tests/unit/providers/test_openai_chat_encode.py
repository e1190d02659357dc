"""IR -> Chat Completions request: every feature carried, or refused by name."""

from __future__ import annotations

from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.content import (
    AudioBlock,
    Block,
    CacheControl,
    DocumentBlock,
    ImageBlock,
    MediaSource,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from hyperinfer.ir.request import Message, OutputFormat, Reasoning, Request, Tool, ToolChoice
from hyperinfer.providers.openai_chat.encode import encode_request
from hyperinfer.providers.target import Target

TARGET = Target(upstream_model="gpt-4.1", max_output_tokens=32768, stream=False, reasoning=True)


def user(*blocks: Block) -> Message:
    return Message(role="user", content=blocks)


def encode(**fields: object) -> tuple[dict[str, Any], tuple[str, ...]]:
    fields.setdefault("messages", (user(TextBlock(text="hi")),))
    encoded = encode_request(Request(model="m", **fields), TARGET)
    return encoded.body, encoded.dropped


def refused(**fields: object) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        encode(**fields)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    return caught.value


def test_system_first_then_developer_messages_keep_their_position() -> None:
    body, _ = encode(
        system=(TextBlock(text="Be brief."),),
        messages=(
            user(TextBlock(text="a")),
            Message(role="developer", content=(TextBlock(text="rule"),)),
            user(TextBlock(text="b")),
        ),
    )
    assert [m["role"] for m in body["messages"]] == ["system", "user", "developer", "user"]
    assert body["messages"][0]["content"] == "Be brief."


def test_tool_round_trip_becomes_tool_calls_and_tool_messages() -> None:
    call = ToolUseBlock(id="toolu_1", name="get_weather", input={"city": "Zürich"})
    body, _ = encode(
        messages=(
            user(TextBlock(text="weather?")),
            Message(role="assistant", content=(TextBlock(text="Let me look."), call)),
            user(
                ToolResultBlock(tool_use_id="toolu_1", content=(TextBlock(text="12°C"),)),
                ToolResultBlock(
                    tool_use_id="toolu_2", content=(TextBlock(text="no such city"),), is_error=True
                ),
                TextBlock(text="thanks"),
            ),
        )
    )
    messages = body["messages"]
    assert messages[1] == {
        "role": "assistant",
        "content": "Let me look.",
        "tool_calls": [
            {
                "id": "toolu_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Zürich"}'},
            }
        ],
    }
    assert messages[2] == {"role": "tool", "tool_call_id": "toolu_1", "content": "12°C"}
    assert messages[3] == {"role": "tool", "tool_call_id": "toolu_2", "content": "Error: no such city"}
    assert messages[4] == {"role": "user", "content": [{"type": "text", "text": "thanks"}]}


def test_images_in_tool_results_follow_in_a_user_message() -> None:
    image = ImageBlock(source=MediaSource(kind="base64", media_type="image/png", data="iVBOR"))
    body, _ = encode(
        messages=(user(ToolResultBlock(tool_use_id="t", content=(TextBlock(text="shot"), image))),)
    )
    tool, follow = body["messages"]
    assert tool == {"role": "tool", "tool_call_id": "t", "content": "shot"}
    assert follow["content"] == [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR"}}]


def test_images_documents_and_audio_use_chat_parts() -> None:
    body, _ = encode(
        messages=(
            user(
                ImageBlock(source=MediaSource(kind="url", url="https://x/cat.png"), detail="low"),
                DocumentBlock(
                    source=MediaSource(kind="base64", media_type="application/pdf", data="JVBER"), title="Q3"
                ),
                DocumentBlock(source=MediaSource(kind="text", data="plain words")),
                AudioBlock(data="UklG", format="wav"),
            ),
        )
    )
    parts = body["messages"][0]["content"]
    assert parts == [
        {"type": "image_url", "image_url": {"url": "https://x/cat.png", "detail": "low"}},
        {"type": "file", "file": {"filename": "Q3", "file_data": "data:application/pdf;base64,JVBER"}},
        {"type": "text", "text": "plain words"},
        {"type": "input_audio", "input_audio": {"data": "UklG", "format": "wav"}},
    ]


def test_documents_by_url_are_refused_by_path() -> None:
    doc = DocumentBlock(source=MediaSource(kind="url", url="https://x/a.pdf"))
    assert refused(messages=(user(TextBlock(text="read"), doc),)).param == "messages[0].content[1]"


def test_tools_choice_and_parallelism() -> None:
    body, dropped = encode(
        tools=(
            Tool(
                name="f",
                description="d",
                parameters={"type": "object"},
                strict=True,
                cache_control=CacheControl(),
            ),
        ),
        tool_choice=ToolChoice(mode="tool", name="f", parallel=False),
    )
    assert body["tools"] == [
        {
            "type": "function",
            "function": {"name": "f", "parameters": {"type": "object"}, "description": "d", "strict": True},
        }
    ]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    assert body["parallel_tool_calls"] is False
    assert dropped == ("tools[0].cache_control",)


@pytest.mark.parametrize(("mode", "wire"), [("auto", "auto"), ("none", "none"), ("required", "required")])
def test_tool_choice_modes(mode: str, wire: str) -> None:
    body, _ = encode(tools=(Tool(name="f"),), tool_choice=ToolChoice(mode=mode))
    assert body["tool_choice"] == wire


def test_sampling_is_validated_not_clamped() -> None:
    body, _ = encode(temperature=1.5, top_p=0.5, stop=("END",), max_output_tokens=100)
    assert (body["temperature"], body["top_p"], body["stop"], body["max_completion_tokens"]) == (
        1.5,
        0.5,
        ["END"],
        100,
    )
    assert refused(temperature=2.5).param == "temperature"
    assert refused(top_k=5).param == "top_k"
    assert refused(stop=("a", "b", "c", "d", "e")).param == "stop"


@pytest.mark.parametrize(
    ("reasoning", "effort"),
    [
        (Reasoning(effort="high"), "high"),
        (Reasoning(budget_tokens=1024), "minimal"),
        (Reasoning(budget_tokens=5000), "medium"),
        (Reasoning(budget_tokens=64000), "xhigh"),
        (Reasoning(enabled=False), "none"),
    ],
)
def test_reasoning_becomes_an_effort(reasoning: Reasoning, effort: str) -> None:
    assert encode(reasoning=reasoning)[0]["reasoning_effort"] == effort


def test_reasoning_on_a_model_that_does_not_reason_is_reported_dropped() -> None:
    encoded = encode_request(
        Request(model="m", messages=(user(TextBlock(text="hi")),), reasoning=Reasoning(effort="low")),
        Target(upstream_model="gpt-4.1", max_output_tokens=10, stream=False, reasoning=False),
    )
    assert "reasoning_effort" not in encoded.body and encoded.dropped == ("reasoning",)


def test_structured_output_becomes_response_format() -> None:
    fmt = OutputFormat.model_validate(
        {"kind": "json_schema", "name": "answer", "schema": {"type": "object"}, "strict": True}
    )
    body, _ = encode(output_format=fmt)
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": True},
    }


def test_thinking_history_and_advisory_fields_are_reported_dropped() -> None:
    _, dropped = encode(
        messages=(
            user(TextBlock(text="q")),
            Message(
                role="assistant", content=(ThinkingBlock(thinking="hmm", signature="s"), TextBlock(text="a"))
            ),
        ),
        advisory={"context_management": {}},
    )
    assert dropped == ("messages[1].content[0]", "context_management")


def test_streams_ask_for_usage() -> None:
    encoded = encode_request(
        Request(model="m", messages=(user(TextBlock(text="hi")),)),
        Target(upstream_model="gpt-4.1", max_output_tokens=10, stream=True),
    )
    assert encoded.body["stream"] is True and encoded.body["stream_options"] == {"include_usage": True}
