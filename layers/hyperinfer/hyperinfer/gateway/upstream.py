"""One call to a provider over HTTP, whatever its wire format: a JSON answer or an SSE stream,
with failures mapped into the taxonomy by the provider's own error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.providers.errors import upstream_error
from hyperinfer.providers.sse import SSEDecoder, SSEEvent
from hyperinfer.providers.transport import send_streaming, transport_error

ErrorMapper = Callable[[str, int, bytes, Mapping[str, str], tuple[str, ...]], GatewayError]


@dataclass(frozen=True, slots=True)
class UpstreamCall:
    provider_name: str
    url: str
    headers: dict[str, str]
    body: dict[str, Any]
    secrets: tuple[str, ...]  # scrubbed from any text passed on to the client
    map_error: ErrorMapper = field(default=upstream_error)

    def error(self, status: int, body: bytes, headers: Mapping[str, str]) -> GatewayError:
        return self.map_error(self.provider_name, status, body, headers, self.secrets)


async def post_json(http: httpx.AsyncClient, call: UpstreamCall) -> dict[str, Any]:
    try:
        response = await http.post(call.url, headers=call.headers, json=call.body)
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
    """The status is known before the first byte: an upstream refusal is still a plain JSON error."""
    response = await send_streaming(http, call.provider_name, call.url, call.headers, call.body)
    if response.status_code >= 400:
        try:
            body = await response.aread()
        finally:
            await response.aclose()
        raise call.error(response.status_code, body, response.headers)
    return response


async def sse_events(response: httpx.Response) -> AsyncIterator[SSEEvent]:
    decoder = SSEDecoder()
    async for piece in response.aiter_bytes():
        for event in decoder.feed(piece):
            yield event
    for event in decoder.close():
        yield event


async def close_quietly(response: httpx.Response) -> None:
    with anyio.CancelScope(shield=True):  # a client that left must still close the upstream call
        await response.aclose()
