"""openai_compatible: each ``compat`` option changes the wire as the README documents, and the
catalog refuses options that cannot mean anything."""

from __future__ import annotations

from typing import Any

import pytest
from hyperinfer.catalog import CompatOptions, Provider
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolResultBlock, ToolUseBlock
from hyperinfer.ir.request import Message, Reasoning, Request, Tool, ToolChoice
from hyperinfer.providers.contract import Credentials
from hyperinfer.providers.openai_chat.encode import encode_request as encode_openai
from hyperinfer.providers.openai_compatible import ADAPTER
from pydantic import ValidationError

TOOL = Tool(name="get_weather", parameters={"type": "object", "properties": {"city": {"type": "string"}}})
CALL = ToolUseBlock(id="call_1", name="get_weather", input={"city": "Paris"})
DEEPSEEK = CompatOptions(
    reasoning_echo=True,
    thinking_toggle=True,
    cached_tokens_field="prompt_cache_hit_tokens",
    unsupported=("user", "metadata", "parallel_tool_calls"),
)


def target(options: CompatOptions | None, *, reasoning: bool = True) -> Any:
    from hyperinfer.providers.target import Target

    return Target(
        upstream_model="deepseek-v4-flash",
        max_output_tokens=8192,
        stream=False,
        reasoning=reasoning,
        compat=options,
    )


def request(**fields: Any) -> Request:
    fields.setdefault("messages", (Message(role="user", content=(TextBlock(text="hi"),)),))
    return Request(model="deepseek/deepseek-v4-flash", **fields)


