"""IR requests into Gemini generateContent bodies: roles, tools, media, thinking, output formats."""

from __future__ import annotations

from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.request import OutputFormat, Reasoning, Request, ToolChoice
from hyperinfer.providers.contract import Credentials
from hyperinfer.providers.gemini import ADAPTER, DEFAULT_BASE_URL, signatures

from tests.unit.providers.gemini_cases import FLASH_25, KEY, PRO_3, TIME, WEATHER, ask, message, text


def body(request: Request, target: Any = FLASH_25) -> dict[str, Any]:
    return ADAPTER.encode_request(request, target).body


def refused(request: Request, target: Any = FLASH_25) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        ADAPTER.encode_request(request, target)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    return caught.value


def test_the_url_carries_the_model_and_the_streaming_mode_and_the_key_its_own_header() -> None:
    assert ADAPTER.url(DEFAULT_BASE_URL, "gemini-2.5-flash", False) == (
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"
    )
    assert ADAPTER.url(DEFAULT_BASE_URL, "gemini-2.5-flash", True).endswith(
        "/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    )
    headers = ADAPTER.headers(Credentials(api_key=KEY))
    assert headers["x-goog-api-key"] == KEY and "authorization" not in {k.lower() for k in headers}


def test_system_turns_are_hoisted_in_order_and_assistant_turns_are_role_model() -> None:
    request = Request.model_validate(
        {
            "model": "m",
            "system": [{"type": "text", "text": "Be brief."}],
            "messages": [
                {"role": "user", "content": [text("Hi")]},
                {"role": "developer", "content": [text("Answer in French.")]},
                {"role": "assistant", "content": [text("Bonjour")]},
                {"role": "user", "content": [text("Again")]},
                {"role": "user", "content": [text("Please")]},
            ],
        }
    )
    sent = body(request)
    assert sent["systemInstruction"] == {"parts": [{"text": "Be brief."}, {"text": "Answer in French."}]}
    assert sent["contents"] == [
        {"role": "user", "parts": [{"text": "Hi"}]},
        {"role": "model", "parts": [{"text": "Bonjour"}]},
        {"role": "user", "parts": [{"text": "Again"}, {"text": "Please"}]},
    ]
    assert "model" not in sent and "stream" not in sent  # both travel in the URL


def test_sampling_and_limits_go_in_generation_config() -> None:
    sent = body(ask(max_output_tokens=300, temperature=0.4, top_p=0.9, top_k=20, stop=("END",)))
    assert sent["generationConfig"] == {
        "maxOutputTokens": 300,
        "temperature": 0.4,
        "topP": 0.9,
        "topK": 20,
        "stopSequences": ["END"],
    }
    error = refused(ask(stop=tuple("abcdef")))
    assert error.param == "stop" and "at most 5" in error.message


def test_tools_are_declared_with_their_json_schema_untouched_and_choices_map_to_calling_modes() -> None:
    sent = body(ask(tools=(WEATHER, TIME), tool_choice=ToolChoice(mode="tool", name="get_time")))
    declarations = sent["tools"][0]["functionDeclarations"]
    assert declarations[0] == {
        "name": "get_weather",
        "description": "Weather in a city",
        "parametersJsonSchema": WEATHER.parameters,
    }
    assert sent["toolConfig"] == {
        "functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_time"]}
    }
    for mode, wire in [("auto", "AUTO"), ("none", "NONE"), ("required", "ANY")]:
        config = body(ask(tools=(WEATHER,), tool_choice=ToolChoice.model_validate({"mode": mode})))[
            "toolConfig"
        ]
        assert config == {"functionCallingConfig": {"mode": wire}}
    assert (
        refused(ask(tools=(WEATHER,), tool_choice=ToolChoice(mode="tool", name="nope"))).param
        == "tool_choice"
    )
    assert refused(ask(tool_choice=ToolChoice(mode="required"))).param == "tool_choice"
    encoded = ADAPTER.encode_request(
        ask(tools=(WEATHER,), tool_choice=ToolChoice(mode="auto", parallel=False)), FLASH_25
    )
    assert "tool_choice.parallel" in encoded.dropped


