"""IR requests into Anthropic Messages bodies: every feature, every rejection, every reported drop."""

from __future__ import annotations

import json
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
    RedactedThinkingBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from hyperinfer.ir.effort import EFFORT_BUDGET, BudgetEffort
from hyperinfer.ir.request import Message, OutputFormat, Reasoning, Request, Tool, ToolChoice
from hyperinfer.providers import anthropic
from hyperinfer.providers.anthropic.encode import encode_request
from hyperinfer.providers.anthropic.hints import AnthropicEncoded
from hyperinfer.providers.contract import Credentials
from hyperinfer.providers.target import Encoded, Target

TARGET = Target(
    upstream_model="claude-sonnet-4-5-20250929", max_output_tokens=64000, stream=False, reasoning=True
)
PLAIN = Target(upstream_model="claude-3-5-haiku-20241022", max_output_tokens=8192, stream=False)
WEATHER = Tool(
    name="get_weather",
    description="Weather in a city",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)
SCHEMA = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}


def text(value: str, **kwargs: Any) -> TextBlock:
    return TextBlock(text=value, **kwargs)


def msg(role: str, *blocks: Block, **kwargs: Any) -> Message:
    return Message.model_validate({"role": role, "content": blocks, **kwargs})


def request(*messages: Message, **kwargs: Any) -> Request:
    return Request(
        model="anthropic/claude-sonnet-4.5", messages=messages or (msg("user", text("Hi")),), **kwargs
    )


def encode(req: Request, target: Target = TARGET) -> AnthropicEncoded:
    return encode_request(req, target)


def rejected(req: Request, target: Target = TARGET) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        encode_request(req, target)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert caught.value.message.startswith(f"{caught.value.param}: ")
    return caught.value


# ------------------------------------------------------------------------------------ basics


def test_url_and_headers_speak_anthropics_auth_and_version() -> None:
    messages = anthropic.ADAPTER.url("https://api.anthropic.com/v1", "claude-x", True)
    assert messages == "https://api.anthropic.com/v1/messages"
    assert anthropic.ADAPTER.headers(Credentials(api_key="sk-ant-x")) == {
        "x-api-key": "sk-ant-x",
        "anthropic-version": "2023-06-01",
        "content-type": "application/json",
    }


def test_minimal_request_uses_the_upstream_model_and_the_catalog_max_tokens() -> None:
    encoded = encode(request())
    assert isinstance(encoded, Encoded)
    assert encoded.body == {
        "model": "claude-sonnet-4-5-20250929",
        "max_tokens": 64000,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
    }
    assert encoded.dropped == ()
    assert encoded.hints.structured_tool is None
    json.dumps(encoded.body)  # the body is plain JSON


def test_client_max_tokens_wins_and_streaming_targets_ask_for_a_stream() -> None:
    streaming = Target(upstream_model="m", max_output_tokens=64000, stream=True)
    body = encode(request(max_output_tokens=300), streaming).body
    assert body["max_tokens"] == 300
    assert body["stream"] is True


# ------------------------------------------------------------------------------------ system


def test_system_blocks_and_leading_system_and_developer_messages_become_top_level_system() -> None:
    cached = CacheControl(ttl="1h")
    req = request(
        msg("system", text("Be brief.", cache_control=cached)),
        msg("developer", text("Answer in French.")),
        msg("user", text("Hi")),
        system=(text("You are HyperInfer."),),
    )
    body = encode(req).body
    assert body["system"] == [
        {"type": "text", "text": "You are HyperInfer."},
        {"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral", "ttl": "1h"}},
        {"type": "text", "text": "Answer in French."},
    ]
    assert [m["role"] for m in body["messages"]] == ["user"]


def test_a_later_system_message_is_hoisted_into_system_in_order_and_the_turns_around_it_merge() -> None:
    req = request(
        msg("system", text("First.")),
        msg("user", text("One")),
        msg("system", text("Second.")),
        msg("user", text("Two")),
    )
    body = encode(req).body
    assert [block["text"] for block in body["system"]] == ["First.", "Second."]
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "One"}, {"type": "text", "text": "Two"}]}
    ]


def test_a_system_message_with_an_image_is_rejected_with_its_path() -> None:
    image = ImageBlock(source=MediaSource(kind="url", url="https://x/y.png"))
    error = rejected(request(msg("user", text("Hi")), msg("system", image)))
    assert error.param == "messages[1].content[0]"


