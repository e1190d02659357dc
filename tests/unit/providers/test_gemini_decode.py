"""Gemini answers and refusals into the IR: parts, minted call ids, finish reasons, usage, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hyperinfer.errors import ErrorCode
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.request import Message, Request
from hyperinfer.providers.gemini import ADAPTER, signatures

from tests.unit.providers.gemini_cases import KEY, PRO_3, WEATHER, answer, message, text

CALL = {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "SIG-1"}
SECOND = {"functionCall": {"name": "get_weather", "args": {"city": "Zürich"}}}


def test_thoughts_text_and_calls_become_ir_blocks_in_order() -> None:
    body = answer({"text": "Musing", "thought": True}, {"text": "Let me check."}, CALL, SECOND)
    response = ADAPTER.decode_response(body, None)
    thought, said, first, signature, second = response.content
    assert thought == ThinkingBlock(thinking="Musing", signature=signatures.THOUGHT, summary=True)
    assert said == TextBlock(text="Let me check.")
    assert isinstance(first, ToolUseBlock) and isinstance(second, ToolUseBlock)
    assert (first.name, first.input, second.input) == ("get_weather", {"city": "Paris"}, {"city": "Zürich"})
    assert signature == ThinkingBlock(thinking="", signature=signatures.part_signature("SIG-1"))
    assert response.stop_reason == "tool_use"  # Gemini says STOP for a turn of calls
    assert (response.id, response.model) == ("resp-1", "gemini-3-pro-preview")


def test_minted_call_ids_are_stable_distinct_and_kept_when_gemini_gives_one() -> None:
    body = answer(CALL, SECOND)
    once, again = (
        ADAPTER.decode_response(body, None),
        ADAPTER.decode_response(json.loads(json.dumps(body)), None),
    )
    ids = [block.id for block in once.content if isinstance(block, ToolUseBlock)]
    assert ids == [block.id for block in again.content if isinstance(block, ToolUseBlock)]
    assert len(set(ids)) == 2 and all(i.startswith(signatures.MINTED) for i in ids)
    other = ADAPTER.decode_response({**body, "responseId": "resp-2"}, None)
    assert ids[0] not in {b.id for b in other.content if isinstance(b, ToolUseBlock)}
    given = answer({"functionCall": {"id": "fc-7", "name": "get_weather", "args": {}}})
    assert ADAPTER.decode_response(given, None).content[0] == ToolUseBlock(
        id="fc-7", name="get_weather", input={}
    )


def test_a_decoded_answer_sent_back_puts_every_signature_where_it_was() -> None:
    parts: list[dict[str, Any]] = [
        {"text": "Musing", "thought": True, "thoughtSignature": "SIG-T"},
        {"text": "Let me check.", "thoughtSignature": "SIG-X"},
        {"text": "Unsigned", "thought": True},
        CALL,
        SECOND,
    ]
    response = ADAPTER.decode_response(answer(*parts), None)
    history = Request(
        model="m",
        tools=(WEATHER,),
        messages=(
            message("user", text("Weather?")),
            Message(role="assistant", content=response.content),
            message(
                "user",
                *(
                    {"type": "tool_result", "tool_use_id": block.id, "content": [text("18")]}
                    for block in response.content
                    if isinstance(block, ToolUseBlock)
                ),
            ),
        ),
    )
    sent = ADAPTER.encode_request(history, PRO_3).body["contents"]
    assert sent[1] == {"role": "model", "parts": parts}
    assert [part["functionResponse"]["name"] for part in sent[2]["parts"]] == ["get_weather", "get_weather"]


@pytest.mark.parametrize(
    ("finish", "stop"),
    [
        ("STOP", "end_turn"),
        ("MAX_TOKENS", "max_tokens"),
        ("SAFETY", "content_filter"),
        ("RECITATION", "content_filter"),
        ("PROHIBITED_CONTENT", "content_filter"),
        ("LANGUAGE", "refusal"),
        ("MALFORMED_FUNCTION_CALL", "end_turn"),
        ("OTHER", "end_turn"),
    ],
)
def test_finish_reasons_map_to_ir_stop_reasons(finish: str, stop: str) -> None:
    assert ADAPTER.decode_response(answer({"text": "x"}, finish=finish), None).stop_reason == stop


def test_a_blocked_prompt_without_candidates_is_a_content_filter_stop() -> None:
    body = {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 7}}
    response = ADAPTER.decode_response(body, None)
    assert (response.content, response.stop_reason, response.usage.input_tokens) == ((), "content_filter", 7)


def test_usage_separates_cached_prompt_tokens_and_counts_thoughts_as_reasoning_output() -> None:
    usage = {
        "promptTokenCount": 1000,
        "cachedContentTokenCount": 600,
        "candidatesTokenCount": 50,
        "thoughtsTokenCount": 200,
        "totalTokenCount": 1250,
    }
    decoded = ADAPTER.decode_response(answer({"text": "x"}, usage=usage), None).usage
    assert (decoded.input_tokens, decoded.cache_read_tokens) == (400, 600)
    assert (decoded.output_tokens, decoded.reasoning_tokens) == (250, 200)
    assert decoded.total_tokens == 1250


def error(status: int, rpc: str, message: str, details: list[dict[str, str]] | None = None) -> bytes:
    body: dict[str, object] = {"code": status, "message": message, "status": rpc}
    if details:
        body["details"] = details
    return json.dumps({"error": body}).encode()


@pytest.mark.parametrize(
    ("status", "rpc", "message", "code"),
    [
        (400, "INVALID_ARGUMENT", "Request contains an invalid argument.", ErrorCode.INVALID_REQUEST),
        (
            400,
            "INVALID_ARGUMENT",
            "The input token count (1290000) exceeds the maximum number of tokens allowed (1048576).",
            ErrorCode.CONTEXT_LENGTH_EXCEEDED,
        ),
        (400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", ErrorCode.PROVIDER_AUTH),
        (403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers", ErrorCode.PROVIDER_AUTH),
        (500, "INTERNAL", "An internal error has occurred.", ErrorCode.PROVIDER_UNAVAILABLE),
        (
            503,
            "UNAVAILABLE",
            "The model is overloaded. Please try again later.",
            ErrorCode.PROVIDER_OVERLOADED,
        ),
        (503, "UNAVAILABLE", "The service is currently unavailable.", ErrorCode.PROVIDER_UNAVAILABLE),
        (504, "DEADLINE_EXCEEDED", "Deadline expired", ErrorCode.PROVIDER_TIMEOUT),
    ],
)
def test_errors_map_by_rpc_status_and_message(status: int, rpc: str, message: str, code: ErrorCode) -> None:
    mapped = ADAPTER.map_error("google", status, error(status, rpc, message), {}, [KEY])
    assert mapped.code is code and message in mapped.message and "'google'" in mapped.message


def test_a_rate_limit_comes_back_with_retry_after_from_its_retry_info() -> None:
    details = [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "36.5s"}]
    body = error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", details)
    mapped = ADAPTER.map_error("google", 429, body, {}, [KEY])
    assert (mapped.code, mapped.retry_after) == (ErrorCode.PROVIDER_RATE_LIMIT, "37")
    bare = ADAPTER.map_error(
        "google", 429, error(429, "RESOURCE_EXHAUSTED", "quota"), {"Retry-After": "5"}, []
    )
    assert bare.retry_after == "5"


def test_secrets_never_travel_in_an_error_message() -> None:
    body = error(400, "INVALID_ARGUMENT", f"API key {KEY} not valid. Please pass a valid API key.")
    mapped = ADAPTER.map_error("google", 400, body, {}, [KEY])
    assert KEY not in mapped.message and "[redacted]" in mapped.message


def test_a_google_key_not_known_to_the_caller_is_still_scrubbed_by_its_shape() -> None:
    other = "AIzaSyOtherKeyThatLeakedIntoTheMessage12345"
    body = error(403, "PERMISSION_DENIED", f"Key {other} has no access to this project.")
    mapped = ADAPTER.map_error("google", 403, body, {}, [KEY])
    assert other not in mapped.message and mapped.code is ErrorCode.PROVIDER_AUTH
