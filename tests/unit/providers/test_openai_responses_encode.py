"""IR request -> OpenAI Responses request body: every encoding rule, and every rejection."""

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
    RedactedThinkingBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from hyperinfer.ir.effort import EFFORT_BUDGET, effort_for_budget
from hyperinfer.ir.request import Message, OutputFormat, Reasoning, Request, Tool, ToolChoice
from hyperinfer.providers import openai_responses
from hyperinfer.providers.contract import Credentials
from hyperinfer.providers.openai_responses.encode import encode_request
from hyperinfer.providers.target import Encoded, Target

TARGET = Target(upstream_model="gpt-5-2025-08-07", max_output_tokens=128000, stream=False)
REASONER = Target(upstream_model="gpt-5", max_output_tokens=128000, stream=False, reasoning=True)
PNG = MediaSource(kind="base64", media_type="image/png", data="iVBORw0KGgo=")
PDF = MediaSource(kind="base64", media_type="application/pdf", data="JVBERi0=")


def user(*blocks: Block) -> Message:
    return Message(role="user", content=blocks)


def assistant(*blocks: Block) -> Message:
    return Message(role="assistant", content=blocks)


def request(*messages: Message, **fields: Any) -> Request:
    return Request(model="openai/gpt-5", messages=messages or (user(TextBlock(text="hi")),), **fields)


def encode(*messages: Message, target: Target = TARGET, **fields: Any) -> Encoded:
    return encode_request(request(*messages, **fields), target)


def rejected(path: str, *messages: Message, target: Target = TARGET, **fields: Any) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        encode(*messages, target=target, **fields)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert caught.value.param == path
    assert caught.value.message.startswith(f"{path}: ")
    return caught.value


# -- endpoint ---------------------------------------------------------------------------------


def test_url_and_headers_speak_bearer_json() -> None:
    assert (
        openai_responses.ADAPTER.url("https://api.openai.com/v1", "gpt-x", False)
        == "https://api.openai.com/v1/responses"
    )
    assert openai_responses.ADAPTER.headers(Credentials(api_key="sk-x")) == {
        "Authorization": "Bearer sk-x",
        "Content-Type": "application/json",
    }


# -- the envelope -----------------------------------------------------------------------------


def test_a_plain_request_is_stateless_and_names_the_upstream_model() -> None:
    body = encode().body
    assert body == {
        "model": "gpt-5-2025-08-07",
        "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}],
        "store": False,
    }


def test_streaming_follows_the_target_not_the_client() -> None:
    streamed = Target(upstream_model="m", max_output_tokens=1000, stream=True)
    assert encode(target=streamed).body["stream"] is True
    assert "stream" not in encode(stream=True).body


def test_system_blocks_become_instructions_and_their_cache_points_are_reported() -> None:
    system = (TextBlock(text="Be brief."), TextBlock(text="Answer in French.", cache_control=CacheControl()))
    encoded = encode(system=system)
    assert encoded.body["instructions"] == "Be brief.\n\nAnswer in French."
    assert encoded.dropped == ("system[1].cache_control",)


def test_system_and_developer_turns_stay_in_place_as_input_items() -> None:
    messages = (
        user(TextBlock(text="one")),
        Message(role="developer", content=(TextBlock(text="dev note"),)),
        Message(role="system", content=(TextBlock(text="sys note"),)),
        user(TextBlock(text="two")),
    )
    items = encode(*messages).body["input"]
    assert [(i["role"], i["content"][0]["text"]) for i in items] == [
        ("user", "one"),
        ("developer", "dev note"),
        ("system", "sys note"),
        ("user", "two"),
    ]


def test_a_message_author_name_has_no_place_and_is_reported() -> None:
    assert encode(Message(role="user", name="ada", content=(TextBlock(text="hi"),))).dropped == (
        "messages[0].name",
    )


# -- user content -----------------------------------------------------------------------------


def test_images_by_data_url_url_and_file_id_keep_their_detail() -> None:
    blocks = (
        ImageBlock(source=PNG, detail="high"),
        ImageBlock(source=MediaSource(kind="url", url="https://x.test/cat.jpg")),
        ImageBlock(source=MediaSource(kind="file_id", file_id="file-abc"), detail="low"),
    )
    parts = encode(user(*blocks)).body["input"][0]["content"]
    assert parts == [
        {"type": "input_image", "detail": "high", "image_url": "data:image/png;base64,iVBORw0KGgo="},
        {"type": "input_image", "detail": "auto", "image_url": "https://x.test/cat.jpg"},
        {"type": "input_image", "detail": "low", "file_id": "file-abc"},
    ]