# ------------------------------------------------------------------------------------ turns


def test_consecutive_turns_of_one_role_merge_and_tool_results_lead_the_user_turn() -> None:
    call = ToolUseBlock(id="toolu_1", name="get_weather", input={"city": "Paris"})
    req = request(
        msg("user", text("Weather?")),
        msg("assistant", text("Checking.")),
        msg("assistant", call),
        msg("user", text("Also: thanks")),
        msg("user", ToolResultBlock(tool_use_id="toolu_1", content=(text("18°C"),))),
    )
    messages = encode(req).body["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[1]["content"] == [
        {"type": "text", "text": "Checking."},
        {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}},
    ]
    assert [block["type"] for block in messages[2]["content"]] == ["tool_result", "text"]


def test_tool_results_carry_text_images_documents_errors_and_cache_points() -> None:
    result = ToolResultBlock(
        tool_use_id="toolu_9",
        content=(
            text("failed"),
            text(""),
            ImageBlock(source=MediaSource(kind="base64", media_type="image/png", data="iVBOR")),
            DocumentBlock(source=MediaSource(kind="text", data="log line")),
        ),
        is_error=True,
        cache_control=CacheControl(),
    )
    block = encode(request(msg("user", result))).body["messages"][0]["content"][0]
    assert block == {
        "type": "tool_result",
        "tool_use_id": "toolu_9",
        "content": [
            {"type": "text", "text": "failed"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBOR"}},
            {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "log line"}},
        ],
        "is_error": True,
        "cache_control": {"type": "ephemeral"},
    }


def test_an_empty_tool_result_sends_no_content_and_no_error_flag() -> None:
    block = encode(request(msg("user", ToolResultBlock(tool_use_id="t")))).body["messages"][0]["content"][0]
    assert block == {"type": "tool_result", "tool_use_id": "t"}


def test_empty_text_and_turns_left_empty_are_not_sent() -> None:
    req = request(msg("user", text("Hi")), msg("assistant", text("")), msg("user", text("Again")))
    assert encode(req).body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "text", "text": "Again"}]}
    ]


def test_message_names_and_earlier_citations_are_reported_dropped() -> None:
    cited = text("Paris", citations=({"type": "url_citation", "url": "https://x"},))
    req = request(msg("user", text("Hi"), name="alice"), msg("assistant", cited))
    encoded = encode(req)
    assert encoded.body["messages"][1]["content"] == [{"type": "text", "text": "Paris"}]
    assert encoded.dropped == ("messages[0].name", "messages[1].content[0].citations")


# ------------------------------------------------------------------------------------ media


@pytest.mark.parametrize(
    ("source", "wire"),
    [
        (
            MediaSource(kind="base64", media_type="image/jpeg", data="/9j/"),
            {"type": "base64", "media_type": "image/jpeg", "data": "/9j/"},
        ),
        (MediaSource(kind="url", url="https://x/cat.png"), {"type": "url", "url": "https://x/cat.png"}),
        (MediaSource(kind="file_id", file_id="file_011C"), {"type": "file", "file_id": "file_011C"}),
    ],
)
def test_image_sources_map_to_anthropics_three_kinds(source: MediaSource, wire: dict[str, Any]) -> None:
    image = ImageBlock(source=source, cache_control=CacheControl())
    block = encode(request(msg("user", image))).body["messages"][0]["content"][0]
    assert block == {"type": "image", "source": wire, "cache_control": {"type": "ephemeral"}}


def test_an_image_media_type_anthropic_does_not_take_is_rejected_with_its_path() -> None:
    image = ImageBlock(source=MediaSource(kind="base64", media_type="image/tiff", data="x"))
    error = rejected(request(msg("user", text("look"), image)))
    assert error.param == "messages[0].content[1].source"
    assert "image/tiff" in error.message


def test_an_image_detail_is_reported_dropped() -> None:
    image = ImageBlock(source=MediaSource(kind="url", url="https://x/a.png"), detail="high")
    assert encode(request(msg("user", image))).dropped == ("messages[0].content[0].detail",)


