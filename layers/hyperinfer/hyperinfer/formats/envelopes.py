"""Error bodies in each ingress format's native envelope, always carrying the request id."""

from __future__ import annotations

from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError

_OPENAI_TYPE: dict[ErrorCode, str] = {
    ErrorCode.INVALID_API_KEY: "authentication_error",
    ErrorCode.MODEL_NOT_ALLOWED: "permission_error",
    ErrorCode.WORKSPACE_LOCKED: "permission_error",
    ErrorCode.INSUFFICIENT_CREDITS: "insufficient_quota",
    ErrorCode.KEY_LIMIT_EXCEEDED: "insufficient_quota",
    ErrorCode.RATE_LIMIT_EXCEEDED: "rate_limit_error",
    ErrorCode.PROVIDER_RATE_LIMIT: "rate_limit_error",
    ErrorCode.NOT_FOUND: "not_found_error",
    ErrorCode.INTERNAL_ERROR: "server_error",
    ErrorCode.PROVIDER_AUTH: "upstream_error",
    ErrorCode.PROVIDER_OVERLOADED: "upstream_error",
    ErrorCode.PROVIDER_TIMEOUT: "upstream_error",
    ErrorCode.PROVIDER_UNAVAILABLE: "upstream_error",
}

# Anthropic's own error types (https://docs.anthropic.com/en/api/errors), one per status.
_ANTHROPIC_TYPE: dict[ErrorCode, str] = {
    ErrorCode.INVALID_API_KEY: "authentication_error",
    ErrorCode.MODEL_NOT_ALLOWED: "permission_error",
    ErrorCode.WORKSPACE_LOCKED: "permission_error",
    ErrorCode.INSUFFICIENT_CREDITS: "billing_error",
    ErrorCode.KEY_LIMIT_EXCEEDED: "billing_error",
    ErrorCode.RATE_LIMIT_EXCEEDED: "rate_limit_error",
    ErrorCode.PROVIDER_RATE_LIMIT: "rate_limit_error",
    ErrorCode.NOT_FOUND: "not_found_error",
    ErrorCode.PAYLOAD_TOO_LARGE: "request_too_large",
    ErrorCode.INTERNAL_ERROR: "api_error",
    ErrorCode.PROVIDER_AUTH: "api_error",
    ErrorCode.PROVIDER_UNAVAILABLE: "api_error",
    ErrorCode.PROVIDER_TIMEOUT: "timeout_error",
    ErrorCode.PROVIDER_OVERLOADED: "overloaded_error",
}


def openai_error(error: GatewayError, request_id: str) -> dict[str, Any]:
    return {
        "error": {
            "message": error.message,
            "type": _OPENAI_TYPE.get(error.code, "invalid_request_error"),
            "code": error.code.value,
            "param": error.param,
            "request_id": request_id,
        }
    }


def anthropic_error(error: GatewayError, request_id: str) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {
            "type": _ANTHROPIC_TYPE.get(error.code, "invalid_request_error"),
            "code": error.code.value,
            "message": error.message,
        },
        "request_id": request_id,
    }


# The reporting seeds' codes (tRPC-style names), one per taxonomy status.
_REPORT_CODE: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    402: "PAYMENT_REQUIRED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    413: "PAYLOAD_TOO_LARGE",
    429: "TOO_MANY_REQUESTS",
}


def report_error(error: GatewayError, request_id: str) -> dict[str, Any]:
    """``{message, code, issues: [{message}]}``, as the reporting seeds define errors."""
    code = _REPORT_CODE.get(error.status, "INTERNAL_SERVER_ERROR")
    named = error.param and not error.message.startswith(error.param)
    listed = error.issues or (f"{error.param}: {error.message}" if named else error.message,)
    issues = [{"message": message} for message in listed]
    return {"message": error.message, "code": code, "issues": issues, "request_id": request_id}


def universal_error(error: GatewayError, request_id: str) -> dict[str, Any]:
    """One body every ingress format's client reads, for answers given before any function runs
    (API Gateway's gateway responses, which cannot know the route's format).

    It is Anthropic's envelope (``type: error``, ``error.type``), whose ``error`` object also has
    every field OpenAI's SDK reads from ``error`` (message, type, code, param), and whose top level
    also has the reporting seeds' ``message``, ``code`` and ``issues``: no client sees a foreign shape.
    """
    anthropic = anthropic_error(error, request_id)
    report = report_error(error, request_id)
    return {
        **anthropic,
        "error": {**anthropic["error"], "param": error.param, "request_id": request_id},
        "message": report["message"],
        "code": report["code"],
        "issues": report["issues"],
    }
