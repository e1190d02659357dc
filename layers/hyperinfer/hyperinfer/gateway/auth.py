"""API-key authentication: ``Authorization: Bearer <key>`` (OpenAI SDKs) or ``x-api-key`` (Anthropic's)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from hyperinfer.accounts.keys import ApiKey
from hyperinfer.accounts.store import AccountStore
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.observability import context as observe

MAX_KEY_LENGTH = 256


def presented_key(request: Request) -> str:
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise GatewayError(
                ErrorCode.INVALID_API_KEY, "Malformed Authorization header: expected 'Bearer <key>'."
            )
        key = key.strip()
    else:
        key = request.headers.get("x-api-key", "").strip()
    if not key:
        raise GatewayError(
            ErrorCode.INVALID_API_KEY,
            "Missing API key: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'.",
        )
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise GatewayError(ErrorCode.INVALID_API_KEY, "Malformed API key.")
    return key


async def authenticate(request: Request, accounts: AccountStore) -> ApiKey:
    """Keys are looked up by their SHA-256 hash: the plain key is never stored or compared."""
    key = presented_key(request)
    found = await run_in_threadpool(accounts.find_key, key)
    if found is None or found.revoked:
        raise GatewayError(ErrorCode.INVALID_API_KEY, "Invalid API key.")
    observe.note_workspace(found.workspace_id)
    return found