def test_an_image_made_of_text_is_rejected_by_path() -> None:
    rejected(
        "messages[0].content[1]",
        user(TextBlock(text="see"), ImageBlock(source=MediaSource(kind="text", data="x"))),
    )


def test_documents_become_input_files_by_data_url_url_or_id() -> None:
    blocks = (
        DocumentBlock(source=PDF, title="report.pdf"),
        DocumentBlock(source=PDF),
        DocumentBlock(source=PDF, filename="q3.pdf", title="Q3"),
        DocumentBlock(source=MediaSource(kind="url", url="https://x.test/a.pdf")),
        DocumentBlock(source=MediaSource(kind="file_id", file_id="file-pdf")),
    )
    parts = encode(user(*blocks)).body["input"][0]["content"]
    data = "data:application/pdf;base64,JVBERi0="
    assert parts == [
        {"type": "input_file", "filename": "report.pdf", "file_data": data},
        {"type": "input_file", "filename": "document.pdf", "file_data": data},
        {"type": "input_file", "filename": "q3.pdf", "file_data": data},
        {"type": "input_file", "file_url": "https://x.test/a.pdf"},
        {"type": "input_file", "file_id": "file-pdf"},
    ]


def test_a_plain_text_document_is_its_text_and_its_title_and_context_are_reported() -> None:
    doc = DocumentBlock(source=MediaSource(kind="text", data="The text."), title="Notes", context="Old notes")
    encoded = encode(user(doc))
    assert encoded.body["input"][0]["content"] == [{"type": "input_text", "text": "The text."}]
    assert set(encoded.dropped) == {"messages[0].content[0].context", "messages[0].content[0].title"}


def test_audio_is_rejected_by_path() -> None:
    error = rejected("messages[0].content[0]", user(AudioBlock(data="UklGRg==", format="wav")))
    assert "audio" in error.message


def test_cache_points_on_blocks_have_no_equivalent_and_are_reported() -> None:
    encoded = encode(user(TextBlock(text="long context", cache_control=CacheControl(ttl="1h"))))
    assert encoded.body["input"][0]["content"] == [{"type": "input_text", "text": "long context"}]
    assert encoded.dropped == ("messages[0].content[0].cache_control",)


def test_a_tool_call_in_a_user_turn_is_rejected_by_path() -> None:
    rejected("messages[0].content[0]", user(ToolUseBlock(id="c", name="f", input={})))


# -- assistant turns and tool round trips -----------------------------------------------------


def test_assistant_turns_keep_their_order_as_reasoning_message_and_call_items() -> None:
    turn = assistant(
        ThinkingBlock(thinking="Plan: look it up.", summary=True, encrypted="enc==", item_id="rs_1"),
        TextBlock(text="Let me check"),
        TextBlock(text=" the weather."),
        ToolUseBlock(id="call_1", name="get_weather", input={"city": "Zürich"}),
        TextBlock(text="Done."),
    )
    assert encode(user(TextBlock(text="hi")), turn).body["input"][1:] == [
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [{"type": "summary_text", "text": "Plan: look it up."}],
            "encrypted_content": "enc==",
        },
        {
            "type": "message",
            "role": "assistant",
            "content": [
                {"type": "output_text", "text": "Let me check", "annotations": []},
                {"type": "output_text", "text": " the weather.", "annotations": []},
            ],
        },
        {
            "type": "function_call",
            "call_id": "call_1",
            "name": "get_weather",
            "arguments": '{"city": "Zürich"}',
        },
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Done.", "annotations": []}],
        },
    ]


def test_encrypted_reasoning_without_a_shown_summary_or_id_is_sent_bare() -> None:
    turn = assistant(ThinkingBlock(thinking="", encrypted="enc=="), TextBlock(text="ok"))
    assert encode(user(TextBlock(text="hi")), turn).body["input"][1] == {
        "type": "reasoning",
        "summary": [],
        "encrypted_content": "enc==",
    }


def test_reasoning_that_openai_did_not_produce_cannot_be_replayed_and_is_reported() -> None:
    turn = assistant(
        ThinkingBlock(thinking="Anthropic thought", signature="sig"),
        RedactedThinkingBlock(data="opaque"),
        TextBlock(text="answer"),
    )
    encoded = encode(user(TextBlock(text="hi")), turn)
    assert [item["type"] for item in encoded.body["input"]] == ["message", "message"]
    assert encoded.dropped == ("messages[1].content[0]", "messages[1].content[1]")


def test_an_image_in_an_assistant_turn_is_rejected_by_path() -> None:
    rejected("messages[1].content[0]", user(TextBlock(text="hi")), assistant(ImageBlock(source=PNG)))


