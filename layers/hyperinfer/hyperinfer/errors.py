"""The one error taxonomy of seed 001, with its HTTP statuses, and the exception that carries it."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    PROVIDER_AUTH = "provider_auth"
    PROVIDER_RATE_LIMIT = "provider_rate_limit"
    PROVIDER_OVERLOADED = "provider_overloaded"
    CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded"
    CONTENT_FILTER = "content_filter"
    PROVIDER_TIMEOUT = "provider_timeout"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    INSUFFICIENT_CREDITS = "insufficient_credits"
    KEY_LIMIT_EXCEEDED = "key_limit_exceeded"
    MODEL_NOT_ALLOWED = "model_not_allowed"
    INVALID_API_KEY = "invalid_api_key"
    WORKSPACE_LOCKED = "workspace_locked"
    RATE_LIMIT_EXCEEDED = "rate_limit_exceeded"
    INVALID_REQUEST = "invalid_request"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    INTERNAL_ERROR = "internal_error"
    # Added to the seed's sixteen: unknown routes and unknown ids.
    NOT_FOUND = "not_found"


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.PROVIDER_AUTH: 502,
    ErrorCode.PROVIDER_RATE_LIMIT: 429,
    ErrorCode.PROVIDER_OVERLOADED: 529,
    ErrorCode.CONTEXT_LENGTH_EXCEEDED: 400,
    ErrorCode.CONTENT_FILTER: 400,
    ErrorCode.PROVIDER_TIMEOUT: 504,
    ErrorCode.PROVIDER_UNAVAILABLE: 502,
    ErrorCode.INSUFFICIENT_CREDITS: 402,
    ErrorCode.KEY_LIMIT_EXCEEDED: 402,
    ErrorCode.MODEL_NOT_ALLOWED: 403,
    ErrorCode.INVALID_API_KEY: 401,
    ErrorCode.WORKSPACE_LOCKED: 403,
    ErrorCode.RATE_LIMIT_EXCEEDED: 429,
    ErrorCode.INVALID_REQUEST: 400,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.INTERNAL_ERROR: 500,
    ErrorCode.NOT_FOUND: 404,
}


class GatewayError(Exception):
    """A failure the client is told about: a taxonomy code, a message and, where it helps, more."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        param: str | None = None,
        retry_after: str | None = None,
        upstream_status: int | None = None,
        issues: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param
        self.retry_after = retry_after
        # The provider's own HTTP status, when this is its refusal: the router's retry.on_codes match it.
        self.upstream_status = upstream_status
        self.issues = issues  # every problem, each naming its field, where an envelope lists them

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.code]

    def __repr__(self) -> str:
        return f"GatewayError({self.code.value!r}, {self.message!r})"


def invalid(param: str, why: str) -> GatewayError:
    """400 ``invalid_request`` naming the field: its path leads the message and is the ``param``."""
    return GatewayError(ErrorCode.INVALID_REQUEST, f"{param}: {why}", param=param)
