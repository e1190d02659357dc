"""IR requests as Converse bodies: turns, blocks, cache points, tools and model-specific fields."""

from __future__ import annotations

from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.request import Message, OutputFormat, Reasoning, Request, Tool, ToolChoice
from hyperinfer.providers.bedrock import ADAPTER
from hyperinfer.providers.bedrock.hints import DecodeHints
from hyperinfer.providers.bedrock.model_fields import family
from hyperinfer.providers.target import Target

CLAUDE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
NOVA = "us.amazon.nova-2-lite-v1:0"
GPT_OSS = "openai.gpt-oss-120b-1:0"
LLAMA = "us.meta.llama3-3-70b-instruct-v1:0"
WEATHER = Tool(name="get_weather", parameters={"type": "object", "properties": {"city": {"type": "string"}}})


def msg(role: str, *content: dict[str, Any]) -> Message:
    return Message.model_validate({"role": role, "content": list(content)})


def text(value: str, **extra: Any) -> dict[str, Any]:
    return {"type": "text", "text": value, **extra}


def encode(
    *messages: Message, model: str = CLAUDE, reasoning_model: bool = True, **kwargs: Any
) -> tuple[dict[str, Any], tuple[str, ...], DecodeHints]:
    request = Request(model="bedrock/x", messages=messages or (msg("user", text("Hi")),), **kwargs)
    target = Target(upstream_model=model, max_output_tokens=8192, stream=False, reasoning=reasoning_model)
    encoded = ADAPTER.encode_request(request, target)
    return encoded.body, encoded.dropped, encoded.hints


def test_system_is_hoisted_and_a_plain_turn_has_inference_config() -> None:
    body, dropped, _ = encode(
        msg("system", text("Be brief.")),
        msg("user", text("Hi")),
        msg("developer", text("And polite.")),
        system=(),
        temperature=0.2,
        top_p=0.9,
        stop=("END",),
    )
    assert body["system"] == [{"text": "Be brief."}, {"text": "And polite."}]
    assert body["messages"] == [{"role": "user", "content": [{"text": "Hi"}]}]
    assert body["inferenceConfig"] == {
        "maxTokens": 8192,
        "temperature": 0.2,
        "topP": 0.9,
        "stopSequences": ["END"],
    }
    assert "modelId" not in body and "model" not in body  # the id travels in the URL
    assert dropped == ()


def test_a_turns_tool_results_merge_into_one_user_message_before_its_text() -> None:
    call = {"type": "tool_use", "id": "t1", "name": "get_weather", "input": {"city": "Paris"}}
    call2 = {"type": "tool_use", "id": "t2", "name": "get_weather", "input": {"city": "Oslo"}}
    body, _, _ = encode(
        msg("user", text("Weather?")),
        msg("assistant", text("Checking."), call, call2),
        msg("user", {"type": "tool_result", "tool_use_id": "t1", "content": [text("18C")]}),
        msg("user", text("and then?")),
        msg(
            "user", {"type": "tool_result", "tool_use_id": "t2", "content": [text("boom")], "is_error": True}
        ),
        tools=(WEATHER,),
    )
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["user", "assistant", "user"]
    assert body["messages"][1]["content"] == [
        {"text": "Checking."},
        {"toolUse": {"toolUseId": "t1", "name": "get_weather", "input": {"city": "Paris"}}},
        {"toolUse": {"toolUseId": "t2", "name": "get_weather", "input": {"city": "Oslo"}}},
    ]
    assert body["messages"][2]["content"] == [
        {"toolResult": {"toolUseId": "t1", "content": [{"text": "18C"}]}},
        {"toolResult": {"toolUseId": "t2", "content": [{"text": "boom"}], "status": "error"}},
        {"text": "and then?"},
    ]
    assert body["toolConfig"]["tools"][0] == {
        "toolSpec": {"name": "get_weather", "inputSchema": {"json": WEATHER.parameters}}
    }