def test_text_tool_results_are_joined_and_come_before_the_rest_of_the_turn() -> None:
    turn = user(
        TextBlock(text="and now?"),
        ToolResultBlock(tool_use_id="call_1", content=(TextBlock(text="12°C"), TextBlock(text="sunny"))),
        ToolResultBlock(tool_use_id="call_2", content=(TextBlock(text="no such city"),), is_error=True),
    )
    assert encode(turn).body["input"] == [
        {"type": "function_call_output", "call_id": "call_1", "output": "12°C\nsunny"},
        {"type": "function_call_output", "call_id": "call_2", "output": "no such city"},
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "and now?"}]},
    ]


def test_tool_results_with_images_become_a_list_of_input_parts() -> None:
    result = ToolResultBlock(
        tool_use_id="call_1",
        content=(TextBlock(text="screenshot:"), ImageBlock(source=PNG)),
        cache_control=CacheControl(),
    )
    encoded = encode(user(result))
    assert encoded.body["input"] == [
        {
            "type": "function_call_output",
            "call_id": "call_1",
            "output": [
                {"type": "input_text", "text": "screenshot:"},
                {"type": "input_image", "detail": "auto", "image_url": "data:image/png;base64,iVBORw0KGgo="},
            ],
        }
    ]
    assert encoded.dropped == ("messages[0].content[0].cache_control",)


def test_a_tool_result_outside_a_user_turn_is_rejected_by_path() -> None:
    system = Message(role="system", content=(ToolResultBlock(tool_use_id="c"),))
    rejected("messages[0].content[0]", system)


# -- tools ------------------------------------------------------------------------------------


def test_tools_are_flat_functions_and_non_strict_unless_asked() -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}}
    tools = (
        Tool(name="get_weather", description="Weather now", parameters=schema),
        Tool(name="lookup", parameters=schema, strict=True, cache_control=CacheControl()),
    )
    encoded = encode(tools=tools)
    assert encoded.body["tools"] == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Weather now",
            "parameters": schema,
            "strict": False,
        },
        {"type": "function", "name": "lookup", "parameters": schema, "strict": True},
    ]
    assert encoded.dropped == ("tools[1].cache_control",)


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        (ToolChoice(mode="auto"), "auto"),
        (ToolChoice(mode="none"), "none"),
        (ToolChoice(mode="required"), "required"),
        (ToolChoice(mode="tool", name="get_weather"), {"type": "function", "name": "get_weather"}),
    ],
)
def test_tool_choice_modes(choice: ToolChoice, wire: Any) -> None:
    body = encode(tools=(Tool(name="get_weather"),), tool_choice=choice).body
    assert body["tool_choice"] == wire
    assert "parallel_tool_calls" not in body


def test_parallel_false_limits_the_model_to_one_call() -> None:
    body = encode(tools=(Tool(name="f"),), tool_choice=ToolChoice(mode="auto", parallel=False)).body
    assert body["parallel_tool_calls"] is False


# -- limits and sampling ----------------------------------------------------------------------


def test_max_output_tokens_temperature_and_top_p_pass_within_range() -> None:
    body = encode(max_output_tokens=16, temperature=2.0, top_p=0.0).body
    assert (body["max_output_tokens"], body["temperature"], body["top_p"]) == (16, 2.0, 0.0)


def test_a_cap_below_the_apis_minimum_is_rejected_not_raised() -> None:
    rejected("max_output_tokens", max_output_tokens=15)


@pytest.mark.parametrize(("field", "value"), [("temperature", 2.1), ("temperature", -0.1), ("top_p", 1.5)])
def test_sampling_out_of_range_is_rejected_not_clamped(field: str, value: float) -> None:
    sampling: dict[str, Any] = {field: value}  # a Request field, as rejected() passes it on
    rejected(field, **sampling)


def test_stop_sequences_are_rejected() -> None:
    rejected("stop", stop=("END",))


def test_top_k_is_rejected() -> None:
    rejected("top_k", top_k=40)


# -- reasoning --------------------------------------------------------------------------------


def test_a_reasoning_model_always_returns_encrypted_reasoning_to_carry_it_across_turns() -> None:
    body = encode(target=REASONER).body
    assert body["include"] == ["reasoning.encrypted_content"]
    assert "reasoning" not in body  # the model's default effort


def test_effort_and_summary_pass_through() -> None:
    body = encode(target=REASONER, reasoning=Reasoning(effort="high", summary="detailed")).body
    assert body["reasoning"] == {"effort": "high", "summary": "detailed"}


@pytest.mark.parametrize("budget", [1024, 4000, 10000, 31999, 64000])
def test_a_thinking_budget_becomes_an_effort_through_the_one_table(budget: int) -> None:
    body = encode(target=REASONER, reasoning=Reasoning(budget_tokens=budget)).body
    assert body["reasoning"] == {"effort": effort_for_budget(budget)}


