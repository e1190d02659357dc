import json
from pathlib import Path
from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.responses.decode import decode
from hyperinfer.formats.responses.request import ResponsesRequest
from hyperinfer.ir.content import (
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
from hyperinfer.ir.request import Message, OutputFormat, Reasoning, Request, Tool, ToolChoice


def decoded(**body: Any) -> Request:
    return decode(ResponsesRequest.model_validate({"model": "m", **body}))


def rejected(**body: Any) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        decoded(**body)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert caught.value.message.startswith(f"{caught.value.param}: ")
    return caught.value


def user(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": list(parts)}


def only_block(request: Request) -> Any:
    (message,) = request.messages
    (block,) = message.content
    return block


def test_instructions_become_the_system_prompt_and_a_string_input_one_user_message() -> None:
    request = decoded(instructions="be brief", input="hello")
    assert request.system == (TextBlock(text="be brief"),)
    assert request.messages == (Message(role="user", content=(TextBlock(text="hello"),)),)


def test_messages_with_and_without_type_keep_their_roles_and_positions() -> None:
    request = decoded(
        input=[
            {"role": "user", "content": "a"},
            {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "b"}]},
            {"role": "system", "content": "c"},
            {"role": "user", "content": "d"},
        ]
    )
    assert [(m.role, m.content) for m in request.messages] == [
        ("user", (TextBlock(text="a"),)),
        ("developer", (TextBlock(text="b"),)),
        ("system", (TextBlock(text="c"),)),
        ("user", (TextBlock(text="d"),)),
    ]


def test_earlier_output_messages_become_assistant_text_with_annotations_reported_as_advisory() -> None:
    citation = {"type": "url_citation", "url": "https://x", "start_index": 0, "end_index": 1}
    request = decoded(
        input=[
            {
                "type": "message",
                "id": "msg_1",
                "role": "assistant",
                "status": "completed",
                "phase": "final_answer",
                "content": [
                    {"type": "output_text", "text": "yes", "annotations": [citation]},
                    {"type": "refusal", "refusal": "not that"},
                ],
            }
        ]
    )
    assert request.messages == (
        Message(role="assistant", content=(TextBlock(text="yes"), TextBlock(text="not that"))),
    )
    assert request.advisory["input[0].content[0].annotations"] == [citation]
    assert request.advisory["input[0].phase"] == "final_answer"


@pytest.mark.parametrize(
    ("part", "block"),
    [
        (
            {"type": "input_image", "image_url": "data:image/png;base64,iVBO", "detail": "high"},
            ImageBlock(source=MediaSource(kind="base64", media_type="image/png", data="iVBO"), detail="high"),
        ),
        (
            {"type": "input_image", "image_url": "https://x/cat.jpg"},
            ImageBlock(source=MediaSource(kind="url", url="https://x/cat.jpg")),
        ),
        (
            {"type": "input_image", "file_id": "file-1", "detail": "low"},
            ImageBlock(source=MediaSource(kind="file_id", file_id="file-1"), detail="low"),
        ),
        (
            {"type": "input_file", "filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBE"},
            DocumentBlock(
                source=MediaSource(kind="base64", media_type="application/pdf", data="JVBE"), filename="a.pdf"
            ),
        ),
        (
            {"type": "input_file", "filename": "Report.PDF", "file_data": "JVBE"},
            DocumentBlock(
                source=MediaSource(kind="base64", media_type="application/pdf", data="JVBE"),
                filename="Report.PDF",
            ),
        ),
        (
            {"type": "input_file", "file_url": "https://x/a.pdf"},
            DocumentBlock(source=MediaSource(kind="url", url="https://x/a.pdf")),
        ),
        (
            {"type": "input_file", "file_id": "file-2"},
            DocumentBlock(source=MediaSource(kind="file_id", file_id="file-2")),
        ),
        (
            {"type": "input_text", "text": "cache me", "prompt_cache_breakpoint": {"mode": "explicit"}},
            TextBlock(text="cache me", cache_control=CacheControl()),
        ),
    ],
)
def test_content_parts_become_ir_blocks(part: dict[str, Any], block: Any) -> None:
    assert only_block(decoded(input=[user(part)])) == block


@pytest.mark.parametrize(
    ("part", "param"),
    [
        ({"type": "input_image", "detail": "auto"}, "input[0].content[0].image_url"),
        ({"type": "input_image", "image_url": "data:image/png,rawbytes"}, "input[0].content[0].image_url"),
        ({"type": "input_file", "filename": "a.pdf"}, "input[0].content[0].file_data"),
    ],
)
def test_parts_without_usable_data_are_rejected_by_field(part: dict[str, Any], param: str) -> None:
    assert rejected(input=[user(part)]).param == param