def test_signed_reasoning_goes_back_unmodified_and_unsigned_reasoning_is_dropped() -> None:
    body, dropped, _ = encode(
        msg("user", text("Hi")),
        msg(
            "assistant",
            {"type": "thinking", "thinking": "Hmm…", "signature": "EqQBCkYIARgC+/=="},
            {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"},
            {"type": "thinking", "thinking": "from another provider"},
            text("Hello"),
        ),
        msg("user", text("More")),
    )
    assert body["messages"][1]["content"] == [
        {"reasoningContent": {"reasoningText": {"text": "Hmm…", "signature": "EqQBCkYIARgC+/=="}}},
        {"reasoningContent": {"redactedContent": "EmwKAhgBEgy3va3pzix"}},
        {"text": "Hello"},
    ]
    assert dropped == ("messages[1].content[2]",)


def test_cache_hints_become_cache_points_after_their_blocks() -> None:
    ephemeral = {"type": "ephemeral"}
    body, _, _ = encode(
        msg("user", text("long document", cache_control=ephemeral), text("question")),
        system=({"type": "text", "text": "sys", "cache_control": {"type": "ephemeral", "ttl": "1h"}},),
        tools=(Tool(name="t", cache_control=ephemeral),),
    )
    assert body["system"] == [{"text": "sys"}, {"cachePoint": {"type": "default", "ttl": "1h"}}]
    assert body["messages"][0]["content"] == [
        {"text": "long document"},
        {"cachePoint": {"type": "default"}},
        {"text": "question"},
    ]
    assert body["toolConfig"]["tools"][1] == {"cachePoint": {"type": "default"}}
    assert "cache_control" not in str(body)


def test_images_travel_as_bytes_and_urls_are_refused() -> None:
    png = {"type": "image", "source": {"kind": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}
    body, _, _ = encode(msg("user", text("What is it?"), png))
    assert body["messages"][0]["content"][1] == {
        "image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}
    }
    url = {"type": "image", "source": {"kind": "url", "url": "https://example.com/a.png"}}
    with pytest.raises(GatewayError) as caught:
        encode(msg("user", url))
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert caught.value.param == "messages[0].content[0].source"
    tiff = {"type": "image", "source": {"kind": "base64", "media_type": "image/tiff", "data": "AA=="}}
    with pytest.raises(GatewayError, match="image/tiff"):
        encode(msg("user", tiff))


def test_documents_get_a_name_converse_accepts() -> None:
    pdf = {
        "type": "document",
        "source": {"kind": "base64", "media_type": "application/pdf", "data": "JVBERi0="},
        "filename": "Q3_report (final)!!.v2.pdf",
    }
    body, _, _ = encode(msg("user", pdf, text("Summarise")))
    assert body["messages"][0]["content"][0] == {
        "document": {"name": "Q3 report (final) v2", "format": "pdf", "source": {"bytes": "JVBERi0="}}
    }


def test_audio_is_refused_naming_the_block() -> None:
    with pytest.raises(GatewayError) as caught:
        encode(msg("user", {"type": "audio", "data": "AAAA", "format": "wav"}))
    assert caught.value.param == "messages[0].content[0]"


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (ToolChoice(mode="auto"), {"auto": {}}),
        (ToolChoice(mode="required"), {"any": {}}),
        (ToolChoice(mode="tool", name="get_weather"), {"tool": {"name": "get_weather"}}),
    ],
)
def test_tool_choice(choice: ToolChoice, expected: dict[str, Any]) -> None:
    body, _, _ = encode(tools=(WEATHER,), tool_choice=choice)
    assert body["toolConfig"]["toolChoice"] == expected


def test_tool_choice_none_offers_no_tools_until_the_history_has_some() -> None:
    body, _, _ = encode(tools=(WEATHER,), tool_choice=ToolChoice(mode="none"))
    assert "toolConfig" not in body
    call = {"type": "tool_use", "id": "t1", "name": "get_weather", "input": {}}
    with pytest.raises(GatewayError) as caught:
        encode(
            msg("user", text("Hi")),
            msg("assistant", call),
            msg("user", {"type": "tool_result", "tool_use_id": "t1", "content": [text("ok")]}),
            tools=(WEATHER,),
            tool_choice=ToolChoice(mode="none"),
        )
    assert caught.value.param == "tool_choice"


