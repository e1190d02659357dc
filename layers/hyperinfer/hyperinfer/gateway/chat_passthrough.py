"""Chat Completions client -> OpenAI Chat Completions provider: same format, no detour through the IR.

Only what the gateway owns is rewritten: the model id, the response id, usage (normalised, with
cost) and the seed's stream framing (role frame first, a usage-only chunk always, then [DONE]).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio
import httpx

from hyperinfer.accounts.pricing import cost_micro_usd, usd
from hyperinfer.catalog import Model
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.chat_completions import sse
from hyperinfer.formats.chat_completions.usage import render_usage
from hyperinfer.formats.envelopes import openai_error
from hyperinfer.gateway.keepalive import Expired, Tick, with_keepalive
from hyperinfer.ir.usage import Usage
from hyperinfer.providers import openai_chat
from hyperinfer.providers.errors import error_message, upstream_error
from hyperinfer.providers.sse import SSEDecoder
from hyperinfer.providers.transport import send_streaming, transport_error


@dataclass(frozen=True, slots=True)
class Call:
    """One upstream call: who serves it and how the gateway presents its result."""

    provider_name: str
    url: str
    headers: dict[str, str]
    body: dict[str, Any]
    model: Model
    response_id: str
    secrets: tuple[str, ...]


def finish_response(upstream: dict[str, Any], call: Call) -> dict[str, Any]:
    """The provider's completion with the gateway's id, model and usage."""
    usage = openai_chat.usage_from_openai(upstream.get("usage"))
    cost = cost_micro_usd(usage, call.model.pricing)
    return {
        **upstream,
        "id": call.response_id,
        "model": call.model.slug,
        "usage": render_usage(usage, usd(cost)),
    }


async def complete(http: httpx.AsyncClient, call: Call) -> dict[str, Any]:
    try:
        response = await http.post(call.url, headers=call.headers, json=call.body)
    except httpx.HTTPError as error:
        raise transport_error(call.provider_name, error) from error
    if response.status_code >= 400:
        raise upstream_error(
            call.provider_name, response.status_code, response.content, response.headers, call.secrets
        )
    try:
        upstream = response.json()
    except ValueError:
        raise GatewayError(
            ErrorCode.PROVIDER_UNAVAILABLE, "Upstream answered with a body that is not JSON."
        ) from None
    return finish_response(upstream, call)


async def open_stream(http: httpx.AsyncClient, call: Call) -> httpx.Response:
    """The status is known before the first byte: an upstream refusal is still a plain JSON error."""
    response = await send_streaming(http, call.provider_name, call.url, call.headers, call.body)
    if response.status_code >= 400:
        try:
            body = await response.aread()
        finally:
            await response.aclose()
        raise upstream_error(call.provider_name, response.status_code, body, response.headers, call.secrets)
    return response


async def _upstream_events(response: httpx.Response) -> AsyncIterator[str]:
    decoder = SSEDecoder()
    async for piece in response.aiter_bytes():
        for event in decoder.feed(piece):
            yield event.data
    for event in decoder.close():
        yield event.data


class ChunkRelay:
    """Rewrites upstream chunks one by one and remembers what the final frames need."""

    def __init__(self, call: Call) -> None:
        self.call = call
        self.created = int(time.time())
        self.usage = Usage()
        self.role_sent = False
        self.finished = False

    def relay(self, data: str) -> list[bytes]:
        try:
            payload = json.loads(data)
        except ValueError:
            raise GatewayError(
                ErrorCode.PROVIDER_UNAVAILABLE, "Upstream sent a malformed stream chunk."
            ) from None
        if "error" in payload:
            # A mid-stream error carries no HTTP status; rate limits are the one kind clients retry on.
            _, kind = error_message(data.encode())
            status = 429 if "rate_limit" in kind else 500
            raise upstream_error(self.call.provider_name, status, data.encode(), {}, self.call.secrets)
        if payload.get("usage"):
            self.usage = openai_chat.usage_from_openai(payload["usage"])
        self.created = payload.get("created", self.created)
        choices = payload.get("choices") or []
        if not choices:
            return []  # the upstream's usage-only chunk: the gateway sends its own at the end
        frames = []
        if not self.role_sent and "role" not in (choices[0].get("delta") or {}):
            frames.append(sse.frame(self._chunk([sse.role_choice()])))
        self.role_sent = True
        if any(choice.get("finish_reason") for choice in choices):
            self.finished = True
        rewritten = {k: v for k, v in payload.items() if k != "usage"}
        rewritten.update(id=self.call.response_id, model=self.call.model.slug)
        frames.append(sse.frame(rewritten))
        return frames

    def closing_frames(self) -> list[bytes]:
        cost = cost_micro_usd(self.usage, self.call.model.pricing)
        usage = render_usage(self.usage, usd(cost))
        return [sse.frame(self._chunk([], usage)), sse.DONE]

    def _chunk(self, choices: list[dict[str, Any]], usage: dict[str, Any] | None = None) -> dict[str, Any]:
        return sse.chunk(self.call.response_id, self.created, self.call.model.slug, choices, usage)


def _stream_error(error: GatewayError, request_id: str) -> bytes:
    return sse.frame(openai_error(error, request_id))


async def relay_stream(
    response: httpx.Response, call: Call, request_id: str, keepalive: float, max_duration: float
) -> AsyncIterator[bytes]:
    """The client's SSE stream. Any failure after the first byte ends it with an error frame, never [DONE]."""
    relay = ChunkRelay(call)
    try:
        async for item in with_keepalive(_upstream_events(response), keepalive, max_duration):
            if isinstance(item, Tick):
                yield sse.KEEPALIVE
            elif isinstance(item, Expired):
                raise GatewayError(
                    ErrorCode.PROVIDER_TIMEOUT, f"Stream exceeded its maximum duration of {max_duration:g} s."
                )
            elif item.strip() == "[DONE]":
                break
            else:
                for frame in relay.relay(item):
                    yield frame
        if not relay.finished:
            raise GatewayError(
                ErrorCode.PROVIDER_UNAVAILABLE, "Upstream stream ended before the completion finished."
            )
        for frame in relay.closing_frames():
            yield frame
    except GatewayError as error:
        yield _stream_error(error, request_id)
    except httpx.HTTPError as error:
        yield _stream_error(transport_error(call.provider_name, error), request_id)
    finally:
        with anyio.CancelScope(shield=True):  # a client that left must still close the upstream call
            await response.aclose()
