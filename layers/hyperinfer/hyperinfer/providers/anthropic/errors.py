"""Anthropic failures into the taxonomy: HTTP error bodies and the stream's ``error`` event.

Both carry ``{"type": "error", "error": {"type": "overloaded_error", "message": "..."}}``; the
status table comes from https://docs.anthropic.com/en/api/errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.providers.errors import error_message, upstream_error

PROVIDER = "anthropic"

# Anthropic's documented error types and the HTTP status each comes with: a stream error event has
# no status of its own, so its type stands for one.
STATUS_BY_TYPE = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}
# "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000"
_CONTEXT_LIMIT = re.compile(r"exceed context limit", re.I)


def map_error(status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]) -> GatewayError:
    secrets = tuple(secrets)
    lowered = {key.lower(): value for key, value in headers.items()}
    error = upstream_error(PROVIDER, status, body, lowered, secrets)
    message, kind = error_message(body)
    if status == 400 and _CONTEXT_LIMIT.search(message):
        return _recode(error, ErrorCode.CONTEXT_LENGTH_EXCEEDED)
    if status == 402 or kind == "billing_error":
        # The gateway's own upstream account cannot pay: not the client's request at fault.
        return _recode(error, ErrorCode.PROVIDER_AUTH)
    return error


def stream_error(payload: dict[str, Any], secrets: Iterable[str]) -> GatewayError:
    """The GatewayError an ``event: error`` frame stands for."""
    error = payload.get("error")
    kind = error.get("type") if isinstance(error, dict) else None
    status = STATUS_BY_TYPE.get(kind or "", 500)
    return map_error(status, json.dumps(payload).encode(), {}, secrets)


def _recode(error: GatewayError, code: ErrorCode) -> GatewayError:
    return GatewayError(code, error.message, param=error.param, retry_after=error.retry_after)
