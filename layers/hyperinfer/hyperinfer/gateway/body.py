"""Reading a request body: size limit first, then JSON, then the format's schema."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from hyperinfer import json_guard
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.validation import describe

M = TypeVar("M", bound=BaseModel)


def _too_large(limit: int) -> GatewayError:
    return GatewayError(ErrorCode.PAYLOAD_TOO_LARGE, f"Request body exceeds the limit of {limit} bytes.")


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for piece in request.stream():
        body += piece
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


def parse_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, whatever its Content-Type says (the official APIs read it so too).
    Too deep for the parser is a 400 here; the caller walks what parsed (``json_guard.check``, or
    the prompt estimate, which applies the same rules on its way)."""
    try:
        payload = json_guard.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise GatewayError(ErrorCode.INVALID_REQUEST, f"Request body is not valid JSON: {error}.") from None
    if not isinstance(payload, dict):
        raise GatewayError(ErrorCode.INVALID_REQUEST, "Request body must be a JSON object.")
    return payload


def validate(model: type[M], payload: dict[str, Any]) -> M:
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        message, param = describe(error)
        raise GatewayError(ErrorCode.INVALID_REQUEST, message, param=param or None) from None