def test_a_text_message_and_the_function_calls_after_it_are_one_assistant_turn() -> None:
    request = decoded(
        input=[
            {"role": "user", "content": "weather?"},
            {"role": "assistant", "content": "Checking."},
            {
                "type": "function_call",
                "call_id": "c1",
                "name": "w",
                "arguments": '{"city":"Oslo"}',
                "id": "fc_1",
            },
            {"type": "function_call", "call_id": "c2", "name": "w", "arguments": ""},
            {"type": "function_call_output", "call_id": "c1", "output": "rain"},
            {"type": "function_call_output", "call_id": "c2", "output": ""},
            {"role": "user", "content": "thanks"},
        ]
    )
    assert request.messages[1:] == (
        Message(
            role="assistant",
            content=(
                TextBlock(text="Checking."),
                ToolUseBlock(id="c1", name="w", input={"city": "Oslo"}),
                ToolUseBlock(id="c2", name="w", input={}),
            ),
        ),
        Message(
            role="user",
            content=(
                ToolResultBlock(tool_use_id="c1", content=(TextBlock(text="rain"),)),
                ToolResultBlock(tool_use_id="c2"),
            ),
        ),
        Message(role="user", content=(TextBlock(text="thanks"),)),
    )


def test_a_function_call_output_made_of_parts_keeps_text_images_and_files() -> None:
    output = [
        {"type": "input_text", "text": "see"},
        {"type": "input_image", "image_url": "https://x/p.png"},
        {"type": "input_file", "file_id": "file-3"},
    ]
    block = only_block(decoded(input=[{"type": "function_call_output", "call_id": "c", "output": output}]))
    assert block == ToolResultBlock(
        tool_use_id="c",
        content=(
            TextBlock(text="see"),
            ImageBlock(source=MediaSource(kind="url", url="https://x/p.png")),
            DocumentBlock(source=MediaSource(kind="file_id", file_id="file-3")),
        ),
    )


@pytest.mark.parametrize(
    ("arguments", "why"), [("{oops", "is not valid JSON"), ("[1]", "must be a JSON object")]
)
def test_function_call_arguments_must_be_a_json_object(arguments: str, why: str) -> None:
    error = rejected(
        input=[
            {"role": "user", "content": "x"},
            {"type": "function_call", "call_id": "c", "name": "f", "arguments": arguments},
        ]
    )
    assert (error.param, error.message) == ("input[1].arguments", f"input[1].arguments: {why}")