def tool_turns(call_id: str, *, signature: str | None = None) -> Request:
    assistant: list[dict[str, Any]] = [
        {"type": "tool_use", "id": call_id, "name": "get_weather", "input": {"city": "Paris"}}
    ]
    if signature:
        assistant.append({"type": "thinking", "thinking": "", "signature": signature})
    return Request(
        model="m",
        tools=(WEATHER,),
        messages=(
            message("user", text("Weather in Paris?")),
            message("assistant", *assistant),
            message(
                "user",
                {"type": "tool_result", "tool_use_id": call_id, "content": [text("18°C")]},
                {"type": "tool_result", "tool_use_id": call_id, "content": [text("boom")], "is_error": True},
            ),
        ),
    )


def test_a_tool_result_names_its_function_from_the_earlier_call_and_a_minted_id_stays_home() -> None:
    minted = signatures.mint_call_id("resp-1", 0, "get_weather", {"city": "Paris"})
    contents = body(tool_turns(minted))["contents"]
    assert contents[1] == {
        "role": "model",
        "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}],
    }
    assert contents[2]["parts"] == [
        {"functionResponse": {"name": "get_weather", "response": {"output": "18°C"}}},
        {"functionResponse": {"name": "get_weather", "response": {"error": "boom"}}},
    ]


def test_an_id_gemini_gave_goes_back_on_the_call_and_its_response() -> None:
    contents = body(tool_turns("fc-abc"))["contents"]
    assert contents[1]["parts"][0]["functionCall"]["id"] == "fc-abc"
    assert contents[2]["parts"][0]["functionResponse"]["id"] == "fc-abc"


def test_a_tool_result_without_its_call_is_refused_naming_the_field() -> None:
    request = Request(
        model="m",
        messages=(message("user", {"type": "tool_result", "tool_use_id": "call_x", "content": [text("1")]}),),
    )
    error = refused(request)
    assert error.param == "messages[0].content[0].tool_use_id" and "call_x" in error.message


def test_signatures_go_back_on_the_part_they_came_on() -> None:
    call_signature = signatures.part_signature("SIG-CALL")
    contents = body(tool_turns("call_1", signature=call_signature), PRO_3)["contents"]
    assert contents[1]["parts"] == [
        {
            "functionCall": {"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1"},
            "thoughtSignature": "SIG-CALL",
        }
    ]
    turns = Request(
        model="m",
        messages=(
            message("user", text("Q")),
            message(
                "assistant",
                {"type": "thinking", "thinking": "musing", "signature": signatures.THOUGHT + "SIG-T"},
                text("Answer"),
                {"type": "thinking", "thinking": "", "signature": signatures.part_signature("SIG-A")},
            ),
            message("user", text("Next")),
        ),
    )
    assert body(turns)["contents"][1]["parts"] == [
        {"text": "musing", "thought": True, "thoughtSignature": "SIG-T"},
        {"text": "Answer", "thoughtSignature": "SIG-A"},
    ]


def test_reasoning_gemini_did_not_sign_is_dropped_and_a_lost_call_signature_gets_the_stand_in() -> None:
    request = Request(
        model="m",
        tools=(WEATHER,),
        messages=(
            message("user", text("Q")),
            message(
                "assistant",
                {"type": "thinking", "thinking": "Claude's", "signature": "EqQBAnthropicSignature"},
                {"type": "tool_use", "id": "call_a", "name": "get_weather", "input": {}},
                {"type": "tool_use", "id": "call_b", "name": "get_weather", "input": {}},
            ),
            message("user", {"type": "tool_result", "tool_use_id": "call_a", "content": []}),
        ),
    )
    strict = ADAPTER.encode_request(request, PRO_3)
    assert "messages[1].content[0]" in strict.dropped
    first, second = strict.body["contents"][1]["parts"]
    assert first["thoughtSignature"] == signatures.DUMMY and "thoughtSignature" not in second
    lenient = ADAPTER.encode_request(request, FLASH_25).body["contents"][1]["parts"]
    assert all("thoughtSignature" not in part for part in lenient)


