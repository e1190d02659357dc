from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.anthropic_messages.decode import decode
from hyperinfer.formats.anthropic_messages.request import CountTokensRequest, MessagesRequest
from hyperinfer.ir import content as ir
from hyperinfer.ir.request import Message, OutputFormat, Reasoning, Request, ToolChoice

BASE: dict[str, Any] = {"model": "m", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
SCHEMA = {"type": "object", "properties": {"q": {"type": "string"}}}


def run(**fields: Any) -> Request:
    return decode(MessagesRequest.model_validate({**BASE, **fields}))


def turns(*messages: dict[str, Any], **fields: Any) -> Request:
    return run(messages=list(messages), **fields)


def refused(**fields: Any) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        run(**fields)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert caught.value.param is not None
    assert caught.value.message.startswith(f"{caught.value.param}: ")
    return caught.value


def test_scalars_map_onto_the_ir() -> None:
    request = run(
        max_tokens=512,
        temperature=0.2,
        top_p=0.9,
        top_k=40,
        stop_sequences=["END", "STOP"],
        metadata={"user_id": "u-1"},
        stream=True,
    )
    assert (request.model, request.max_output_tokens, request.temperature, request.top_p, request.top_k) == (
        "m",
        512,
        0.2,
        0.9,
        40,
    )
    assert request.stop == ("END", "STOP")
    assert request.user == "u-1" and request.stream is True
    assert request.messages == (Message(role="user", content=(ir.TextBlock(text="hi"),)),)


def test_system_as_a_string_or_as_blocks_with_cache_control() -> None:
    assert run(system="be brief").system == (ir.TextBlock(text="be brief"),)
    blocks = run(
        system=[
            {"type": "text", "text": "a", "cache_control": {"type": "ephemeral", "ttl": "1h"}},
            {"type": "text", "text": "b"},
        ]
    ).system
    assert blocks == (ir.TextBlock(text="a", cache_control=ir.CacheControl(ttl="1h")), ir.TextBlock(text="b"))


def test_images_and_documents_become_media_sources() -> None:
    request = turns(
        {
            "role": "user",
            "content": [
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBO"}},
                {"type": "image", "source": {"type": "url", "url": "https://x/cat.png"}},
                {"type": "image", "source": {"type": "file", "file_id": "file_1"}},
                {
                    "type": "document",
                    "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBE"},
                    "title": "Report",
                    "context": "Q3",
                    "cache_control": {"type": "ephemeral"},
                },
                {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "notes"}},
            ],
        }
    )
    image_b64, image_url, image_file, pdf, text_doc = request.messages[0].content
    assert image_b64 == ir.ImageBlock(
        source=ir.MediaSource(kind="base64", media_type="image/png", data="iVBO")
    )
    assert image_url == ir.ImageBlock(source=ir.MediaSource(kind="url", url="https://x/cat.png"))
    assert image_file == ir.ImageBlock(source=ir.MediaSource(kind="file_id", file_id="file_1"))
    assert pdf == ir.DocumentBlock(
        source=ir.MediaSource(kind="base64", media_type="application/pdf", data="JVBE"),
        title="Report",
        context="Q3",
        cache_control=ir.CacheControl(),
    )
    assert text_doc == ir.DocumentBlock(
        source=ir.MediaSource(kind="text", media_type="text/plain", data="notes")
    )


def test_document_citations_travel_as_advisory_by_path() -> None:
    request = turns(
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "cite it"},
                {
                    "type": "document",
                    "source": {"type": "url", "url": "https://x/a.pdf"},
                    "citations": {"enabled": True},
                },
            ],
        }
    )
    assert request.advisory == {"messages[0].content[1].citations": {"enabled": True}}


def test_assistant_thinking_keeps_its_signature_and_redacted_thinking_its_data() -> None:
    request = turns(
        {"role": "user", "content": "q"},
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "let me see", "signature": "EqQBCkgI"},
                {"type": "thinking", "thinking": "unsigned", "signature": ""},
                {"type": "redacted_thinking", "data": "EmwKAhgB"},
                {
                    "type": "text",
                    "text": "answer",
                    "citations": [{"type": "char_location", "cited_text": "x"}],
                },
                {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"a": 1}},
            ],
        },
    )
    assert request.messages[1].content == (
        ir.ThinkingBlock(thinking="let me see", signature="EqQBCkgI"),
        ir.ThinkingBlock(thinking="unsigned"),
        ir.RedactedThinkingBlock(data="EmwKAhgB"),
        ir.TextBlock(text="answer", citations=({"type": "char_location", "cited_text": "x"},)),
        ir.ToolUseBlock(id="toolu_1", name="f", input={"a": 1}),
    )