def test_reasoning_items_become_thinking_blocks_in_the_assistant_turn_they_precede() -> None:
    request = decoded(
        input=[
            {"role": "user", "content": "q"},
            {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [
                    {"type": "summary_text", "text": "first"},
                    {"type": "summary_text", "text": "second"},
                ],
                "encrypted_content": "gAAAA",
            },
            {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"},
        ]
    )
    assert request.messages[1] == Message(
        role="assistant",
        content=(
            ThinkingBlock(thinking="first\n\nsecond", encrypted="gAAAA", item_id="rs_1", summary=True),
            ToolUseBlock(id="c", name="f", input={}),
        ),
    )


def test_reasoning_we_rendered_from_anthropic_thinking_comes_back_with_its_signature() -> None:
    request = decoded(
        input=[
            {"role": "user", "content": "q"},
            {
                "type": "reasoning",
                "summary": [{"type": "summary_text", "text": "I think"}],
                "encrypted_content": "hyperinfer.signature:EqQBCkYI",
            },
            {"type": "reasoning", "summary": [], "encrypted_content": "hyperinfer.redacted:ErUBCkYI"},
        ]
    )
    assert request.messages[1].content == (
        ThinkingBlock(thinking="I think", signature="EqQBCkYI"),
        RedactedThinkingBlock(data="ErUBCkYI"),
    )


def test_raw_reasoning_content_is_full_thinking_and_an_empty_reasoning_item_is_left_out() -> None:
    request = decoded(
        input=[
            {"role": "user", "content": "q"},
            {"type": "reasoning", "summary": [], "encrypted_content": None},
            {"type": "reasoning", "summary": [], "content": [{"type": "reasoning_text", "text": "step 1"}]},
            {"role": "assistant", "content": "a"},
        ]
    )
    assert request.messages[1].content == (ThinkingBlock(thinking="step 1"), TextBlock(text="a"))


def test_an_item_reference_is_rejected_because_nothing_is_stored() -> None:
    error = rejected(input=[{"role": "user", "content": "x"}, {"type": "item_reference", "id": "msg_1"}])
    assert error.param == "input[1]"
    assert "stateless" in error.message


@pytest.mark.parametrize("kind", ["local_shell_call", "custom_tool_call", "web_search_call", "compaction"])
def test_item_types_without_an_ir_equivalent_are_rejected_by_type(kind: str) -> None:
    error = rejected(input=[{"role": "user", "content": "x"}, {"type": kind, "call_id": "c"}])
    assert error.param == "input[1].type"
    assert f"'{kind}'" in error.message


def test_an_empty_input_list_is_rejected() -> None:
    assert rejected(input=[]).param == "input"


def test_function_tools_become_ir_tools_and_hosted_tool_types_are_rejected_by_index() -> None:
    request = decoded(
        input="x",
        tools=[
            {
                "type": "function",
                "name": "f",
                "description": "d",
                "parameters": {"type": "object"},
                "strict": True,
            },
            {"type": "function", "name": "g", "parameters": None, "strict": None},
        ],
    )
    assert request.tools == (
        Tool(name="f", description="d", parameters={"type": "object"}, strict=True),
        Tool(name="g"),
    )
    for kind in ("file_search", "local_shell", "custom", "mcp", "code_interpreter", "computer_use_preview"):
        error = rejected(input="x", tools=[{"type": "function", "name": "f"}, {"type": kind}])
        assert error.param == "tools[1].type"
        assert f"'{kind}'" in error.message


def test_namespace_tools_are_flattened_with_the_namespace_description_before_their_own() -> None:
    request = decoded(
        input="x",
        tools=[
            {
                "type": "namespace",
                "name": "agents",
                "description": "Manage sub-agents.",
                "tools": [
                    {
                        "type": "function",
                        "name": "spawn",
                        "description": "Start one.",
                        "parameters": {"type": "object"},
                    },
                    {"type": "function", "name": "stop"},
                ],
            }
        ],
    )
    assert request.tools == (
        Tool(name="spawn", description="Manage sub-agents.\n\nStart one.", parameters={"type": "object"}),
        Tool(name="stop", description="Manage sub-agents."),
    )


def test_namespaced_tools_must_be_functions_with_names_no_other_tool_has() -> None:
    custom = {"type": "namespace", "name": "n", "tools": [{"type": "custom", "name": "c"}]}
    assert rejected(input="x", tools=[custom]).param == "tools[0].tools[0].type"
    clash = {"type": "namespace", "name": "n", "tools": [{"type": "function", "name": "f"}]}
    assert (
        rejected(input="x", tools=[{"type": "function", "name": "f"}, clash]).param
        == "tools[1].tools[0].name"
    )


def test_hyperinfer_server_tools_travel_as_advisory_entries_for_the_gateway() -> None:
    # Seed 001 activates server tools as built-in tools; Codex CLI always sends web_search.
    request = decoded(
        input="x",
        tools=[{"type": "function", "name": "f"}, {"type": "web_search", "external_web_access": False}],
    )
    assert [tool.name for tool in request.tools] == ["f"]
    assert request.advisory["tools[1]"] == {"type": "web_search", "external_web_access": False}


TOOLS = [{"type": "function", "name": "f"}]


@pytest.mark.parametrize(
    ("body", "choice"),
    [
        ({}, None),
        ({"tool_choice": "required"}, ToolChoice(mode="required")),
        ({"tool_choice": "none", "parallel_tool_calls": True}, ToolChoice(mode="none", parallel=True)),
        ({"parallel_tool_calls": False}, ToolChoice(mode="auto", parallel=False)),
        ({"tool_choice": {"type": "function", "name": "f"}}, ToolChoice(mode="tool", name="f")),
    ],
)
def test_tool_choice_and_parallel_tool_calls(body: dict[str, Any], choice: ToolChoice | None) -> None:
    assert decoded(input="x", tools=TOOLS, **body).tool_choice == choice


def test_a_tool_choice_naming_no_tool_or_of_another_type_is_rejected() -> None:
    assert (
        rejected(input="x", tools=TOOLS, tool_choice={"type": "function", "name": "g"}).param
        == "tool_choice.name"
    )
    assert (
        rejected(input="x", tools=TOOLS, tool_choice={"type": "web_search_preview"}).param
        == "tool_choice.type"
    )


def test_sampling_limits_and_identity_fields() -> None:
    request = decoded(
        input="x",
        max_output_tokens=64,
        temperature=0.2,
        top_p=0.9,
        user="u1",
        metadata={"k": "v"},
        stream=True,
    )
    assert (request.max_output_tokens, request.temperature, request.top_p) == (64, 0.2, 0.9)
    assert (request.user, request.metadata, request.stream) == ("u1", {"k": "v"}, True)


def test_safety_identifier_stands_in_for_user_and_is_advisory_beside_it() -> None:
    assert decoded(input="x", safety_identifier="s").user == "s"
    both = decoded(input="x", safety_identifier="s", user="u")
    assert (both.user, both.advisory["safety_identifier"]) == ("u", "s")


@pytest.mark.parametrize(
    ("config", "reasoning"),
    [
        ({"effort": "high", "summary": "auto"}, Reasoning(effort="high", summary="auto")),
        (
            {"effort": "minimal", "generate_summary": "concise"},
            Reasoning(effort="minimal", summary="concise"),
        ),
        ({"effort": "none"}, Reasoning(enabled=False, effort="none")),
        ({}, None),
    ],
)
def test_reasoning_effort_and_summary(config: dict[str, Any], reasoning: Reasoning | None) -> None:
    assert decoded(input="x", reasoning=config).reasoning == reasoning


@pytest.mark.parametrize(
    ("fmt", "output_format"),
    [
        ({"type": "text"}, None),
        ({"type": "json_object"}, OutputFormat(kind="json_object")),
        (
            {
                "type": "json_schema",
                "name": "n",
                "schema": {"type": "object"},
                "strict": True,
                "description": "d",
            },
            OutputFormat.model_validate(
                {
                    "kind": "json_schema",
                    "name": "n",
                    "schema": {"type": "object"},
                    "strict": True,
                    "description": "d",
                }
            ),
        ),
    ],
)
def test_text_format_becomes_the_output_format(
    fmt: dict[str, Any], output_format: OutputFormat | None
) -> None:
    assert decoded(input="x", text={"format": fmt}).output_format == output_format


def test_advisory_fields_are_kept_by_field_path() -> None:
    request = decoded(
        input="x",
        store=True,
        include=["reasoning.encrypted_content"],
        prompt_cache_key="pk",
        prompt_cache_retention="24h",
        service_tier="flex",
        truncation="auto",
        text={"verbosity": "low"},
        stream_options={"include_obfuscation": False},
        client_metadata={"x": "y"},
        background=False,
    )
    assert request.advisory == {
        "store": True,
        "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "pk",
        "prompt_cache_retention": "24h",
        "service_tier": "flex",
        "truncation": "auto",
        "text.verbosity": "low",
        "stream_options": {"include_obfuscation": False},
        "client_metadata": {"x": "y"},
    }


def test_previous_response_id_is_rejected_with_the_reason_and_the_remedy() -> None:
    error = rejected(input="x", previous_response_id="resp_123")
    assert error.param == "previous_response_id"
    assert "stateless" in error.message
    assert "send the full input" in error.message


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"conversation": "conv_1"}, "conversation"),
        ({"prompt": {"id": "pmpt_1"}}, "prompt"),
        ({"background": True}, "background"),
        ({"top_logprobs": 3}, "top_logprobs"),
        ({"include": ["reasoning.encrypted_content", "message.output_text.logprobs"]}, "include[1]"),
    ],
)
def test_features_that_need_stored_state_or_logprobs_are_rejected(body: dict[str, Any], param: str) -> None:
    assert rejected(input="x", **body).param == param


