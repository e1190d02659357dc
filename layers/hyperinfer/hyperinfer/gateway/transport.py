"""Provider HTTP, all of it: the pooled client, one upstream call (a JSON answer or a stream), and
transport failures in the taxonomy.

Whatever the provider kind, a call goes the same way: the body is serialized to bytes once, the
adapter signs the request as it will be sent (``ProviderAdapter.sign`` sees those bytes), the bytes
go out as ``content=``, and a stream is cut into events by the adapter's own ``framer()``. Refusals
are mapped by the adapter's ``map_error``, secrets scrubbed.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import anyio
import httpx

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.providers.contract import Credentials, OutgoingRequest, ProviderAdapter
from hyperinfer.providers.sse import SSEEvent
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


def serialize(body: dict[str, Any]) -> bytes:
    """The body as httpx's ``json=`` would send it: compact, UTF-8, no NaN."""
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    except ValueError:
        raise GatewayError(
            ErrorCode.INVALID_REQUEST, "Request body holds a number JSON cannot carry (NaN or Infinity)."
        ) from None


@dataclass(frozen=True, slots=True)
class UpstreamCall:
    """One request to one provider, before it is signed."""

    provider_name: str  # the catalog's name, for messages
    adapter: ProviderAdapter
    credentials: Credentials
    url: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def secrets(self) -> tuple[str, ...]:
        """Scrubbed from any text passed on to the client."""
        return self.credentials.secrets

    def error(self, status: int, body: bytes, headers: Mapping[str, str]) -> GatewayError:
        error = self.adapter.map_error(self.provider_name, status, body, headers, self.secrets)
        error.upstream_status = status  # what the router's retry.on_codes match
        return error

    def signed(self) -> OutgoingRequest:
        outgoing = OutgoingRequest("POST", self.url, dict(self.headers), serialize(self.body))
        return self.adapter.sign(outgoing, self.credentials, time.time())


def _build(http: httpx.AsyncClient, call: UpstreamCall) -> httpx.Request:
    outgoing = call.signed()
    return http.build_request(outgoing.method, outgoing.url, headers=outgoing.headers, content=outgoing.body)


async def post_json(http: httpx.AsyncClient, call: UpstreamCall) -> dict[str, Any]:
    try:
        response = await http.send(_build(http, call))
    except httpx.HTTPError as error:
        raise transport_error(call.provider_name, error) from error
    if response.status_code >= 400:
        raise call.error(response.status_code, response.content, response.headers)
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        raise GatewayError(
            ErrorCode.PROVIDER_UNAVAILABLE, "Upstream answered with a body that is not JSON."
        ) from None
    return body


async def open_stream(http: httpx.AsyncClient, call: UpstreamCall) -> httpx.Response:
    """Returns once the status line and headers are in, so an upstream refusal is still a plain JSON
    error (and the next candidate may be tried); the caller closes the response."""
    try:
        response = await http.send(_build(http, call), stream=True)
    except httpx.HTTPError as error:
        raise transport_error(call.provider_name, error) from error
    if response.status_code >= 400:
        try:
            body = await response.aread()
        finally:
            await response.aclose()
        raise call.error(response.status_code, body, response.headers)
    return response


async def stream_events(response: httpx.Response, adapter: ProviderAdapter) -> AsyncIterator[SSEEvent]:
    """The response's events, framed by the provider's own framer (SSE, or binary eventstream)."""
    framer = adapter.framer()
    async for piece in response.aiter_bytes():
        for event in framer.feed(piece):
            yield event
    for event in framer.close():
        yield event


async def close_quietly(response: httpx.Response) -> None:
    with anyio.CancelScope(shield=True):  # a client that left must still close the upstream call
        await response.aclose()
