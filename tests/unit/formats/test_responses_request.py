from typing import Any

import pytest
from hyperinfer.formats.responses.items import MessageItem, OtherItem, ReasoningItem
from hyperinfer.formats.responses.request import FunctionTool, OtherTool, ResponsesRequest
from hyperinfer.formats.validation import describe
from pydantic import ValidationError

USER = {"role": "user", "content": "hi"}


def problem(payload: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        ResponsesRequest.model_validate({"model": "m", **payload})
    return describe(caught.value)


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        (
            {"input": [USER, USER, {"role": "user", "content": [{"type": "input_image", "image_url": 5}]}]},
            "input[2].content[0].image_url",
        ),
        ({"input": [{"role": "user", "content": [{"type": "input_text"}]}]}, "input[0].content[0].text"),
        ({"input": [{"role": "robot", "content": "x"}]}, "input[0].role"),
        ({"input": [{"type": "message", "role": "user"}]}, "input[0].content"),
        ({"input": [{"type": "function_call", "call_id": "c", "name": "f"}]}, "input[0].arguments"),
        ({"input": [{"type": "function_call_output", "output": "x"}]}, "input[0].call_id"),
        (
            {
                "input": [
                    {
                        "type": "function_call_output",
                        "call_id": "c",
                        "output": [{"type": "input_file", "filename": 3}],
                    }
                ]
            },
            "input[0].output[0].filename",
        ),
        (
            {"input": [{"type": "reasoning", "summary": [{"type": "summary_text"}]}]},
            "input[0].summary[0].text",
        ),
        ({"input": [{"type": "item_reference"}]}, "input[0].id"),
        ({"input": "x", "tools": [{"type": "function"}]}, "tools[0].name"),
        ({"input": "x", "tools": [{"type": "function", "name": "f", "strict": "maybe"}]}, "tools[0].strict"),
        ({"input": "x", "tool_choice": {"type": "function"}}, "tool_choice.name"),
        ({"input": "x", "tool_choice": "sometimes"}, "tool_choice"),
        ({"input": "x", "text": {"format": {"type": "json_schema", "name": "n"}}}, "text.format.schema"),
        ({"input": "x", "text": {"verbosity": "loud"}}, "text.verbosity"),
        ({"input": "x", "reasoning": {"effort": "extreme"}}, "reasoning.effort"),
        ({"input": "x", "reasoning": {"summary": "long"}}, "reasoning.summary"),
        ({"input": "x", "max_output_tokens": 0}, "max_output_tokens"),
        ({"input": "x", "temperature": 2.5}, "temperature"),
        ({"input": "x", "top_p": -1}, "top_p"),
        ({"input": "x", "metadata": {"k": 1}}, "metadata.k"),
        ({}, "input"),
    ],
)
def test_the_message_names_the_field(payload: dict[str, Any], param: str) -> None:
    message, found = problem(payload)
    assert found == param
    assert message.startswith(f"{param}: ")


def test_an_unknown_content_part_type_is_named_with_the_types_that_exist() -> None:
    message, param = problem({"input": [{"role": "user", "content": [{"type": "input_video"}]}]})
    assert param == "input[0].content[0]"
    assert "input_text, output_text, input_image, input_file or refusal" in message


def test_an_unknown_text_format_is_named() -> None:
    message, param = problem({"input": "x", "text": {"format": {"type": "xml"}}})
    assert (param, message) == ("text.format", "text.format: type must be text, json_object or json_schema")


def test_messages_with_and_without_type_and_earlier_output_messages_are_accepted() -> None:
    request = ResponsesRequest.model_validate(
        {
            "model": "m",
            "input": [
                {"role": "developer", "content": "rules"},
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]},
                {
                    "type": "message",
                    "id": "msg_1",
                    "status": "completed",
                    "role": "assistant",
                    "phase": "final_answer",
                    "content": [
                        {
                            "type": "output_text",
                            "text": "yo",
                            "annotations": [{"type": "url_citation"}],
                            "logprobs": [],
                        },
                        {"type": "refusal", "refusal": "no"},
                    ],
                },
            ],
        }
    )
    assert isinstance(request.input, list)
    assert all(isinstance(item, MessageItem) for item in request.input)


def test_reasoning_items_without_id_and_with_raw_content_are_accepted() -> None:
    # Codex CLI sends reasoning back without its id; open-weight models add reasoning_text content.
    request = ResponsesRequest.model_validate(
        {
            "model": "m",
            "input": [
                {"type": "reasoning", "summary": [], "encrypted_content": None},
                {"type": "reasoning", "summary": [], "content": [{"type": "reasoning_text", "text": "t"}]},
            ],
        }
    )
    assert isinstance(request.input, list)
    assert [type(item) for item in request.input] == [ReasoningItem, ReasoningItem]


def test_item_and_tool_types_the_gateway_cannot_serve_still_parse_so_decode_can_name_them() -> None:
    request = ResponsesRequest.model_validate(
        {
            "model": "m",
            "input": [{"type": "local_shell_call", "call_id": "c", "action": {}}],
            "tools": [{"type": "web_search"}, {"type": "function", "name": "f"}],
        }
    )
    assert isinstance(request.input, list)
    assert isinstance(request.input[0], OtherItem)
    assert [type(tool) for tool in request.tools or []] == [OtherTool, FunctionTool]


def test_fields_real_clients_send_beyond_the_seed_are_accepted() -> None:
    request = ResponsesRequest.model_validate(
        {
            "model": "m",
            "input": "hi",
            "tools": [
                {"type": "function", "name": "f", "parameters": None, "strict": None, "defer_loading": True}
            ],
            "reasoning": {"effort": "xhigh", "summary": "auto", "context": "auto"},
            "text": {"format": {"type": "json_schema", "name": "n", "schema": {}}, "verbosity": "low"},
            "client_metadata": {"session": "s"},
            "prompt_cache_key": "k",
            "moderation": {"model": "x"},
        }
    )
    assert request.model_extra == {"moderation": {"model": "x"}}