def encode(options: CompatOptions | None, **fields: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
    encoded = ADAPTER.encode_request(request(**fields), target(options))
    return encoded.body, encoded.dropped


def tool_turns(thinking: str | None) -> tuple[Message, ...]:
    assistant = (ThinkingBlock(thinking=thinking, signature="sig"), CALL) if thinking else (CALL,)
    return (
        Message(role="user", content=(TextBlock(text="Weather in Paris?"),)),
        Message(role="assistant", content=assistant),
        Message(
            role="user", content=(ToolResultBlock(tool_use_id="call_1", content=(TextBlock(text="12°C"),)),)
        ),
    )


def test_without_options_the_body_is_openais_but_for_the_cap_field() -> None:
    fields = {"max_output_tokens": 100, "temperature": 0.3, "user": "u1"}
    body, _ = encode(None, **fields)
    from hyperinfer.providers.target import Target

    openai = encode_openai(request(**fields), Target("deepseek-v4-flash", 8192, False, True)).body
    assert body.pop("max_tokens") == openai.pop("max_completion_tokens") == 100
    assert body == openai


def test_max_tokens_field_names_the_cap() -> None:
    body, _ = encode(CompatOptions(max_tokens_field="max_completion_tokens"), max_output_tokens=50)
    assert body["max_completion_tokens"] == 50 and "max_tokens" not in body
    body, _ = encode(CompatOptions(max_tokens_field="max_tokens"), max_output_tokens=50)
    assert body["max_tokens"] == 50 and "max_completion_tokens" not in body


def test_advisory_refused_fields_are_left_out_and_named() -> None:
    body, dropped = encode(
        DEEPSEEK,
        user="u1",
        metadata={"k": "v"},
        tools=(TOOL,),
        tool_choice=ToolChoice(mode="auto", parallel=True),
    )
    assert not {"user", "metadata", "parallel_tool_calls"} & set(body)
    assert {"user", "metadata", "parallel_tool_calls"} <= set(dropped)
    # The same request to a server that takes them carries them.
    body, dropped = encode(
        CompatOptions(),
        user="u1",
        metadata={"k": "v"},
        tools=(TOOL,),
        tool_choice=ToolChoice(mode="auto", parallel=True),
    )
    assert body["user"] == "u1" and body["metadata"] == {"k": "v"} and body["parallel_tool_calls"] is True
    assert not dropped


@pytest.mark.parametrize(
    ("unsupported", "fields", "param"),
    [
        (("temperature",), {"temperature": 0.2}, "temperature"),
        (("stop",), {"stop": ("END",)}, "stop"),
        (("tools",), {"tools": (TOOL,)}, "tools"),
        (
            ("parallel_tool_calls",),
            {"tools": (TOOL,), "tool_choice": ToolChoice(mode="auto", parallel=False)},
            "parallel_tool_calls",
        ),
    ],
)
def test_refused_fields_that_change_the_answer_are_a_400_naming_them(
    unsupported: tuple[Any, ...], fields: dict[str, Any], param: str
) -> None:
    with pytest.raises(GatewayError) as caught:
        encode(CompatOptions(unsupported=unsupported), **fields)
    assert caught.value.code is ErrorCode.INVALID_REQUEST and caught.value.param == param
    assert param in caught.value.message


def test_message_names_are_dropped_with_their_path() -> None:
    named = Message(role="user", content=(TextBlock(text="hi"),), name="alice")
    body, dropped = encode(CompatOptions(unsupported=("messages[].name",)), messages=(named,))
    assert "name" not in body["messages"][0] and dropped == ("messages[0].name",)
    body, _ = encode(CompatOptions(), messages=(named,))
    assert body["messages"][0]["name"] == "alice"


def test_refused_reasoning_effort_is_advisory() -> None:
    body, dropped = encode(
        CompatOptions(unsupported=("reasoning_effort",)), reasoning=Reasoning(effort="high")
    )
    assert "reasoning_effort" not in body and "reasoning" in dropped


def test_thinking_toggle_switches_reasoning_with_the_thinking_field() -> None:
    off, _ = encode(DEEPSEEK, reasoning=Reasoning(enabled=False))
    assert off["thinking"] == {"type": "disabled"} and "reasoning_effort" not in off
    on, _ = encode(DEEPSEEK, reasoning=Reasoning(effort="high"))
    assert on["thinking"] == {"type": "enabled"} and on["reasoning_effort"] == "high"
    plain, _ = encode(CompatOptions(), reasoning=Reasoning(enabled=False))
    assert "thinking" not in plain and plain["reasoning_effort"] == "none"
    untouched, _ = encode(DEEPSEEK)  # no reasoning asked: the server's default stands
    assert "thinking" not in untouched


def test_reasoning_echo_sends_a_tool_turns_thinking_back_in_the_reasoning_field() -> None:
    body, dropped = encode(DEEPSEEK, messages=tool_turns("I should call the tool."), tools=(TOOL,))
    [assistant] = [m for m in body["messages"] if m["role"] == "assistant"]
    assert assistant["reasoning_content"] == "I should call the tool."
    assert not any(d.startswith("messages[1]") for d in dropped)
    # A tool turn that had no thinking (another model's) still carries the field, empty.
    body, _ = encode(DEEPSEEK, messages=tool_turns(None), tools=(TOOL,))
    assert next(m for m in body["messages"] if m["role"] == "assistant")["reasoning_content"] == ""
    # Without the option, reasoning never goes back (OpenAI's rule) and is named dropped.
    body, dropped = encode(CompatOptions(), messages=tool_turns("I should call the tool."), tools=(TOOL,))
    assert "reasoning_content" not in next(m for m in body["messages"] if m["role"] == "assistant")
    assert "messages[1].content[0]" in dropped


def test_reasoning_echo_uses_the_configured_field() -> None:
    options = CompatOptions(reasoning_field="reasoning", reasoning_echo=True)
    body, _ = encode(options, messages=tool_turns("thought"), tools=(TOOL,))
    assistant = next(m for m in body["messages"] if m["role"] == "assistant")
    assert assistant["reasoning"] == "thought" and "reasoning_content" not in assistant


def test_no_key_means_no_authorization_header() -> None:
    assert "Authorization" not in ADAPTER.headers(Credentials())
    assert ADAPTER.headers(Credentials(api_key="sk-x"))["Authorization"] == "Bearer sk-x"
    assert (
        ADAPTER.url("http://127.0.0.1:11434/v1", "qwen3:8b", True)
        == "http://127.0.0.1:11434/v1/chat/completions"
    )


@pytest.mark.parametrize(
    "entry",
    [
        {
            "kind": "openai_compatible",
            "base_url": "https://x.test",
            "compat": {"reasoning_feild": "reasoning"},
        },
        {
            "kind": "openai_compatible",
            "base_url": "https://x.test",
            "compat": {"unsupported": ["temprature"]},
        },
        {
            "kind": "openai_compatible",
            "base_url": "https://x.test",
            "compat": {"cached_tokens_field": "a..b"},
        },
        {"kind": "openai_chat", "base_url": "https://x.test", "api_key_env": "K", "compat": {}},
        {"kind": "openai_chat", "base_url": "https://x.test"},
    ],
    ids=["unknown-option", "unknown-field", "bad-path", "compat-on-openai", "openai-without-key"],
)
def test_the_catalog_refuses_options_that_cannot_mean_anything(entry: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Provider.model_validate(entry)


def test_a_compatible_server_may_take_no_key() -> None:
    provider = Provider.model_validate({"kind": "openai_compatible", "base_url": "http://127.0.0.1:11434/v1"})
    assert provider.api_key_env == "" and provider.compat is None