def test_tool_results_stay_in_the_user_turn_with_their_content_and_error_flag() -> None:
    request = turns(
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "a", "content": "42"},
                {"type": "tool_result", "tool_use_id": "b", "content": "", "is_error": True},
                {
                    "type": "tool_result",
                    "tool_use_id": "c",
                    "content": [
                        {"type": "text", "text": "see"},
                        {"type": "image", "source": {"type": "url", "url": "https://x/p.png"}},
                    ],
                    "cache_control": {"type": "ephemeral", "ttl": "5m"},
                },
                {"type": "text", "text": "go on"},
            ],
        }
    )
    first, second, third, text = request.messages[0].content
    assert first == ir.ToolResultBlock(tool_use_id="a", content=(ir.TextBlock(text="42"),))
    assert second == ir.ToolResultBlock(tool_use_id="b", content=(), is_error=True)
    assert third == ir.ToolResultBlock(
        tool_use_id="c",
        content=(
            ir.TextBlock(text="see"),
            ir.ImageBlock(source=ir.MediaSource(kind="url", url="https://x/p.png")),
        ),
        cache_control=ir.CacheControl(ttl="5m"),
    )
    assert text == ir.TextBlock(text="go on")
    assert request.messages[0].role == "user"


def test_system_turns_inside_messages_keep_their_place() -> None:
    request = turns({"role": "user", "content": "a"}, {"role": "system", "content": "now be terse"})
    assert [m.role for m in request.messages] == ["user", "system"]
    error = refused(
        messages=[
            {"role": "system", "content": [{"type": "image", "source": {"type": "url", "url": "https://x"}}]}
        ]
    )
    assert error.param == "messages[0].content[0]"


def test_tools_carry_their_schema_strictness_and_cache_mark() -> None:
    request = run(
        tools=[
            {"name": "f", "description": "find", "input_schema": SCHEMA, "strict": True},
            {"type": "custom", "name": "g", "input_schema": SCHEMA, "cache_control": {"type": "ephemeral"}},
        ]
    )
    f, g = request.tools
    assert (f.name, f.description, f.parameters, f.strict) == ("f", "find", SCHEMA, True)
    assert (g.name, g.cache_control) == ("g", ir.CacheControl())


def test_an_anthropic_defined_tool_is_refused_by_its_index() -> None:
    error = refused(
        tools=[{"name": "f", "input_schema": SCHEMA}, {"type": "web_search_20250305", "name": "web_search"}]
    )
    assert error.param == "tools[1]"
    assert "web_search_20250305" in error.message and "plugins" in error.message
    assert refused(tools=[{"type": "bash_20250124", "name": "bash"}]).param == "tools[0]"


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ({"type": "auto"}, ToolChoice(mode="auto")),
        ({"type": "auto", "disable_parallel_tool_use": True}, ToolChoice(mode="auto", parallel=False)),
        ({"type": "any", "disable_parallel_tool_use": False}, ToolChoice(mode="required", parallel=True)),
        ({"type": "tool", "name": "f"}, ToolChoice(mode="tool", name="f")),
        ({"type": "none"}, ToolChoice(mode="none")),
    ],
)
def test_tool_choice_modes(choice: dict[str, Any], expected: ToolChoice) -> None:
    assert run(tool_choice=choice).tool_choice == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"thinking": {"type": "enabled", "budget_tokens": 2048}}, Reasoning(budget_tokens=2048)),
        ({"thinking": {"type": "disabled"}}, Reasoning(enabled=False)),
        ({"thinking": {"type": "adaptive"}}, Reasoning(adaptive=True)),
        (
            {"thinking": {"type": "adaptive", "display": "summarized"}, "output_config": {"effort": "low"}},
            Reasoning(adaptive=True, effort="low", summary="auto"),
        ),
        ({"output_config": {"effort": "xhigh"}}, Reasoning(effort="xhigh")),
        ({}, None),
    ],
)
def test_thinking_and_effort_become_reasoning(fields: dict[str, Any], expected: Reasoning | None) -> None:
    assert run(**fields).reasoning == expected


def test_thinking_display_omitted_is_advisory() -> None:
    request = run(thinking={"type": "enabled", "budget_tokens": 1024, "display": "omitted"})
    assert request.reasoning == Reasoning(budget_tokens=1024)
    assert request.advisory == {"thinking.display": "omitted"}


