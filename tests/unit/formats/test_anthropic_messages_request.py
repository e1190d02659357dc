from typing import Any

import pytest
from hyperinfer.formats.anthropic_messages.request import CountTokensRequest, MessagesRequest
from hyperinfer.formats.validation import describe
from pydantic import ValidationError

BASE: dict[str, Any] = {"model": "m", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}


def problem(payload: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        MessagesRequest.model_validate(payload)
    return describe(caught.value)


def user(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {**BASE, "messages": [{"role": "user", "content": list(blocks)}]}


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({k: v for k, v in BASE.items() if k != "max_tokens"}, "max_tokens"),
        ({**BASE, "max_tokens": 0}, "max_tokens"),
        ({**BASE, "messages": []}, "messages"),
        ({**BASE, "messages": [{"role": "tool", "content": "x"}]}, "messages[0].role"),
        (user({"type": "text", "text": "a"}, {"type": "text"}), "messages[0].content[1].text"),
        (
            user(
                {"type": "text", "text": "a"},
                {"type": "image", "source": {"type": "base64", "media_type": "x"}},
            ),
            "messages[0].content[1].source.data",
        ),
        (user({"type": "image", "source": {"type": "ftp"}}), "messages[0].content[0].source"),
        (user({"type": "document", "source": {"type": "url"}}), "messages[0].content[0].source.url"),
        (user({"type": "video"}), "messages[0].content[0]"),
        (user({"type": "tool_use", "id": "t", "name": "f"}), "messages[0].content[0].input"),
        (
            user({"type": "tool_result", "tool_use_id": "t", "content": [{"type": "text"}]}),
            "messages[0].content[0].content[0].text",
        ),
        (
            user({"type": "text", "text": "a", "cache_control": {"type": "ephemeral", "ttl": "2h"}}),
            "messages[0].content[0].cache_control.ttl",
        ),
        ({**BASE, "system": [{"type": "text"}]}, "system[0].text"),
        ({**BASE, "tools": [{"name": "f"}]}, "tools[0].input_schema"),
        ({**BASE, "tools": [{"type": "custom", "input_schema": {}}]}, "tools[0].name"),
        ({**BASE, "tool_choice": {"type": "tool"}}, "tool_choice.name"),
        ({**BASE, "tool_choice": {"type": "sometimes"}}, "tool_choice"),
        ({**BASE, "thinking": {"type": "enabled", "budget_tokens": 0}}, "thinking.budget_tokens"),
        ({**BASE, "thinking": {"type": "between_tools"}}, "thinking"),
        ({**BASE, "output_config": {"format": {"type": "json_schema"}}}, "output_config.format.schema"),
        ({**BASE, "output_config": {"effort": "extreme"}}, "output_config.effort"),
        ({**BASE, "temperature": 1.5}, "temperature"),
        ({**BASE, "top_k": -1}, "top_k"),
        ({**BASE, "stop_sequences": "END"}, "stop_sequences"),
        ({**BASE, "plugins": [{"id": "teleport"}]}, "plugins[0].id"),
    ],
)
def test_the_message_names_the_field(payload: dict[str, Any], param: str) -> None:
    message, found = problem(payload)
    assert found == param
    assert message.startswith(f"{param}: ")


def test_an_unknown_block_type_lists_the_known_ones() -> None:
    message, _ = problem(user({"type": "video"}))
    assert "'tool_result'" in message and "'redacted_thinking'" in message


def test_a_claude_code_style_request_is_accepted() -> None:
    cache = {"type": "ephemeral", "ttl": "1h"}
    request = MessagesRequest.model_validate(
        {
            "model": "claude-sonnet-4-5",
            "max_tokens": 32000,
            "stream": True,
            "system": [
                {"type": "text", "text": "You are Claude Code.", "cache_control": cache},
                {"type": "text", "text": "Rules."},
            ],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "fix it", "cache_control": cache}]},
                {
                    "role": "assistant",
                    "content": [
                        {"type": "thinking", "thinking": "hmm", "signature": "EqQBCkgI"},
                        {"type": "redacted_thinking", "data": "EmwKAhgB"},
                        {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}},
                    ],
                },
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": "toolu_1",
                            "content": [{"type": "text", "text": "a.py"}],
                            "is_error": False,
                            "cache_control": {"type": "ephemeral"},
                        },
                        {
                            "type": "document",
                            "source": {"type": "text", "media_type": "text/plain", "data": "notes"},
                            "title": "notes.txt",
                            "context": "from the repo",
                            "citations": {"enabled": True},
                        },
                        {"type": "image", "source": {"type": "file", "file_id": "file_1"}},
                    ],
                },
            ],
            "tools": [
                {
                    "type": "custom",
                    "name": "Bash",
                    "description": "Run a command",
                    "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}},
                    "cache_control": cache,
                    "eager_input_streaming": True,
                }
            ],
            "tool_choice": {"type": "auto", "disable_parallel_tool_use": True},
            "thinking": {"type": "adaptive", "display": "summarized"},
            "output_config": {"effort": "high"},
            "metadata": {"user_id": "user_abc"},
            "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]},
            "service_tier": "auto",
            "top_k": 5,
        }
    )
    assert request.model_extra == {"context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]}}
    assert request.tools is not None and request.tools[0].model_extra == {"eager_input_streaming": True}


def test_a_server_tool_passes_validation_so_that_decode_can_refuse_it_by_name() -> None:
    request = MessagesRequest.model_validate(
        {**BASE, "tools": [{"type": "web_search_20250305", "name": "s"}]}
    )
    assert request.tools is not None and type(request.tools[0]).__name__ == "ServerTool"


def test_count_tokens_needs_no_max_tokens() -> None:
    request = CountTokensRequest.model_validate(
        {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    )
    assert request.model == "m"
