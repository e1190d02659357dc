"""Same format in and out: the client's body goes to the provider with only what the gateway owns
changed. One function per ingress format; Chat Completions is the first."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.responses import JSONResponse, Response, StreamingResponse

from hyperinfer.catalog import Model, Provider
from hyperinfer.formats.view import View
from hyperinfer.gateway import chat_passthrough
from hyperinfer.gateway.ingress import Ingress
from hyperinfer.gateway.runtime import runtime
from hyperinfer.gateway.upstream import UpstreamCall, open_stream, post_json
from hyperinfer.providers import openai_chat

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


async def passthrough(
    ingress: Ingress,
    *,
    payload: dict[str, Any],
    model: Model,
    provider: Provider,
    api_key: str,
    view: View,
    request_id: str,
    http: httpx.AsyncClient,
    stream: bool,
) -> Response:
    settings = runtime().settings
    call = UpstreamCall(
        provider_name=model.provider,
        url=openai_chat.url(provider.base),
        headers=openai_chat.headers(api_key),
        body=openai_chat.passthrough_body(payload, model.upstream_model, stream=stream),
        secrets=(api_key,),
    )
    if not stream:
        return JSONResponse(chat_passthrough.finish_response(await post_json(http, call), view))
    response = await open_stream(http, call)
    frames = chat_passthrough.relay_stream(
        response,
        call,
        view,
        request_id=request_id,
        keepalive=settings.keepalive_interval,
        max_duration=settings.stream_max_duration,
    )
    return StreamingResponse(frames, media_type="text/event-stream", headers=SSE_HEADERS)
