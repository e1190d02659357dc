"""Converse responses, usage and refusals into the IR and the taxonomy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hyperinfer.errors import ErrorCode
from hyperinfer.ir.content import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.bedrock import ADAPTER
from hyperinfer.providers.bedrock.decode import usage_from_bedrock
from hyperinfer.providers.bedrock.hints import DecodeHints

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def converse(content: list[dict[str, Any]], stop: str = "end_turn", **extra: Any) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop,
        "usage": {"inputTokens": 30, "outputTokens": 12, "totalTokens": 42},
        "metrics": {"latencyMs": 412},
        **extra,
    }


def test_text_reasoning_with_its_signature_and_tool_calls() -> None:
    response = ADAPTER.decode_response(
        converse(
            [
                {
                    "reasoningContent": {
                        "reasoningText": {"text": "Needs a tool.", "signature": "EqQBCkYI+/=="}
                    }
                },
                {"reasoningContent": {"redactedContent": "EmwKAhgBEgy3"}},
                {"text": "Let me check."},
                {"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": {"city": "Paris"}}},
            ],
            "tool_use",
        ),
        None,
    )
    assert response.content == (
        ThinkingBlock(thinking="Needs a tool.", signature="EqQBCkYI+/=="),
        RedactedThinkingBlock(data="EmwKAhgBEgy3"),
        TextBlock(text="Let me check."),
        ToolUseBlock(id="tooluse_1", name="get_weather", input={"city": "Paris"}),
    )
    assert response.stop_reason == "tool_use"
    assert response.usage == Usage(input_tokens=30, output_tokens=12)


def test_the_structured_output_tool_is_the_answer_text() -> None:
    body = converse([{"toolUse": {"toolUseId": "t", "name": "answer", "input": {"a": "ü"}}}], "tool_use")
    response = ADAPTER.decode_response(body, DecodeHints(structured_tool="answer"))
    assert response.content == (TextBlock(text='{"a": "ü"}'),)
    assert response.stop_reason == "end_turn"


@pytest.mark.parametrize(
    ("raw", "stop"),
    [
        ("end_turn", "end_turn"),
        ("max_tokens", "max_tokens"),
        ("stop_sequence", "stop_sequence"),
        ("guardrail_intervened", "content_filter"),
        ("content_filtered", "content_filter"),
        ("model_context_window_exceeded", "max_tokens"),
    ],
)
def test_stop_reasons(raw: str, stop: str) -> None:
    fields = {"stop_sequence": "END"} if raw == "stop_sequence" else None
    response = ADAPTER.decode_response(
        converse([{"text": "x"}], raw, additionalModelResponseFields=fields), None
    )
    assert response.stop_reason == stop
    assert response.stop_sequence == ("END" if raw == "stop_sequence" else None)


def test_usage_keeps_cache_reads_and_writes_beside_input_and_splits_writes_by_ttl() -> None:
    usage = usage_from_bedrock(
        {
            "inputTokens": 20,
            "outputTokens": 7,
            "totalTokens": 1527,
            "cacheReadInputTokens": 1000,
            "cacheWriteInputTokens": 500,
            "cacheDetails": [{"ttl": "1h", "inputTokens": 300}, {"ttl": "5m", "inputTokens": 200}],
        }
    )
    assert usage == Usage(
        input_tokens=20,
        cache_read_tokens=1000,
        cache_write_tokens=200,
        cache_write_1h_tokens=300,
        output_tokens=7,
        cache_writes_reported=True,
    )
    assert usage.total_tokens == 1527


def error(status: int, kind: str, message: str, **headers: str) -> Any:
    body = json.dumps({"message": message}).encode()
    all_headers = {
        "x-amzn-ErrorType": f"{kind}:http://internal.amazon.com/coral/com.amazon.bedrock/",
        **headers,
    }
    return ADAPTER.map_error("bedrock-us", status, body, all_headers, (SECRET,))


@pytest.mark.parametrize(
    ("status", "kind", "message", "code"),
    [
        (
            429,
            "ThrottlingException",
            "Too many requests, please wait before trying again.",
            "provider_rate_limit",
        ),
        (400, "ValidationException", "Input is too long for requested model.", "context_length_exceeded"),
        (400, "ValidationException", "messages.0.content.0.text: field required", "invalid_request"),
        (424, "ModelErrorException", "The model returned an error.", "provider_unavailable"),
        (
            503,
            "ServiceUnavailableException",
            "Bedrock is unable to process your request.",
            "provider_unavailable",
        ),
        (408, "ModelTimeoutException", "Model has timed out.", "provider_timeout"),
        (429, "ModelNotReadyException", "Model is not ready.", "provider_overloaded"),
        (403, "AccessDeniedException", "You don't have access to the model.", "provider_auth"),
        (
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
            "provider_auth",
        ),
        (500, "InternalServerException", "Internal error.", "provider_unavailable"),
    ],
)
def test_errors_by_their_amzn_error_type(status: int, kind: str, message: str, code: str) -> None:
    mapped = error(status, kind, message)
    assert mapped.code == ErrorCode(code)
    assert kind in mapped.message and "bedrock-us" in mapped.message


def test_retry_after_travels_only_with_retryable_errors() -> None:
    assert error(429, "ThrottlingException", "slow down", **{"Retry-After": "7"}).retry_after == "7"
    assert error(400, "ValidationException", "bad", **{"Retry-After": "7"}).retry_after is None


def test_secrets_are_scrubbed_from_the_message() -> None:
    mapped = error(
        403, "InvalidSignatureException", f"The signature for secret {SECRET} and AKIAABCDEFGHIJKLMNOP"
    )
    assert SECRET not in mapped.message and "AKIAABCDEFGHIJKLMNOP" not in mapped.message
    assert mapped.code is ErrorCode.PROVIDER_AUTH


def test_a_body_that_is_not_json_still_maps_by_status() -> None:
    mapped = ADAPTER.map_error("bedrock", 502, b"<html>Bad Gateway</html>", {}, ())
    assert mapped.code is ErrorCode.PROVIDER_UNAVAILABLE