def test_effort_max_is_refused_rather_than_lowered() -> None:
    assert refused(output_config={"effort": "max"}).param == "output_config.effort"


def test_structured_output_from_output_config_or_the_beta_output_format() -> None:
    expected = OutputFormat(kind="json_schema", schema=SCHEMA, strict=True)
    assert run(output_config={"format": {"type": "json_schema", "schema": SCHEMA}}).output_format == expected
    assert run(output_format={"type": "json_schema", "schema": SCHEMA}).output_format == expected
    both = refused(
        output_format={"type": "json_schema", "schema": SCHEMA},
        output_config={"format": {"type": "json_schema", "schema": SCHEMA}},
    )
    assert both.param == "output_format"


def test_response_format_is_refused_explicitly_as_seed_001_says() -> None:
    error = refused(response_format={"type": "json_object"})
    assert error.param == "response_format"
    assert "output_config.format" in error.message


def test_mcp_servers_are_refused() -> None:
    assert refused(mcp_servers=[{"type": "url", "url": "https://mcp", "name": "x"}]).param == "mcp_servers"


def test_blocks_without_an_ir_form_are_refused_by_path() -> None:
    search = {
        "type": "search_result",
        "source": "https://x",
        "title": "t",
        "content": [{"type": "text", "text": "a"}],
    }
    assert refused(messages=[{"role": "user", "content": [search]}]).param == "messages[0].content[0]"
    nested = {"type": "tool_result", "tool_use_id": "t", "content": [{"type": "text", "text": "a"}, search]}
    assert (
        refused(messages=[{"role": "user", "content": [nested]}]).param == "messages[0].content[0].content[1]"
    )
    chunked = {"type": "document", "source": {"type": "content", "content": "chunks"}}
    assert refused(messages=[{"role": "user", "content": [chunked]}]).param == "messages[0].content[0].source"


def test_advisory_fields_are_kept_by_path_and_gateway_fields_are_not() -> None:
    request = run(
        service_tier="standard_only",
        container="cntr_1",
        context_management={"edits": []},
        speed="fast",
        metadata={"user_id": "u", "team": "t"},
        plugins=[{"id": "web_search"}],
        hi_tool_events=True,
        messages=[
            {"role": "user", "content": "q"},
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": "t", "name": "f", "input": {}, "caller": {"type": "direct"}}
                ],
            },
        ],
        tools=[{"name": "f", "input_schema": SCHEMA, "input_examples": [{"q": "a"}]}],
    )
    assert request.advisory == {
        "service_tier": "standard_only",
        "container": "cntr_1",
        "context_management": {"edits": []},
        "speed": "fast",
        "metadata.team": "t",
        "messages[1].content[0].caller": {"type": "direct"},
        "tools[0].input_examples": [{"q": "a"}],
    }


def test_top_level_cache_control_marks_the_last_cacheable_block() -> None:
    request = turns(
        {"role": "user", "content": [{"type": "text", "text": "q"}]},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "a"},
                {"type": "thinking", "thinking": "t", "signature": "s"},
            ],
        },
        cache_control={"type": "ephemeral", "ttl": "1h"},
    )
    assert request.messages[1].content[0] == ir.TextBlock(text="a", cache_control=ir.CacheControl(ttl="1h"))
    assert request.messages[0].content[0] == ir.TextBlock(text="q")  # no cache_control of its own


def test_an_explicit_cache_mark_on_the_last_block_wins_over_the_top_level_one() -> None:
    request = turns(
        {"role": "user", "content": [{"type": "text", "text": "q", "cache_control": {"type": "ephemeral"}}]},
        cache_control={"type": "ephemeral", "ttl": "1h"},
    )
    assert request.messages[0].content[0] == ir.TextBlock(text="q", cache_control=ir.CacheControl())


def test_top_level_cache_control_falls_back_to_system_then_tools() -> None:
    only_thinking = {
        "role": "assistant",
        "content": [{"type": "thinking", "thinking": "t", "signature": "s"}],
    }
    control = {"type": "ephemeral"}
    with_system = turns(only_thinking, system="rules", cache_control=control)
    assert with_system.system == (ir.TextBlock(text="rules", cache_control=ir.CacheControl()),)
    with_tools = turns(only_thinking, tools=[{"name": "f", "input_schema": SCHEMA}], cache_control=control)
    assert with_tools.tools[0].cache_control == ir.CacheControl()


def test_a_count_tokens_request_decodes_without_max_tokens() -> None:
    parsed = CountTokensRequest.model_validate(
        {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    )
    assert decode(parsed).max_output_tokens is None
