"""Bedrock failures into the taxonomy: HTTP refusals named by ``x-amzn-ErrorType`` and the stream's
exception messages (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors).

The header reads ``ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/``; the
body is ``{"message": "..."}``. A stream exception carries the same name in camelCase
(``throttlingException``) and the same body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.providers.errors import scrub

_BY_TYPE: dict[str, ErrorCode] = {
    "ThrottlingException": ErrorCode.PROVIDER_RATE_LIMIT,
    "ServiceQuotaExceededException": ErrorCode.PROVIDER_RATE_LIMIT,
    "ModelNotReadyException": ErrorCode.PROVIDER_OVERLOADED,
    "ServiceUnavailableException": ErrorCode.PROVIDER_UNAVAILABLE,
    "InternalServerException": ErrorCode.PROVIDER_UNAVAILABLE,
    "ModelErrorException": ErrorCode.PROVIDER_UNAVAILABLE,
    "ModelStreamErrorException": ErrorCode.PROVIDER_UNAVAILABLE,
    "ModelTimeoutException": ErrorCode.PROVIDER_TIMEOUT,
    # The catalog names a model or profile this account or region does not have.
    "ResourceNotFoundException": ErrorCode.PROVIDER_UNAVAILABLE,
    "ValidationException": ErrorCode.INVALID_REQUEST,
    # The gateway's own AWS identity is refused: not the client's request at fault.
    "AccessDeniedException": ErrorCode.PROVIDER_AUTH,
    "UnrecognizedClientException": ErrorCode.PROVIDER_AUTH,
    "InvalidSignatureException": ErrorCode.PROVIDER_AUTH,
    "IncompleteSignatureException": ErrorCode.PROVIDER_AUTH,
    "MissingAuthenticationTokenException": ErrorCode.PROVIDER_AUTH,
    "ExpiredTokenException": ErrorCode.PROVIDER_AUTH,
}
_BY_STATUS: dict[int, ErrorCode] = {
    400: ErrorCode.INVALID_REQUEST,
    401: ErrorCode.PROVIDER_AUTH,
    403: ErrorCode.PROVIDER_AUTH,
    408: ErrorCode.PROVIDER_TIMEOUT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    424: ErrorCode.PROVIDER_UNAVAILABLE,
    429: ErrorCode.PROVIDER_RATE_LIMIT,
}
# "Input is too long for requested model.", "prompt is too long: 210000 tokens > 200000 maximum",
# "too many input tokens", "... exceeds the maximum context length ..."
_CONTEXT_LENGTH = re.compile(
    r"input is too long|prompt is too long|too many (input )?tokens|context (length|window|limit)", re.I
)
_RETRYABLE = {ErrorCode.PROVIDER_RATE_LIMIT, ErrorCode.PROVIDER_OVERLOADED, ErrorCode.PROVIDER_UNAVAILABLE}
PROVIDER = "bedrock"


def error_type(headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
    """The bare exception name from the header, else from the body's ``__type``."""
    lowered = {key.lower(): value for key, value in headers.items()}
    raw = lowered.get("x-amzn-errortype") or str(payload.get("__type") or "")
    return raw.split(":", 1)[0].rsplit("#", 1)[-1]


def _payload(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {"message": body.decode("utf-8", "replace")[:500]}
    return parsed if isinstance(parsed, dict) else {"message": str(parsed)[:500]}


def map_error(
    provider: str, status: int, body: bytes, headers: Mapping[str, str], secrets: Iterable[str]
) -> GatewayError:
    payload = _payload(body)
    kind = error_type(headers, payload)
    message = str(payload.get("message") or payload.get("Message") or kind or f"HTTP {status}")
    return _error(provider, kind, status, message, headers=headers, secrets=tuple(secrets))


def stream_error(provider: str, name: str, data: str, secrets: Iterable[str]) -> GatewayError:
    """The GatewayError a mid-stream exception message (``throttlingException`` ...) stands for."""
    payload = _payload(data.encode())
    kind = name[:1].upper() + name[1:]
    message = str(payload.get("message") or kind)
    original = payload.get("originalStatusCode")
    if kind == "ModelStreamErrorException" and original == 429:
        kind = "ThrottlingException"  # the model behind Bedrock was rate limited
    return _error(provider, kind, 0, message, headers={}, secrets=tuple(secrets))


def _error(
    provider: str,
    kind: str,
    status: int,
    message: str,
    *,
    headers: Mapping[str, str],
    secrets: tuple[str, ...],
) -> GatewayError:
    code = (
        _BY_TYPE.get(kind)
        or _BY_STATUS.get(status)
        or (ErrorCode.PROVIDER_UNAVAILABLE if status >= 500 or status == 0 else ErrorCode.INVALID_REQUEST)
    )
    if code is ErrorCode.INVALID_REQUEST and _CONTEXT_LENGTH.search(message):
        code = ErrorCode.CONTEXT_LENGTH_EXCEEDED
    lowered = {key.lower(): value for key, value in headers.items()}
    retry_after = lowered.get("retry-after") if code in _RETRYABLE else None
    where = f"answered {status}" if status else "failed mid-stream"
    text = scrub(message, secrets)
    return GatewayError(
        code,
        f"Upstream provider {provider!r} {where}: {kind + ': ' if kind else ''}{text}",
        retry_after=retry_after,
    )
