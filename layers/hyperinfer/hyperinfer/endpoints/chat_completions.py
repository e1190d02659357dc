"""POST /api/v1/chat/completions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from hyperinfer.catalog import ProviderKind
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.chat_completions.request import ChatCompletionRequest
from hyperinfer.gateway import chat_passthrough
from hyperinfer.gateway.auth import authenticate
from hyperinfer.gateway.body import parse_object, read_body, validate
from hyperinfer.gateway.credentials import provider_api_key
from hyperinfer.gateway.runtime import runtime
from hyperinfer.providers import openai_chat
from hyperinfer.providers.transport import client
from hyperinfer.request_context import request_id_of

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


async def handle(request: Request) -> Response:
    rt = runtime()
    settings = rt.settings
    raw = await read_body(request, settings.max_request_bytes)
    await authenticate(request, rt.accounts)
    payload = parse_object(raw)
    parsed = validate(ChatCompletionRequest, payload)
    if parsed.plugins:
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            "plugins: server tools are not available on this deployment.",
            param="plugins",
        )
    model = rt.catalog.find(parsed.model)
    if model is None:
        raise GatewayError(
            ErrorCode.INVALID_REQUEST, f"model: unknown model {parsed.model!r}.", param="model"
        )
    provider = rt.catalog.provider_of(model)
    if provider.kind is not ProviderKind.OPENAI_CHAT:
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            f"model: {model.slug!r} is served in the {provider.kind.value} format, which this endpoint "
            "cannot translate to yet.",
            param="model",
        )
    api_key = provider_api_key(model.provider, provider)
    rid = request_id_of(request)
    stream = bool(parsed.stream)
    call = chat_passthrough.Call(
        provider_name=model.provider,
        url=openai_chat.url(provider.base),
        headers=openai_chat.headers(api_key),
        body=openai_chat.passthrough_body(payload, model.upstream_model, stream=stream),
        model=model,
        response_id=f"gen-{rid}",
        secrets=(api_key,),
    )
    http = client(settings.upstream_connect_timeout, settings.upstream_read_timeout)
    if not stream:
        return JSONResponse(await chat_passthrough.complete(http, call))

    response = await chat_passthrough.open_stream(http, call)
    events = chat_passthrough.relay_stream(
        response, call, rid, settings.keepalive_interval, settings.stream_max_duration
    )
    return StreamingResponse(events, media_type="text/event-stream", headers=SSE_HEADERS)