def test_larger_budgets_never_map_to_lower_efforts() -> None:
    budgets = (1024, 4000, 10000, 31999, 64000)
    efforts = [
        encode(target=REASONER, reasoning=Reasoning(budget_tokens=b)).body["reasoning"]["effort"]
        for b in budgets
    ]
    ranks = [list(EFFORT_BUDGET).index(e) for e in efforts]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]


def test_disabled_reasoning_asks_for_effort_none_and_no_encrypted_content() -> None:
    body = encode(target=REASONER, reasoning=Reasoning(enabled=False, budget_tokens=2048)).body
    assert body["reasoning"] == {"effort": "none"}
    assert "include" not in body


def test_asking_a_model_that_does_not_reason_to_reason_is_reported() -> None:
    encoded = encode(reasoning=Reasoning(effort="low"))
    assert "reasoning" not in encoded.body and "include" not in encoded.body
    assert encoded.dropped == ("reasoning",)


def test_turning_reasoning_off_on_a_model_that_does_not_reason_needs_nothing() -> None:
    encoded = encode(reasoning=Reasoning(enabled=False))
    assert "reasoning" not in encoded.body and encoded.dropped == ()


# -- output format, identity, advisory fields -------------------------------------------------


def test_json_schema_output_is_text_format() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    fmt = OutputFormat(
        kind="json_schema", name="answer", schema=schema, strict=True, description="The answer"
    )
    assert encode(output_format=fmt).body["text"] == {
        "format": {
            "type": "json_schema",
            "name": "answer",
            "schema": schema,
            "strict": True,
            "description": "The answer",
        }
    }


def test_json_object_and_text_output() -> None:
    assert encode(output_format=OutputFormat(kind="json_object")).body["text"] == {
        "format": {"type": "json_object"}
    }
    assert "text" not in encode(output_format=OutputFormat(kind="text")).body


def test_user_and_metadata_pass_through() -> None:
    body = encode(user="user-42", metadata={"team": "search"}).body
    assert (body["user"], body["metadata"]) == ("user-42", {"team": "search"})


@pytest.mark.parametrize(
    "metadata",
    [{f"k{i}": "v" for i in range(17)}, {"k" * 65: "v"}, {"k": "v" * 513}],
)
def test_metadata_beyond_the_apis_limits_is_reported(metadata: dict[str, str]) -> None:
    encoded = encode(metadata=metadata)
    assert "metadata" not in encoded.body and encoded.dropped == ("metadata",)


def test_advisory_fields_responses_knows_pass_under_their_own_names() -> None:
    advisory = {
        "prompt_cache_key": "thread-7",
        "service_tier": "flex",
        "truncation": "auto",
        "text.verbosity": "low",
        "safety_identifier": "hash-1",
        "prompt_cache_retention": "24h",
    }
    fmt = OutputFormat(kind="json_object")
    encoded = encode(advisory=advisory, output_format=fmt)
    body = encoded.body
    assert body["text"] == {"format": {"type": "json_object"}, "verbosity": "low"}
    assert (body["prompt_cache_key"], body["service_tier"], body["truncation"]) == (
        "thread-7",
        "flex",
        "auto",
    )
    assert (body["safety_identifier"], body["prompt_cache_retention"]) == ("hash-1", "24h")
    assert encoded.dropped == ()


def test_chat_verbosity_becomes_text_verbosity() -> None:
    assert encode(advisory={"verbosity": "high"}).body["text"] == {"verbosity": "high"}


def test_advisory_values_responses_would_not_accept_and_unknown_fields_are_reported() -> None:
    advisory = {
        "service_tier": "standard_only",
        "client_metadata": {"x": "y"},
        "top_logprobs": 3,
        "store": True,
    }
    encoded = encode(advisory=advisory)
    assert "service_tier" not in encoded.body and encoded.body["store"] is False
    assert encoded.dropped == ("client_metadata", "service_tier", "store", "top_logprobs")


def test_what_the_gateway_sends_anyway_is_not_reported() -> None:
    advisory = {"store": False, "include": ["reasoning.encrypted_content"]}
    assert encode(target=REASONER, advisory=advisory).dropped == ()
    assert encode(advisory={"include": ["message.output_text.logprobs"]}).dropped == ("include",)


def test_stream_options_pass_only_on_a_stream() -> None:
    streamed = Target(upstream_model="m", max_output_tokens=1000, stream=True)
    options = {"stream_options": {"include_obfuscation": False}}
    assert encode(target=streamed, advisory=options).body["stream_options"] == {"include_obfuscation": False}
    encoded = encode(advisory=options)
    assert "stream_options" not in encoded.body and encoded.dropped == ("stream_options",)