@pytest.mark.parametrize(
    ("source", "wire"),
    [
        (
            MediaSource(kind="base64", data="JVBERi0"),
            {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0"},
        ),
        (MediaSource(kind="url", url="https://x/a.pdf"), {"type": "url", "url": "https://x/a.pdf"}),
        (
            MediaSource(kind="text", data="plain"),
            {"type": "text", "media_type": "text/plain", "data": "plain"},
        ),
        (MediaSource(kind="file_id", file_id="file_1"), {"type": "file", "file_id": "file_1"}),
    ],
)
def test_document_sources_titles_context_and_cache_points(source: MediaSource, wire: dict[str, Any]) -> None:
    document = DocumentBlock(
        source=source, title="Report", context="Q3", cache_control=CacheControl(ttl="5m")
    )
    block = encode(request(msg("user", document))).body["messages"][0]["content"][0]
    assert block == {
        "type": "document",
        "source": wire,
        "title": "Report",
        "context": "Q3",
        "cache_control": {"type": "ephemeral", "ttl": "5m"},
    }


def test_a_document_file_name_becomes_its_title_when_it_has_none() -> None:
    document = DocumentBlock(source=MediaSource(kind="base64", data="JVB"), filename="q3.pdf")
    assert encode(request(msg("user", document))).body["messages"][0]["content"][0]["title"] == "q3.pdf"


def test_audio_is_rejected_naming_the_block() -> None:
    req = request(
        msg("user", text("a")),
        msg("assistant", text("b")),
        msg("user", AudioBlock(data="UklGR", format="wav")),
    )
    error = rejected(req)
    assert error.param == "messages[2].content[0]"
    assert "audio" in error.message


@pytest.mark.parametrize(
    ("role", "block"),
    [
        ("assistant", ImageBlock(source=MediaSource(kind="url", url="https://x/a.png"))),
        ("user", ToolUseBlock(id="t", name="n", input={})),
        ("assistant", ToolResultBlock(tool_use_id="t")),
    ],
)
def test_a_block_anthropic_does_not_take_in_that_role_is_rejected(role: str, block: Block) -> None:
    assert rejected(request(msg("user", text("x")), msg(role, block))).param == "messages[1].content[0]"


# ------------------------------------------------------------------------------------ thinking


def test_signed_thinking_goes_back_unsigned_thinking_is_dropped_and_redacted_passes() -> None:
    req = request(
        msg("user", text("Q")),
        msg(
            "assistant",
            ThinkingBlock(thinking="hmm", signature="sig=="),
            ThinkingBlock(thinking="from another provider", encrypted="gAAA"),
            RedactedThinkingBlock(data="EmwKAhgB"),
            text("A"),
        ),
    )
    encoded = encode(req)
    assert encoded.body["messages"][1]["content"] == [
        {"type": "thinking", "thinking": "hmm", "signature": "sig=="},
        {"type": "redacted_thinking", "data": "EmwKAhgB"},
        {"type": "text", "text": "A"},
    ]
    assert encoded.dropped == ("messages[1].content[1]",)


# ------------------------------------------------------------------------------------ tools


def test_tools_carry_name_description_schema_and_cache_point_and_strict_is_reported_dropped() -> None:
    strict = Tool(name="lookup", parameters={"type": "object"}, strict=True, cache_control=CacheControl())
    encoded = encode(request(tools=(WEATHER, strict)))
    assert encoded.body["tools"] == [
        {"name": "get_weather", "description": "Weather in a city", "input_schema": WEATHER.parameters},
        {"name": "lookup", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral"}},
    ]
    assert encoded.dropped == ("tools[1].strict",)


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        (ToolChoice(mode="auto"), {"type": "auto"}),
        (ToolChoice(mode="none"), {"type": "none"}),
        (ToolChoice(mode="required"), {"type": "any"}),
        (ToolChoice(mode="tool", name="get_weather"), {"type": "tool", "name": "get_weather"}),
        (ToolChoice(mode="auto", parallel=False), {"type": "auto", "disable_parallel_tool_use": True}),
        (ToolChoice(mode="required", parallel=False), {"type": "any", "disable_parallel_tool_use": True}),
        (ToolChoice(mode="none", parallel=False), {"type": "none"}),
    ],
)
def test_tool_choice_modes(choice: ToolChoice, wire: dict[str, Any]) -> None:
    assert encode(request(tools=(WEATHER,), tool_choice=choice)).body["tool_choice"] == wire


def test_a_tool_choice_without_tools_is_left_out_when_harmless_and_rejected_when_it_forces() -> None:
    assert "tool_choice" not in encode(request(tool_choice=ToolChoice(mode="auto"))).body
    assert rejected(request(tool_choice=ToolChoice(mode="required"))).param == "tool_choice"