def test_images_and_documents_go_inline_and_urls_are_refused() -> None:
    image = {"type": "image", "source": {"kind": "base64", "media_type": "image/png", "data": "iVBOR"}}
    pdf = {"type": "document", "source": {"kind": "base64", "data": "JVBER"}}
    request = Request(model="m", messages=(message("user", text("Look"), image, pdf),))
    assert body(request)["contents"][0]["parts"][1:] == [
        {"inlineData": {"mimeType": "image/png", "data": "iVBOR"}},
        {"inlineData": {"mimeType": "application/pdf", "data": "JVBER"}},
    ]
    by_url = {"type": "image", "source": {"kind": "url", "url": "https://example.com/cat.png"}}
    error = refused(Request(model="m", messages=(message("user", by_url),)))
    assert error.param == "messages[0].content[0].source" and "base64" in error.message


def test_structured_output_is_native_json_with_the_schema_as_given() -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
    fmt = OutputFormat.model_validate({"kind": "json_schema", "name": "a", "schema": schema, "strict": True})
    config = body(ask(output_format=fmt))["generationConfig"]
    assert config == {"responseMimeType": "application/json", "responseJsonSchema": schema}
    loose = body(ask(output_format=OutputFormat(kind="json_object")))["generationConfig"]
    assert loose == {"responseMimeType": "application/json"}


@pytest.mark.parametrize(
    ("reasoning", "expected"),
    [
        (Reasoning(effort="low"), {"includeThoughts": True, "thinkingBudget": 2048}),
        (Reasoning(budget_tokens=5000), {"includeThoughts": True, "thinkingBudget": 5000}),
        (Reasoning(), {"includeThoughts": True, "thinkingBudget": -1}),
        (Reasoning(enabled=False), {"thinkingBudget": 0}),
    ],
)
def test_a_budget_model_gets_a_thinking_budget(reasoning: Reasoning, expected: dict[str, Any]) -> None:
    assert body(ask(reasoning=reasoning))["generationConfig"]["thinkingConfig"] == expected


@pytest.mark.parametrize(
    ("reasoning", "level"),
    [
        (Reasoning(effort="minimal"), "LOW"),  # the lowest level this model offers
        (Reasoning(effort="medium"), "HIGH"),  # the nearest offered at or above
        (Reasoning(effort="xhigh"), "HIGH"),
        (Reasoning(budget_tokens=1500), "LOW"),  # the effort a budget covers first
    ],
)
def test_a_level_model_gets_the_nearest_level_it_offers(reasoning: Reasoning, level: str) -> None:
    config = body(ask(reasoning=reasoning), PRO_3)["generationConfig"]["thinkingConfig"]
    assert config == {"includeThoughts": True, "thinkingLevel": level}


def test_a_level_model_cannot_switch_thinking_off_so_it_gets_its_lowest_level_reported_dropped() -> None:
    encoded = ADAPTER.encode_request(ask(reasoning=Reasoning(effort="none")), PRO_3)
    assert encoded.body["generationConfig"]["thinkingConfig"] == {"thinkingLevel": "LOW"}
    assert "reasoning.enabled" in encoded.dropped


def test_reasoning_on_a_model_that_does_not_reason_is_refused() -> None:
    plain = FLASH_25.__class__(upstream_model="gemini-2.0-flash", max_output_tokens=8192, stream=False)
    assert refused(ask(reasoning=Reasoning(effort="high")), plain).param == "reasoning"
    assert "generationConfig" not in body(ask(reasoning=Reasoning(enabled=False)), plain)


def test_fields_gemini_has_no_place_for_are_reported_dropped() -> None:
    cached = Request.model_validate(
        {
            "model": "m",
            "user": "u-1",
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "Hi", "cache_control": {"type": "ephemeral"}}],
                }
            ],
        }
    )
    assert set(ADAPTER.encode_request(cached, FLASH_25).dropped) >= {
        "user",
        "messages[0].content[0].cache_control",
    }
