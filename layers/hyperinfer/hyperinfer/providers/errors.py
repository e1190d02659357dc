"""Upstream failures into the taxonomy: one table by HTTP status, refined by what the body says.

Only the provider's message text travels on, and only after every secret is scrubbed from it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError

_BY_STATUS: dict[int, ErrorCode] = {
    401: ErrorCode.PROVIDER_AUTH,
    403: ErrorCode.PROVIDER_AUTH,
    408: ErrorCode.PROVIDER_TIMEOUT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    429: ErrorCode.PROVIDER_RATE_LIMIT,
    504: ErrorCode.PROVIDER_TIMEOUT,
    529: ErrorCode.PROVIDER_OVERLOADED,
}

_CONTEXT_LENGTH = re.compile(r"context[_ ]length|maximum context|too many tokens|prompt is too long", re.I)
_CONTENT_FILTER = re.compile(r"content[_ ]filter|content management policy|content_policy", re.I)
_OVERLOADED = re.compile(r"overloaded", re.I)

# Things that look like credentials: API keys of the common shapes (Google's start "AIza") and
# bearer tokens.
_SECRET_SHAPES = re.compile(
    r"(?:sk|pk|rk|key|api|token)[-_][A-Za-z0-9_\-]{12,}|Bearer\s+\S+|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_\-]{30,}",
    re.I,
)
REDACTED = "[redacted]"


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Remove known secrets verbatim, then anything shaped like a credential."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _SECRET_SHAPES.sub(REDACTED, text)


def stream_broken(provider: str, why: str) -> GatewayError:
    """A stream that cannot be read on (unreadable, out of order, cut short): the provider failed."""
    return GatewayError(ErrorCode.PROVIDER_UNAVAILABLE, f"Upstream provider {provider!r} {why}.")


def stream_object(provider: str, data: str) -> dict[str, Any]:
    """A stream event's data, which must be one JSON object."""
    try:
        payload = json.loads(data)
    except ValueError as error:
        raise stream_broken(provider, "sent an unreadable stream event") from error
    if not isinstance(payload, dict):
        raise stream_broken(provider, "sent an unreadable stream event")
    return payload


def error_message(body: bytes) -> tuple[str, str]:
    """The (message, type-or-code) an upstream error body carries, in either vendor's envelope."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")[:500], ""
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if isinstance(error, dict):
        kind = f"{error.get('type') or ''} {error.get('code') or ''}".strip()
        return str(error.get("message") or kind), kind
    if isinstance(error, str):
        return error, ""
    return json.dumps(parsed)[:500], ""


def upstream_error(
    provider: str, status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]
) -> GatewayError:
    message, kind = error_message(body)
    both = f"{kind} {message}"
    if status == 400 and _CONTEXT_LENGTH.search(both):
        code = ErrorCode.CONTEXT_LENGTH_EXCEEDED
    elif _CONTENT_FILTER.search(both):
        code = ErrorCode.CONTENT_FILTER
    elif _OVERLOADED.search(kind):
        code = ErrorCode.PROVIDER_OVERLOADED
    elif status in _BY_STATUS:
        code = _BY_STATUS[status]
    elif status >= 500:
        code = ErrorCode.PROVIDER_UNAVAILABLE
    else:
        code = ErrorCode.INVALID_REQUEST
    retry_after = headers.get("retry-after") if code in _RETRYABLE else None
    text = scrub(message, secrets) or f"HTTP {status}"
    return GatewayError(
        code, f"Upstream provider {provider!r} answered {status}: {text}", retry_after=retry_after
    )


_RETRYABLE = {ErrorCode.PROVIDER_RATE_LIMIT, ErrorCode.PROVIDER_OVERLOADED, ErrorCode.PROVIDER_UNAVAILABLE}
