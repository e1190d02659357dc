"""OpenAI Responses response objects -> IR responses: blocks, stop reasons, usage, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.openai_responses import map_error
from hyperinfer.providers.openai_responses.decode import decode_response
from hyperinfer.providers.openai_responses.outcome import usage_from_responses

USAGE = {
    "input_tokens": 12033,
    "input_tokens_details": {"cached_tokens": 11904},
    "output_tokens": 44,
    "output_tokens_details": {"reasoning_tokens": 30},
    "total_tokens": 12077,
}


def message(*parts: dict[str, Any], status: str = "completed") -> dict[str, Any]:
    return {"id": "msg_1", "type": "message", "status": status, "role": "assistant", "content": list(parts)}


def text(value: str, annotations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "output_text", "text": value, "annotations": annotations or [], "logprobs": []}


def response(*output: dict[str, Any], status: str = "completed", **fields: Any) -> dict[str, Any]:
    """The shape of OpenAI's documented response object, with what decoding reads."""
    return {
        "id": "resp_0abc",
        "object": "response",
        "created_at": 1768560502,
        "status": status,
        "error": None,
        "incomplete_details": None,
        "model": "gpt-5-2025-08-07",
        "output": list(output),
        "usage": USAGE,
        **fields,
    }


def test_a_text_answer_keeps_id_model_created_and_ends_the_turn() -> None:
    decoded = decode_response(response(message(text("Hello! How can I help?"))))
    assert (decoded.id, decoded.model, decoded.created) == ("resp_0abc", "gpt-5-2025-08-07", 1768560502)
    assert decoded.content == (TextBlock(text="Hello! How can I help?"),)
    assert decoded.stop_reason == "end_turn"


def test_usage_counts_cached_input_once_and_keeps_reasoning_inside_output() -> None:
    usage = decode_response(response(message(text("hi")))).usage
    assert usage == Usage(input_tokens=129, cache_read_tokens=11904, output_tokens=44, reasoning_tokens=30)
    assert usage.prompt_tokens == 12033 and usage.total_tokens == 12077


def test_missing_usage_details_count_as_zero() -> None:
    assert usage_from_responses({"input_tokens": 9, "output_tokens": 3}) == Usage(
        input_tokens=9, output_tokens=3
    )
    assert usage_from_responses(None) == Usage()


def test_every_output_text_part_is_a_block_and_annotations_become_citations() -> None:
    citation = {
        "type": "url_citation",
        "start_index": 0,
        "end_index": 5,
        "url": "https://x.test",
        "title": "X",
    }
    decoded = decode_response(response(message(text("Paris", [citation]), text(" is lovely."))))
    assert decoded.content == (TextBlock(text="Paris", citations=(citation,)), TextBlock(text=" is lovely."))


def test_a_reasoning_item_is_thinking_with_its_summary_encrypted_content_and_id() -> None:
    reasoning = {
        "id": "rs_1",
        "type": "reasoning",
        "encrypted_content": "gAAAA==",
        "summary": [
            {"type": "summary_text", "text": "**Plan**"},
            {"type": "summary_text", "text": "Then act."},
        ],
    }
    decoded = decode_response(response(reasoning, message(text("Done."))))
    assert decoded.content[0] == ThinkingBlock(
        thinking="**Plan**\n\nThen act.", summary=True, encrypted="gAAAA==", item_id="rs_1"
    )
    assert decoded.content[1] == TextBlock(text="Done.")


def test_reasoning_without_a_summary_still_carries_its_encrypted_content() -> None:
    reasoning = {"id": "rs_2", "type": "reasoning", "summary": [], "encrypted_content": "enc"}
    block = decode_response(response(reasoning, message(text("ok")))).content[0]
    assert block == ThinkingBlock(thinking="", summary=True, encrypted="enc", item_id="rs_2")


def test_raw_reasoning_text_is_thinking_that_is_not_a_summary() -> None:
    reasoning = {
        "id": "rs_3",
        "type": "reasoning",
        "summary": [],
        "content": [{"type": "reasoning_text", "text": "raw"}],
    }
    block = decode_response(response(reasoning, message(text("ok")))).content[0]
    assert block == ThinkingBlock(thinking="raw", summary=False, item_id="rs_3")