CODEX_CAPTURE = Path(__file__).parents[2] / "clients_probe" / "captured_codex.json"


def codex_bodies() -> list[dict[str, Any]]:
    """Codex CLI 0.169 requests as captured; the capture trims its tool list to a summary, which is
    expanded back into tools of the same types and names."""
    bodies = []
    for capture in json.loads(CODEX_CAPTURE.read_text()):
        body = dict(capture["body"])
        tools: list[dict[str, Any]] = [tool for tool in body["tools"] if isinstance(tool, dict)]
        for summary in capture["tool_summary"][len(tools) :]:
            if summary["type"] == "namespace":
                inner = {"type": "function", "name": "spawn_agent", "parameters": {"type": "object"}}
                tools.append(
                    {"type": "namespace", "name": summary["name"], "description": "d", "tools": [inner]}
                )
            elif summary["type"] == "function":
                tools.append({"type": "function", "name": summary["name"], "parameters": {"type": "object"}})
            else:
                tools.append({"type": summary["type"]})
        bodies.append({**body, "tools": tools})
    return bodies


@pytest.mark.parametrize("body", codex_bodies())
def test_what_codex_cli_sends_decodes(body: dict[str, Any]) -> None:
    request = decode(ResponsesRequest.model_validate(body))
    assert request.system == ()  # Codex sends its prompt as developer messages, not instructions
    assert request.messages[0].role == "developer"
    assert request.stream is True
    assert request.reasoning == Reasoning(summary="auto")
    assert request.tool_choice == ToolChoice(mode="auto", parallel=True)
    assert "spawn_agent" in [tool.name for tool in request.tools]
    assert {"store", "include", "prompt_cache_key", "client_metadata"} <= request.advisory.keys()
    if any(item.get("type") == "function_call" for item in body["input"]):
        assert [type(block) for block in request.messages[-2].content] == [ToolUseBlock]
        assert [type(block) for block in request.messages[-1].content] == [ToolResultBlock]