def test_forcing_a_tool_that_is_not_offered_is_rejected() -> None:
    error = rejected(request(tools=(WEATHER,), tool_choice=ToolChoice(mode="tool", name="nope")))
    assert error.param == "tool_choice"


# ------------------------------------------------------------------------------------ sampling


def test_sampling_parameters_and_stop_sequences() -> None:
    body = encode(request(temperature=0.2, top_p=0.9, top_k=40, stop=("END", "###"))).body
    assert (body["temperature"], body["top_p"], body["top_k"]) == (0.2, 0.9, 40)
    assert body["stop_sequences"] == ["END", "###"]


@pytest.mark.parametrize("temperature", [0.0, 1.0])
def test_temperatures_at_anthropics_bounds_pass(temperature: float) -> None:
    assert encode(request(temperature=temperature)).body["temperature"] == temperature


def test_a_temperature_above_one_is_rejected_not_clamped() -> None:
    error = rejected(request(temperature=1.5))
    assert error.param == "temperature"
    assert "1.5" in error.message


# ------------------------------------------------------------------------------------ reasoning


def test_a_thinking_budget_is_sent_as_is() -> None:
    body = encode(request(reasoning=Reasoning(budget_tokens=5000), max_output_tokens=20000)).body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 5000}


@pytest.mark.parametrize(
    ("budget", "param"), [(1000, "reasoning.budget_tokens"), (4000, "reasoning.budget_tokens")]
)
def test_a_budget_below_1024_or_not_below_max_tokens_is_rejected(budget: int, param: str) -> None:
    assert rejected(request(reasoning=Reasoning(budget_tokens=budget), max_output_tokens=4000)).param == param


@pytest.mark.parametrize("effort", ["minimal", "low", "medium", "high", "xhigh"])
def test_effort_becomes_the_documented_budget(effort: BudgetEffort) -> None:
    reasoning = Reasoning.model_validate({"effort": effort})
    body = encode(request(reasoning=reasoning)).body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": EFFORT_BUDGET[effort]}


def test_the_effort_table_rises_and_respects_anthropics_minimum() -> None:
    budgets = [EFFORT_BUDGET[e] for e in ("minimal", "low", "medium", "high", "xhigh")]
    assert budgets == sorted(budgets) and budgets[0] == 1024


def test_an_effort_budget_is_capped_below_the_clients_max_tokens() -> None:
    body = encode(request(reasoning=Reasoning(effort="high"), max_output_tokens=4000)).body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 3999}


def test_max_tokens_too_small_for_any_thinking_budget_is_rejected_naming_max_tokens() -> None:
    error = rejected(request(reasoning=Reasoning(effort="low"), max_output_tokens=1024))
    assert error.param == "max_tokens"


def test_reasoning_without_effort_or_budget_uses_medium() -> None:
    body = encode(request(reasoning=Reasoning())).body
    assert body["thinking"]["budget_tokens"] == EFFORT_BUDGET["medium"]


def test_reasoning_off_disables_thinking_and_effort_none_sends_nothing() -> None:
    assert encode(request(reasoning=Reasoning(enabled=False))).body["thinking"] == {"type": "disabled"}
    assert "thinking" not in encode(request(reasoning=Reasoning(effort="none"))).body


def test_adaptive_thinking_and_its_effort() -> None:
    assert encode(request(reasoning=Reasoning(adaptive=True))).body["thinking"] == {"type": "adaptive"}
    body = encode(request(reasoning=Reasoning(adaptive=True, effort="high"))).body
    assert (body["thinking"], body["output_config"]) == ({"type": "adaptive"}, {"effort": "high"})
    assert rejected(request(reasoning=Reasoning(adaptive=True, effort="minimal"))).param == "reasoning.effort"


def test_an_effort_beside_a_budget_or_disabled_thinking_is_anthropics_output_effort() -> None:
    body = encode(request(reasoning=Reasoning(budget_tokens=2000, effort="low"))).body
    assert (body["thinking"], body["output_config"]) == (
        {"type": "enabled", "budget_tokens": 2000},
        {"effort": "low"},
    )
    body = encode(request(reasoning=Reasoning(enabled=False, effort="medium"))).body
    assert (body["thinking"], body["output_config"]) == ({"type": "disabled"}, {"effort": "medium"})


def test_reasoning_on_a_model_that_does_not_reason_is_rejected_and_turning_it_off_is_a_no_op() -> None:
    assert rejected(request(reasoning=Reasoning(effort="high")), PLAIN).param == "reasoning"
    assert "thinking" not in encode(request(reasoning=Reasoning(enabled=False)), PLAIN).body


