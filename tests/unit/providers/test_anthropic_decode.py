"""Anthropic Messages responses and error bodies into the IR and the taxonomy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hyperinfer.errors import ErrorCode
from hyperinfer.ir.content import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.anthropic.decode import decode_response
from hyperinfer.providers.anthropic.errors import map_error
from hyperinfer.providers.anthropic.hints import DecodeHints
from hyperinfer.providers.anthropic.usage import usage_from_anthropic

SECRET = "sk-ant-api03-supersecretvalue1234567890"


def message(content: list[dict[str, Any]], stop: str | None = "end_turn", **extra: Any) -> dict[str, Any]:
    """A response shaped like Anthropic's documented example."""
    return {
        "id": "msg_01SUmNmSRFZsoa6h96MxJEHH",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 27,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            "output_tokens": 35,
            "service_tier": "standard",
        },
        **extra,
    }


def test_the_documented_text_response() -> None:
    response = decode_response(message([{"type": "text", "text": "I'm functioning well."}]))
    assert response.id == "msg_01SUmNmSRFZsoa6h96MxJEHH"
    assert response.model == "claude-sonnet-4-5-20250929"
    assert response.content == (TextBlock(text="I'm functioning well."),)
    assert response.stop_reason == "end_turn"
    assert response.usage == Usage(input_tokens=27, output_tokens=35, cache_writes_reported=True)


def test_thinking_with_its_signature_redacted_thinking_and_tool_calls() -> None:
    content: list[dict[str, Any]] = [
        {"type": "thinking", "thinking": "Weather needs a tool.", "signature": "EqQBCkYIARgC"},
        {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"},
        {"type": "text", "text": "Let me check."},
        {
            "type": "tool_use",
            "id": "toolu_01A09q90qw90lq917835lq9",
            "name": "get_weather",
            "input": {"city": "Paris"},
        },
    ]
    response = decode_response(message(content, "tool_use"))
    assert response.content == (
        ThinkingBlock(thinking="Weather needs a tool.", signature="EqQBCkYIARgC"),
        RedactedThinkingBlock(data="EmwKAhgBEgy3va3pzix"),
        TextBlock(text="Let me check."),
        ToolUseBlock(id="toolu_01A09q90qw90lq917835lq9", name="get_weather", input={"city": "Paris"}),
    )
    assert response.stop_reason == "tool_use"


def test_text_citations_are_kept() -> None:
    citation = {"type": "char_location", "cited_text": "x", "document_index": 0}
    response = decode_response(message([{"type": "text", "text": "x", "citations": [citation]}]))
    assert response.content == (TextBlock(text="x", citations=(citation,)),)


def test_blocks_the_ir_has_no_place_for_are_left_out() -> None:
    content: list[dict[str, Any]] = [
        {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "q"}},
        {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
        {"type": "text", "text": "Found it."},
    ]
    assert decode_response(message(content)).content == (TextBlock(text="Found it."),)


@pytest.mark.parametrize(
    ("anthropic", "ir"),
    [
        ("end_turn", "end_turn"),
        ("max_tokens", "max_tokens"),
        ("refusal", "refusal"),
        ("pause_turn", "end_turn"),
        ("model_context_window_exceeded", "max_tokens"),
        (None, "end_turn"),
    ],
)
def test_stop_reasons(anthropic: str | None, ir: str) -> None:
    assert decode_response(message([{"type": "text", "text": "x"}], anthropic)).stop_reason == ir


def test_a_stop_sequence_is_reported_with_the_sequence() -> None:
    body = message([{"type": "text", "text": "x"}], "stop_sequence") | {"stop_sequence": "END"}
    response = decode_response(body)
    assert (response.stop_reason, response.stop_sequence) == ("stop_sequence", "END")


def test_cache_reads_and_writes_are_counted_beside_input_and_writes_split_by_ttl() -> None:
    usage = usage_from_anthropic(
        {
            "input_tokens": 12,
            "cache_read_input_tokens": 3000,
            "cache_creation_input_tokens": 1500,
            "cache_creation": {"ephemeral_5m_input_tokens": 500, "ephemeral_1h_input_tokens": 1000},
            "output_tokens": 80,
            "output_tokens_details": {"thinking_tokens": 50},
        }
    )
    assert usage == Usage(
        input_tokens=12,
        cache_read_tokens=3000,
        cache_write_tokens=500,
        cache_write_1h_tokens=1000,
        output_tokens=80,
        reasoning_tokens=50,
        cache_writes_reported=True,
    )
    assert usage.prompt_tokens == 4512 and usage.total_tokens == 4592


def test_cache_writes_without_a_ttl_split_are_five_minute_writes() -> None:
    usage = usage_from_anthropic({"input_tokens": 5, "cache_creation_input_tokens": 700, "output_tokens": 1})
    assert (usage.cache_write_tokens, usage.cache_write_1h_tokens) == (700, 0)


def test_missing_usage_is_zero() -> None:
    assert usage_from_anthropic(None) == Usage()


# ------------------------------------------------------------------------------------ structured output


def test_the_structured_output_tool_becomes_a_json_text_block_and_the_turn_ends() -> None:
    content = [{"type": "tool_use", "id": "toolu_1", "name": "answer", "input": {"answer": "pong", "n": "ü"}}]
    response = decode_response(message(content, "tool_use"), DecodeHints(structured_tool="answer"))
    assert response.content == (TextBlock(text='{"answer": "pong", "n": "ü"}'),)
    assert response.stop_reason == "end_turn"


def test_a_real_tool_call_beside_the_structured_output_tool_keeps_the_tool_use_stop() -> None:
    content = [
        {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}},
        {"type": "tool_use", "id": "toolu_2", "name": "answer", "input": {"answer": "?"}},
    ]
    response = decode_response(message(content, "tool_use"), DecodeHints(structured_tool="answer"))
    assert [block.type for block in response.content] == ["tool_use", "text"]
    assert response.stop_reason == "tool_use"