def test_function_calls_are_tool_uses_by_call_id_and_end_with_tool_use() -> None:
    arguments = json.dumps({"city": "東京"}, ensure_ascii=False)
    calls = [
        {
            "id": "fc_1",
            "type": "function_call",
            "call_id": "call_a",
            "name": "get_weather",
            "arguments": arguments,
        },
        {"id": "fc_2", "type": "function_call", "call_id": "call_b", "name": "ping", "arguments": ""},
    ]
    decoded = decode_response(response(*calls))
    assert decoded.content == (
        ToolUseBlock(id="call_a", name="get_weather", input={"city": "東京"}),
        ToolUseBlock(id="call_b", name="ping", input={}),
    )
    assert decoded.stop_reason == "tool_use"


def test_arguments_that_are_not_a_json_object_are_an_upstream_fault() -> None:
    call = {"id": "fc", "type": "function_call", "call_id": "c", "name": "f", "arguments": '["a"]'}
    with pytest.raises(GatewayError) as caught:
        decode_response(response(call))
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE


def test_a_refusal_part_is_text_and_the_stop_reason_says_refusal() -> None:
    decoded = decode_response(response(message({"type": "refusal", "refusal": "I can't help with that."})))
    assert decoded.content == (TextBlock(text="I can't help with that."),)
    assert decoded.stop_reason == "refusal"


@pytest.mark.parametrize(
    ("reason", "stop"), [("max_output_tokens", "max_tokens"), ("content_filter", "content_filter")]
)
def test_incomplete_responses_say_why_they_stopped(reason: str, stop: str) -> None:
    body = response(
        message(text("cut"), status="incomplete"), status="incomplete", incomplete_details={"reason": reason}
    )
    assert decode_response(body).stop_reason == stop


def test_a_failed_response_raises_the_mapped_error() -> None:
    body = response(status="failed", error={"code": "rate_limit_exceeded", "message": "Slow down"})
    with pytest.raises(GatewayError) as caught:
        decode_response(body)
    assert caught.value.code is ErrorCode.PROVIDER_RATE_LIMIT
    assert "Slow down" in caught.value.message


def test_a_response_still_in_progress_is_an_upstream_fault() -> None:
    with pytest.raises(GatewayError) as caught:
        decode_response(response(status="in_progress"))
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE


def test_built_in_tool_items_the_gateway_never_asked_for_are_skipped() -> None:
    search = {"id": "ws_1", "type": "web_search_call", "status": "completed"}
    assert decode_response(response(search, message(text("ok")))).content == (TextBlock(text="ok"),)


# -- HTTP errors ------------------------------------------------------------------------------


def openai_error(message: str, kind: str, code: str | None) -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": code}}).encode()


def test_a_429_keeps_retry_after_and_the_message_without_secrets() -> None:
    body = openai_error(
        "Rate limit reached for key sk-proj-abcdefghijklmnopqrstuvwx", "requests", "rate_limit_exceeded"
    )
    error = map_error(429, body, {"retry-after": "7"}, ["sk-upstream-secret"])
    assert (error.code, error.retry_after) == (ErrorCode.PROVIDER_RATE_LIMIT, "7")
    assert "Rate limit reached" in error.message and "sk-proj" not in error.message


def test_a_context_length_400_is_its_own_code() -> None:
    body = openai_error(
        "Your input exceeds the context window of this model.",
        "invalid_request_error",
        "context_length_exceeded",
    )
    assert map_error(400, body, {}, []).code is ErrorCode.CONTEXT_LENGTH_EXCEEDED


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, ErrorCode.PROVIDER_AUTH), (500, ErrorCode.PROVIDER_UNAVAILABLE), (400, ErrorCode.INVALID_REQUEST)],
)
def test_statuses_map_into_the_taxonomy(status: int, code: ErrorCode) -> None:
    assert map_error(status, openai_error("nope", "server_error", None), {}, []).code is code
