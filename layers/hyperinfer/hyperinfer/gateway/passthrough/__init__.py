"""Same format in and out: the client's body goes to the provider with only the model changed, and
the answer comes back with only what the gateway owns rewritten (ids, model, usage and cost)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from hyperinfer.catalog import Model
from hyperinfer.formats.view import View
from hyperinfer.gateway import chat_passthrough, messages_passthrough, responses_passthrough
from hyperinfer.gateway.ingress import Ingress
from hyperinfer.gateway.passthrough_relay import Rewriter, relay_passthrough
from hyperinfer.gateway.pipeline import SSE_HEADERS, Routed
from hyperinfer.gateway.runtime import runtime
from hyperinfer.gateway.upstream import UpstreamCall, open_stream, post_json
from hyperinfer.gateway.upstreams import upstream_for
from hyperinfer.ir.usage import Usage

# HyperInfer's own request fields: they steer the gateway and never reach a provider.
GATEWAY_FIELDS = frozenset({"plugins", "hi_tool_events"})
# Client headers a same-format provider must see: Anthropic's version and beta flags change the API.
FORWARDED_HEADERS = ("anthropic-version", "anthropic-beta")


@dataclass(frozen=True)
class Flavour:
    finish: Callable[[dict[str, Any], View], tuple[dict[str, Any], Usage]]
    rewriter: Callable[[UpstreamCall, View], Rewriter]


FLAVOURS: dict[str, Flavour] = {
    "chat_completions": Flavour(chat_passthrough.finish_response, chat_passthrough.ChatRewriter),
    "anthropic_messages": Flavour(messages_passthrough.finish_message, messages_passthrough.MessagesRewriter),
    "responses": Flavour(responses_passthrough.rewrite_body, responses_passthrough.ResponsesRewriter),
}


def upstream_body(ingress: Ingress, payload: dict[str, Any], model: Model, stream: bool) -> dict[str, Any]:
    body = {k: v for k, v in payload.items() if k not in GATEWAY_FIELDS}
    body["model"] = model.upstream_model
    if stream and ingress.name == "chat_completions":
        # The gateway bills from usage and always ends a chat stream with a usage chunk.
        body["stream_options"] = {**(payload.get("stream_options") or {}), "include_usage": True}
    return body


async def passthrough(
    ingress: Ingress, request: Request, payload: dict[str, Any], routed: Routed
) -> Response:
    model, provider, api_key, view, meter, http, stream = (
        routed.model,
        routed.provider,
        routed.api_key,
        routed.view,
        routed.meter,
        routed.http,
        routed.stream,
    )
    settings = runtime().settings
    upstream = upstream_for(provider.kind)
    headers = upstream.headers(api_key)
    headers.update({name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers})
    call = UpstreamCall(
        provider_name=model.provider,
        url=upstream.url(provider.base),
        headers=headers,
        body=upstream_body(ingress, payload, model, stream),
        secrets=(api_key,),
        map_error=upstream.map_error,
    )
    flavour = FLAVOURS[ingress.name]
    if not stream:
        body, usage = flavour.finish(await post_json(http, call), view)
        await meter.succeed(usage)
        return JSONResponse(body)
    response = await open_stream(http, call)
    encoder = ingress.stream_encoder(view)
    frames = relay_passthrough(
        response,
        flavour.rewriter(call, view),
        error_frame=lambda error: encoder.error(error, meter.request_id),
        meter=meter,
        provider_name=model.provider,
        keepalive=ingress.keepalive,
        interval=settings.keepalive_interval,
        max_duration=settings.stream_max_duration,
    )
    return StreamingResponse(frames, media_type="text/event-stream", headers=SSE_HEADERS)