def test_without_hints_a_tool_named_like_an_output_tool_stays_a_tool_call() -> None:
    content = [{"type": "tool_use", "id": "toolu_1", "name": "json_output", "input": {}}]
    assert decode_response(message(content, "tool_use")).stop_reason == "tool_use"


# ------------------------------------------------------------------------------------ errors


def error_body(kind: str, text: str) -> bytes:
    return json.dumps(
        {"type": "error", "error": {"type": kind, "message": text}, "request_id": "req_1"}
    ).encode()


@pytest.mark.parametrize(
    ("status", "kind", "text", "code"),
    [
        (529, "overloaded_error", "Overloaded", ErrorCode.PROVIDER_OVERLOADED),
        (500, "overloaded_error", "Overloaded", ErrorCode.PROVIDER_OVERLOADED),
        (429, "rate_limit_error", "Number of request tokens has exceeded", ErrorCode.PROVIDER_RATE_LIMIT),
        (
            400,
            "invalid_request_error",
            "prompt is too long: 210000 tokens > 200000 maximum",
            ErrorCode.CONTEXT_LENGTH_EXCEEDED,
        ),
        (
            400,
            "invalid_request_error",
            "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000",
            ErrorCode.CONTEXT_LENGTH_EXCEEDED,
        ),
        (400, "invalid_request_error", "messages: roles must alternate", ErrorCode.INVALID_REQUEST),
        (401, "authentication_error", "invalid x-api-key", ErrorCode.PROVIDER_AUTH),
        (402, "billing_error", "Your credit balance is too low", ErrorCode.PROVIDER_AUTH),
        (403, "permission_error", "no permission", ErrorCode.PROVIDER_AUTH),
        (413, "request_too_large", "Request exceeds the maximum size", ErrorCode.PAYLOAD_TOO_LARGE),
        (500, "api_error", "Internal server error", ErrorCode.PROVIDER_UNAVAILABLE),
        (504, "timeout_error", "Request timed out", ErrorCode.PROVIDER_TIMEOUT),
    ],
)
def test_error_bodies_map_into_the_taxonomy(status: int, kind: str, text: str, code: ErrorCode) -> None:
    error = map_error(status, error_body(kind, text), {}, [])
    assert error.code is code
    assert text in error.message


@pytest.mark.parametrize("status", [429, 529])
def test_retry_after_is_kept_whatever_the_header_case(status: int) -> None:
    kind = "rate_limit_error" if status == 429 else "overloaded_error"
    error = map_error(status, error_body(kind, "slow down"), {"Retry-After": "17"}, [])
    assert error.retry_after == "17"


def test_retry_after_is_not_passed_on_for_an_invalid_request() -> None:
    error = map_error(400, error_body("invalid_request_error", "bad"), {"retry-after": "5"}, [])
    assert error.retry_after is None


def test_secrets_are_scrubbed_from_upstream_messages() -> None:
    error = map_error(401, error_body("authentication_error", f"invalid x-api-key {SECRET}"), {}, [SECRET])
    assert SECRET not in error.message
    assert "[redacted]" in error.message


def test_a_body_that_is_not_json_still_maps_by_status() -> None:
    error = map_error(502, b"<html>Bad Gateway</html>", {}, [])
    assert error.code is ErrorCode.PROVIDER_UNAVAILABLE
