"""Reading the stack's secrets from a request: the cached value, or a fetch off the event loop, and
the internal token the playground-keys endpoint checks.

Apart from ``gateway.credentials`` so that a function which reads only the internal token does not
load the catalog and the provider contract with it (~15 ms of cold start)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from hyperinfer.observability.redact import register_secret

if TYPE_CHECKING:
    from hyperinfer.gateway.runtime import Runtime


async def read_secret(rt: Runtime, secret_id: str) -> str:
    """The cached value without a thread hop; a fetch (first use, or stale) runs off the loop."""
    cached = rt.secrets.fresh(secret_id)
    if cached is not None:
        return cached
    fetched: str = await run_in_threadpool(rt.secrets.get, secret_id)
    return fetched


async def internal_token(rt: Runtime) -> str | None:
    """None means the playground-keys endpoint is closed."""
    if rt.settings.internal_token:
        return rt.settings.internal_token
    if rt.settings.internal_token_secret:
        token = await read_secret(rt, rt.settings.internal_token_secret)
        register_secret(token)  # never in a log line, even if a client echoes it back
        return token
    return None
