import json

import pytest
from hyperinfer.errors import HTTP_STATUS, ErrorCode
from hyperinfer.providers.errors import scrub, upstream_error

KEY = "sk-live-upstream-0123456789abcdef"


def openai_body(message: str, kind: str = "server_error", code: str | None = None) -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "code": code}}).encode()


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (429, openai_body("slow down", "rate_limit_exceeded"), ErrorCode.PROVIDER_RATE_LIMIT),
        (
            529,
            b'{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
            ErrorCode.PROVIDER_OVERLOADED,
        ),
        (401, openai_body("bad key", "invalid_request_error", "invalid_api_key"), ErrorCode.PROVIDER_AUTH),
        (403, openai_body("forbidden"), ErrorCode.PROVIDER_AUTH),
        (
            400,
            openai_body(
                "maximum context length is 8192 tokens", "invalid_request_error", "context_length_exceeded"
            ),
            ErrorCode.CONTEXT_LENGTH_EXCEEDED,
        ),
        (
            400,
            b'{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long"}}',
            ErrorCode.CONTEXT_LENGTH_EXCEEDED,
        ),
        (
            400,
            openai_body(
                "flagged by our content management policy", "invalid_request_error", "content_filter"
            ),
            ErrorCode.CONTENT_FILTER,
        ),
        (400, openai_body("temperature too high", "invalid_request_error"), ErrorCode.INVALID_REQUEST),
        (500, openai_body("boom"), ErrorCode.PROVIDER_UNAVAILABLE),
        (503, b"<html>Service Unavailable</html>", ErrorCode.PROVIDER_UNAVAILABLE),
        (504, b"", ErrorCode.PROVIDER_TIMEOUT),
    ],
)
def test_status_and_body_pick_the_code(status: int, body: bytes, code: ErrorCode) -> None:
    assert upstream_error("p", status, body, {}, ()).code is code


def test_retry_after_survives_on_rate_limits_only() -> None:
    assert upstream_error("p", 429, b"{}", {"retry-after": "12"}, ()).retry_after == "12"
    assert upstream_error("p", 400, b"{}", {"retry-after": "12"}, ()).retry_after is None


def test_message_text_is_kept_but_secrets_are_scrubbed() -> None:
    error = upstream_error("p", 401, openai_body(f"Incorrect API key provided: {KEY}."), {}, (KEY,))
    assert KEY not in error.message and "Incorrect API key provided" in error.message


def test_scrub_removes_known_secrets_and_credential_shapes() -> None:
    text = scrub(
        "key abcdef-secret, header Bearer eyJhbGciOi.x.y, id AKIAABCDEFGHIJKLMNOP", ["abcdef-secret"]
    )
    assert "abcdef-secret" not in text and "eyJhbGciOi" not in text and "AKIA" not in text


def test_every_code_has_a_status() -> None:
    assert set(HTTP_STATUS) == set(ErrorCode)
    assert len(ErrorCode) == 17  # the seed's sixteen plus not_found
