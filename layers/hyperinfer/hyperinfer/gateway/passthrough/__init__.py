"""Same format in and out: the client's body goes to the provider with only the model changed (and
the gateway's own fields left out), and the answer comes back with only what the gateway owns
rewritten (ids, model, usage and cost). One module per format (``chat``, ``messages``,
``responses``) says what that is; ``relay`` streams it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from starlette.responses import JSONResponse, Response, StreamingResponse

from hyperinfer.catalog import Model
from hyperinfer.formats.view import View
from hyperinfer.gateway.fields import without_gateway_fields
from hyperinfer.gateway.ingress import Ingress
from hyperinfer.gateway.passthrough.relay import PassthroughLeg, Rewriter
from hyperinfer.gateway.relay import relay
from hyperinfer.gateway.routed import SSE_HEADERS, Routed, dropped_header, upstream_call
from hyperinfer.gateway.runtime import runtime
from hyperinfer.gateway.transport import UpstreamCall, open_stream, post_json
from hyperinfer.ir.usage import Usage

# Client headers a same-format provider must see: Anthropic's version and beta flags change the API.
FORWARDED_HEADERS = ("anthropic-version", "anthropic-beta")


@dataclass(frozen=True)
class Flavour:
    finish: Callable[[dict[str, Any], View], tuple[dict[str, Any], Usage]]
    rewriter: Callable[[UpstreamCall, View], Rewriter]
    accepted: frozenset[str] | None = None  # the provider's top-level fields, when it refuses others


@cache
def flavour_of(ingress_name: str) -> Flavour:
    """The format's flavour, imported on first use: a function loads only its own format's module
    (chat's never loads the Anthropic provider that ``messages`` rewrites with)."""
    if ingress_name == "chat_completions":
        from hyperinfer.gateway.passthrough import chat

        return Flavour(chat.finish_response, chat.ChatRewriter, chat.OPENAI_CHAT_FIELDS)
    if ingress_name == "anthropic_messages":
        from hyperinfer.gateway.passthrough import messages

        return Flavour(messages.finish_message, messages.MessagesRewriter)
    if ingress_name == "responses":
        from hyperinfer.gateway.passthrough import responses

        return Flavour(responses.rewrite_body, responses.ResponsesRewriter)
    raise KeyError(ingress_name)


def upstream_body(ingress: Ingress, payload: dict[str, Any], model: Model, stream: bool) -> dict[str, Any]:
    body = without_gateway_fields(payload)
    body["model"] = model.upstream_model
    if stream and ingress.name == "chat_completions":
        # The gateway bills from usage and always ends a chat stream with a usage chunk.
        body["stream_options"] = {**(payload.get("stream_options") or {}), "include_usage": True}
    return body


async def passthrough(
    ingress: Ingress, client_headers: Mapping[str, str], payload: dict[str, Any], routed: Routed
) -> Response:
    candidate, view, meter, http, stream = (
        routed.candidate,
        routed.view,
        routed.meter,
        routed.http,
        routed.stream,
    )
    model, adapter = candidate.model, candidate.adapter
    settings = runtime().settings
    forwarded = {name: client_headers[name] for name in FORWARDED_HEADERS if name in client_headers}
    call = upstream_call(candidate, upstream_body(ingress, payload, model, stream), stream, forwarded)
    flavour = flavour_of(ingress.name)
    dropped = sorted(set(call.body) - flavour.accepted) if flavour.accepted is not None else []
    for name in dropped:
        del call.body[name]
    headers = dropped_header(dropped)
    if not stream:
        raw = await post_json(http, call)
        answer = adapter.decode_response(raw, None) if routed.hooks and routed.hooks.wants_answer else None
        body, usage = flavour.finish(raw, view)
        await meter.succeed(usage)
        if routed.hooks is not None and answer is not None:
            await routed.hooks.answered(candidate, answer)
        return JSONResponse(body, headers=headers)
    response = await open_stream(http, call)
    if routed.hooks is not None:  # routed: not the client's until its first content (may fall back)
        response = await routed.hooks.committed(response, candidate, None, call.secrets)
    encoder = ingress.codec.stream_encoder(view, None)
    leg = PassthroughLeg(
        flavour.rewriter(call, view), meter, lambda error: encoder.error(error, meter.request_id)
    )
    frames = relay(
        response,
        adapter,
        leg,
        meter=meter,
        provider_name=candidate.provider_name,
        keepalive=ingress.codec.keepalive,
        interval=settings.keepalive_interval,
        max_duration=settings.stream_max_duration,
    )
    return StreamingResponse(frames, media_type="text/event-stream", headers={**SSE_HEADERS, **headers})