def test_forcing_a_tool_while_thinking_is_rejected() -> None:
    req = request(
        tools=(WEATHER,), tool_choice=ToolChoice(mode="required"), reasoning=Reasoning(effort="low")
    )
    assert rejected(req).param == "tool_choice"


# ------------------------------------------------------------------------------------ output format


def test_a_json_schema_is_emulated_with_a_forced_tool_named_after_the_format() -> None:
    fmt = OutputFormat.model_validate(
        {"kind": "json_schema", "name": "answer", "schema": SCHEMA, "strict": True}
    )
    encoded = encode(request(output_format=fmt))
    tool = encoded.body["tools"][0]
    assert (tool["name"], tool["input_schema"]) == ("answer", SCHEMA)
    assert "final answer" in tool["description"]
    assert encoded.body["tool_choice"] == {
        "type": "tool",
        "name": "answer",
        "disable_parallel_tool_use": True,
    }
    assert encoded.hints.structured_tool == "answer"
    assert encoded.dropped == ("output_format.strict",)


def test_json_object_forces_an_object_tool_with_the_default_name() -> None:
    encoded = encode(request(output_format=OutputFormat(kind="json_object")))
    assert encoded.body["tools"][0]["name"] == "json_output"
    assert encoded.body["tools"][0]["input_schema"] == {"type": "object"}
    assert encoded.hints.structured_tool == "json_output"


def test_a_format_name_anthropic_cannot_use_as_a_tool_name_falls_back_to_the_default() -> None:
    fmt = OutputFormat.model_validate({"kind": "json_schema", "name": "my answer!", "schema": SCHEMA})
    assert encode(request(output_format=fmt)).hints.structured_tool == "json_output"


def test_a_text_output_format_changes_nothing() -> None:
    encoded = encode(request(output_format=OutputFormat(kind="text")))
    assert "tools" not in encoded.body and encoded.hints.structured_tool is None


def test_with_client_tools_the_model_must_call_a_tool_or_answer_through_the_output_tool() -> None:
    fmt = OutputFormat.model_validate({"kind": "json_schema", "name": "answer", "schema": SCHEMA})
    body = encode(request(tools=(WEATHER,), output_format=fmt)).body
    assert [tool["name"] for tool in body["tools"]] == ["get_weather", "answer"]
    assert body["tool_choice"] == {"type": "any"}


def test_with_tool_choice_none_the_output_tool_is_forced_and_client_tools_stay_uncallable() -> None:
    fmt = OutputFormat(kind="json_object")
    body = encode(request(tools=(WEATHER,), tool_choice=ToolChoice(mode="none"), output_format=fmt)).body
    assert [tool["name"] for tool in body["tools"]] == ["get_weather", "json_output"]
    assert body["tool_choice"]["type"] == "tool" and body["tool_choice"]["name"] == "json_output"


def test_a_turn_forced_to_call_a_client_tool_gets_no_output_tool() -> None:
    fmt = OutputFormat(kind="json_object")
    encoded = encode(request(tools=(WEATHER,), tool_choice=ToolChoice(mode="required"), output_format=fmt))
    assert [tool["name"] for tool in encoded.body["tools"]] == ["get_weather"]
    assert encoded.hints.structured_tool is None


def test_output_format_rejections() -> None:
    array = OutputFormat.model_validate({"kind": "json_schema", "name": "a", "schema": {"type": "array"}})
    assert rejected(request(output_format=array)).param == "output_format.schema"
    clash = OutputFormat.model_validate({"kind": "json_schema", "name": "get_weather", "schema": SCHEMA})
    assert rejected(request(tools=(WEATHER,), output_format=clash)).param == "output_format.name"
    thinking = request(output_format=OutputFormat(kind="json_object"), reasoning=Reasoning(effort="low"))
    assert rejected(thinking).param == "output_format"


# ------------------------------------------------------------------------------------ metadata


def test_user_becomes_metadata_user_id_and_other_metadata_and_advisory_fields_are_reported_dropped() -> None:
    req = request(
        user="user-42",
        metadata={"trace": "abc"},
        advisory={"prompt_cache_key": "k", "service_tier": "auto"},
    )
    encoded = encode(req)
    assert encoded.body["metadata"] == {"user_id": "user-42"}
    assert encoded.dropped == ("metadata.trace", "prompt_cache_key", "service_tier")
