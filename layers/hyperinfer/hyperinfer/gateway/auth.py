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


async def authenticate(request: Request, accounts: AccountStore, *, spend_one_time: bool = True) -> ApiKey:
    """Keys are looked up by their SHA-256 hash: the plain key is never stored or compared.
    ``spend_one_time=False``: a one-time key is checked, not spent (see ``spend_one_time_key``)."""
    key = presented_key(request)
    found = await run_in_threadpool(accounts.find_key, key, spend_one_time=spend_one_time)
    if found is None or found.revoked:
        raise GatewayError(ErrorCode.INVALID_API_KEY, "Invalid API key.")
    observe.note_workspace(found.workspace_id)
    return found


async def spend_one_time_key(api_key: ApiKey, accounts: AccountStore) -> None:
    """Spend a one-time key as its request reaches a model; a concurrent request that spent it
    first makes this one a 401, as if the key had been used up already."""
    if api_key.one_time and not await run_in_threadpool(accounts.spend_key, api_key):
        raise GatewayError(ErrorCode.INVALID_API_KEY, "Invalid API key.")
