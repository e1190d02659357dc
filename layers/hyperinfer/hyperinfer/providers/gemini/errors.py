"""Gemini failures into the taxonomy: ``{"error": {"code", "message", "status", "details"}}``.

The ``status`` is a google.rpc code name (https://ai.google.dev/gemini-api/docs/troubleshooting);
a rate limit says when to come back in a ``RetryInfo`` detail (``"retryDelay": "37s"``) rather
than a ``Retry-After`` header, so that delay becomes the client's ``Retry-After``. A stream that
fails after it began carries the same object as a ``data:`` event.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.providers.errors import scrub

_BY_STATUS: dict[str, ErrorCode] = {
    "INVALID_ARGUMENT": ErrorCode.INVALID_REQUEST,
    "FAILED_PRECONDITION": ErrorCode.PROVIDER_AUTH,  # billing or region of the gateway's own account
    "UNAUTHENTICATED": ErrorCode.PROVIDER_AUTH,
    "PERMISSION_DENIED": ErrorCode.PROVIDER_AUTH,
    "NOT_FOUND": ErrorCode.INVALID_REQUEST,
    "RESOURCE_EXHAUSTED": ErrorCode.PROVIDER_RATE_LIMIT,
    "INTERNAL": ErrorCode.PROVIDER_UNAVAILABLE,
    "UNAVAILABLE": ErrorCode.PROVIDER_UNAVAILABLE,
    "DEADLINE_EXCEEDED": ErrorCode.PROVIDER_TIMEOUT,
    "CANCELLED": ErrorCode.PROVIDER_UNAVAILABLE,
}
_BY_HTTP: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
# "The input token count (1290000) exceeds the maximum number of tokens allowed (1048576)."
_CONTEXT = re.compile(r"exceeds the maximum number of tokens|input token count", re.I)
_OVERLOADED = re.compile(r"overloaded", re.I)
_RETRYABLE = {ErrorCode.PROVIDER_RATE_LIMIT, ErrorCode.PROVIDER_OVERLOADED, ErrorCode.PROVIDER_UNAVAILABLE}


def map_error(
    provider: str, status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]
) -> GatewayError:
    error = _error_object(body)
    message = str(error.get("message") or "") or body.decode("utf-8", "replace")[:500]
    rpc = str(error.get("status") or _BY_HTTP.get(status, ""))
    code = _code(status, rpc, message, error)
    retry_after = None
    if code in _RETRYABLE:
        lowered = {key.lower(): value for key, value in headers.items()}
        retry_after = _retry_delay(error) or lowered.get("retry-after")
    text = scrub(message, tuple(secrets)) or f"HTTP {status}"
    return GatewayError(
        code, f"Upstream provider {provider!r} answered {status}: {text}", retry_after=retry_after
    )


def stream_error(provider: str, payload: dict[str, Any], secrets: Iterable[str]) -> GatewayError:
    """The GatewayError a ``data: {"error": ...}`` event stands for."""
    raw = payload.get("error")
    error: dict[str, Any] = raw if isinstance(raw, dict) else {}
    status = int(error.get("code") or 500)
    return map_error(provider, status, json.dumps(payload).encode(), {}, secrets)


def _code(status: int, rpc: str, message: str, error: dict[str, Any]) -> ErrorCode:
    reasons = {str(d.get("reason")) for d in error.get("details") or [] if isinstance(d, dict)}
    if "API_KEY_INVALID" in reasons or "API key not valid" in message:
        return ErrorCode.PROVIDER_AUTH  # Gemini says 400 INVALID_ARGUMENT to a bad key
    if rpc == "INVALID_ARGUMENT" and _CONTEXT.search(message):
        return ErrorCode.CONTEXT_LENGTH_EXCEEDED
    if rpc == "UNAVAILABLE" and _OVERLOADED.search(message):
        return ErrorCode.PROVIDER_OVERLOADED
    if rpc in _BY_STATUS:
        return _BY_STATUS[rpc]
    if status == 413:
        return ErrorCode.PAYLOAD_TOO_LARGE
    return ErrorCode.PROVIDER_UNAVAILABLE if status >= 500 else ErrorCode.INVALID_REQUEST


def _error_object(body: bytes) -> dict[str, Any]:
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        return {}
    # A list of one error object is how some Google front ends answer a stream request.
    if isinstance(parsed, list) and parsed and isinstance(parsed[0], dict):
        parsed = parsed[0]
    error = parsed.get("error") if isinstance(parsed, dict) else None
    return error if isinstance(error, dict) else {}


def _retry_delay(error: dict[str, Any]) -> str | None:
    for detail in error.get("details") or []:
        if not isinstance(detail, dict) or not str(detail.get("@type", "")).endswith("google.rpc.RetryInfo"):
            continue
        match = re.fullmatch(r"(\d+(?:\.\d+)?)s", str(detail.get("retryDelay") or ""))
        if match:
            return str(max(1, math.ceil(float(match.group(1)))))
    return None
