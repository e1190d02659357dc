"""What an OpenAI Responses answer says besides its content: the usage to bill and the failure it
reports. No IR models here, so a passthrough request loads only this (``gateway/passthrough``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from hyperinfer.errors import GatewayError
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.errors import scrub, upstream_error
from hyperinfer.providers.openai_usage import inclusive_usage

PROVIDER = "openai"

# Error codes a failed response or an `error` event carries (ResponseError.code in the API
# reference, plus what the API sends in nested error events), as the HTTP status they stand for,
# so one table (providers.errors) turns them into the taxonomy. Unknown codes are upstream failures.
_STATUS_BY_CODE: dict[str, int] = {
    "server_error": 500,
    "rate_limit_exceeded": 429,
    "too_many_requests": 429,
    "insufficient_quota": 429,
    "vector_store_timeout": 504,
    "context_length_exceeded": 400,
    "invalid_prompt": 400,
    "invalid_image": 400,
    "invalid_image_format": 400,
    "invalid_base64_image": 400,
    "invalid_image_url": 400,
    "image_too_large": 400,
    "image_too_small": 400,
    "image_parse_error": 400,
    "image_content_policy_violation": 400,
    "invalid_image_mode": 400,
    "image_file_too_large": 400,
    "unsupported_image_media_type": 400,
    "empty_image_file": 400,
    "failed_to_download_image": 400,
    "image_file_not_found": 400,
}


def usage_from_responses(usage: Mapping[str, Any] | None) -> Usage:
    """Responses' usage: cached tokens and cache writes inside input_tokens, reasoning inside
    output_tokens."""
    return inclusive_usage(usage, "input", "output")


def failure(payload: Mapping[str, Any] | None, secrets: Iterable[str] = ()) -> GatewayError:
    """A failed response's ``error``, or an ``error`` stream event (documented flat, sent nested)."""
    payload = payload or {}
    nested = payload.get("error")
    error: Mapping[str, Any] = nested if isinstance(nested, Mapping) else payload
    code = str(error.get("code") or error.get("type") or "server_error")
    message = str(error.get("message") or code)
    body = json.dumps({"error": {"message": message, "type": error.get("type"), "code": code}})
    mapped = upstream_error(PROVIDER, _STATUS_BY_CODE.get(code, 500), body.encode(), {}, secrets)
    return GatewayError(
        mapped.code, f"Upstream provider {PROVIDER!r} failed: {scrub(message, secrets)}", param=None
    )
