"""HTTP to providers: one pooled httpx client per event loop, and transport failures in the taxonomy."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.tls import client_context

_clients: dict[int, httpx.AsyncClient] = {}


def client(connect_timeout: float, read_timeout: float) -> httpx.AsyncClient:
    """Reuse connections across requests; a new loop (Mangum runs one per invocation) gets a new client."""
    loop_id = id(asyncio.get_running_loop())
    existing = _clients.get(loop_id)
    if existing is None or existing.is_closed:
        _clients.clear()
        timeout = httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
        )
        existing = httpx.AsyncClient(
            timeout=timeout, limits=httpx.Limits(max_keepalive_connections=20), verify=client_context()
        )
        _clients[loop_id] = existing
    return existing


def transport_error(provider: str, error: httpx.HTTPError) -> GatewayError:
    if isinstance(error, httpx.TimeoutException):
        return GatewayError(ErrorCode.PROVIDER_TIMEOUT, f"Upstream provider {provider!r} timed out.")
    return GatewayError(
        ErrorCode.PROVIDER_UNAVAILABLE,
        f"Upstream provider {provider!r} is unreachable ({type(error).__name__}).",
    )


async def send_streaming(
    http: httpx.AsyncClient, provider: str, url: str, headers: dict[str, str], body: dict[str, Any]
) -> httpx.Response:
    """POST and return as soon as the status line and headers are in; the caller closes the response."""
    request = http.build_request("POST", url, headers=headers, json=body)
    try:
        return await http.send(request, stream=True)
    except httpx.HTTPError as error:
        raise transport_error(provider, error) from error