def test_json_output_is_a_forced_tool_and_the_hint_names_it() -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}}
    body, _, hints = encode(
        model=NOVA, output_format=OutputFormat(kind="json_schema", name="answer", schema=schema)
    )
    assert body["toolConfig"]["toolChoice"] == {"tool": {"name": "answer"}}
    assert body["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"] == {"json": schema}
    assert hints == DecodeHints(structured_tool="answer")


def test_claudes_thinking_rides_in_additional_model_request_fields() -> None:
    body, _, _ = encode(reasoning=Reasoning(effort="high"), top_k=40)
    assert body["additionalModelRequestFields"] == {
        "thinking": {"type": "enabled", "budget_tokens": 8191},
        "top_k": 40,
    }
    body, _, _ = encode(reasoning=Reasoning(budget_tokens=2048, effort="low"))
    assert body["additionalModelRequestFields"]["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert body["outputConfig"] == {"effort": "low"}


def test_claude_refuses_a_forced_tool_while_thinking() -> None:
    with pytest.raises(GatewayError) as caught:
        encode(tools=(WEATHER,), tool_choice=ToolChoice(mode="required"), reasoning=Reasoning(effort="low"))
    assert caught.value.param == "tool_choice"


@pytest.mark.parametrize(
    ("model", "reasoning", "fields"),
    [
        (
            NOVA,
            Reasoning(effort="xhigh"),
            {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "high"}},
        ),
        (
            NOVA,
            Reasoning(budget_tokens=2000),
            {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "low"}},
        ),
        (GPT_OSS, Reasoning(effort="medium"), {"reasoning_effort": "medium"}),
    ],
)
def test_other_families_reasoning_settings(model: str, reasoning: Reasoning, fields: dict[str, Any]) -> None:
    body, _, _ = encode(model=model, reasoning=reasoning)
    assert body["additionalModelRequestFields"] == fields


def test_top_k_goes_where_each_family_takes_it() -> None:
    body, _, _ = encode(model=NOVA, top_k=5)
    assert body["additionalModelRequestFields"] == {"inferenceConfig": {"topK": 5}}
    body, dropped, _ = encode(model=LLAMA, top_k=5)
    assert "additionalModelRequestFields" not in body and dropped == ("top_k",)


def test_reasoning_on_a_model_that_does_not_reason_is_refused() -> None:
    with pytest.raises(GatewayError) as caught:
        encode(model=LLAMA, reasoning_model=False, reasoning=Reasoning(effort="low"))
    assert caught.value.param == "reasoning"


@pytest.mark.parametrize(
    ("model_id", "name"),
    [
        (CLAUDE, "anthropic"),
        ("anthropic.claude-3-haiku-20240307-v1:0", "anthropic"),
        ("global.anthropic.claude-opus-4-5-20251101-v1:0", "anthropic"),
        (NOVA, "amazon"),
        (GPT_OSS, "openai"),
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-3-70b-instruct-v1:0",
            "meta",
        ),
    ],
)
def test_family_reads_through_profiles_and_arns(model_id: str, name: str) -> None:
    assert family(model_id) == name


def test_cache_points_go_only_to_families_that_cache() -> None:
    cached = msg("user", text("long", cache_control={"type": "ephemeral"}), text("q"))
    body, dropped, _ = encode(cached, model=NOVA)
    assert {"cachePoint": {"type": "default"}} in body["messages"][0]["content"]
    body, dropped, _ = encode(
        cached, model=GPT_OSS, tools=(Tool(name="t", cache_control={"type": "ephemeral"}),)
    )
    assert "cachePoint" not in str(body)
    assert body["messages"][0]["content"] == [{"text": "long"}, {"text": "q"}]
    assert dropped == ("cache_control",)
