"""The request pipeline every generation endpoint shares:
read -> authenticate -> validate -> route -> call the provider -> respond in the client's format.

Same format as the provider: passthrough (only what the gateway owns is rewritten). Otherwise the
request crosses the IR: decoded by the ingress format, encoded by the provider, and back.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from hyperinfer.accounts.pricing import cost_micro_usd, usd
from hyperinfer.catalog import Model, Provider
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.view import View
from hyperinfer.gateway.auth import authenticate
from hyperinfer.gateway.body import parse_object, read_body, validate
from hyperinfer.gateway.credentials import provider_api_key
from hyperinfer.gateway.ingress import Ingress
from hyperinfer.gateway.ir_relay import relay_ir
from hyperinfer.gateway.runtime import Runtime, runtime
from hyperinfer.gateway.upstream import UpstreamCall, open_stream, post_json
from hyperinfer.gateway.upstreams import upstream_for
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.target import Target
from hyperinfer.providers.transport import client
from hyperinfer.request_context import request_id_of

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
DROPPED_HEADER = "X-HyperInfer-Dropped-Params"


def resolve(rt: Runtime, name: str) -> tuple[Model, Provider]:
    model = rt.catalog.find(name)
    if model is None:
        raise GatewayError(ErrorCode.INVALID_REQUEST, f"model: unknown model {name!r}.", param="model")
    return model, rt.catalog.provider_of(model)


def view_for(ingress: Ingress, request_id: str, model: Model) -> View:
    def cost(usage: Usage) -> float:
        return usd(cost_micro_usd(usage, model.pricing))

    return View(f"{ingress.id_prefix}{request_id}", model.slug, int(time.time()), cost)


async def handle_generation(ingress: Ingress, request: Request) -> Response:
    rt = runtime()
    settings = rt.settings
    raw = await read_body(request, settings.max_request_bytes)
    await authenticate(request, rt.accounts)
    payload = parse_object(raw)
    parsed = validate(ingress.request_model, payload)
    ingress.refuse(payload)
    if getattr(parsed, "plugins", None):
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            "plugins: server tools are not available on this deployment.",
            param="plugins",
        )
    model, provider = resolve(rt, payload["model"])
    api_key = provider_api_key(model.provider, provider)
    rid = request_id_of(request)
    view = view_for(ingress, rid, model)
    http = client(settings.upstream_connect_timeout, settings.upstream_read_timeout)
    stream = bool(payload.get("stream"))
    if provider.kind is ingress.native:
        from hyperinfer.gateway.passthrough import passthrough

        return await passthrough(
            ingress,
            request,
            payload=payload,
            model=model,
            provider=provider,
            api_key=api_key,
            view=view,
            request_id=rid,
            http=http,
            stream=stream,
        )

    upstream = upstream_for(provider.kind)
    target = Target(
        upstream_model=model.upstream_model,
        max_output_tokens=model.max_output_tokens,
        stream=stream,
        reasoning="reasoning" in model.features,
    )
    encoded = upstream.encode_request(ingress.decode(parsed), target)
    call = UpstreamCall(
        provider_name=model.provider,
        url=upstream.url(provider.base),
        headers=upstream.headers(api_key),
        body=encoded.body,
        secrets=(api_key,),
        map_error=upstream.map_error,
    )
    headers = {DROPPED_HEADER: ",".join(encoded.dropped)} if encoded.dropped else {}
    if not stream:
        answer = upstream.decode_response(await post_json(http, call), encoded.hints)
        return JSONResponse(ingress.encode_response(answer, view, parsed), headers=headers)
    response = await open_stream(http, call)
    frames = relay_ir(
        response,
        upstream.stream_decoder(encoded.hints, call.secrets),
        ingress.stream_encoder(view, parsed),
        provider_name=model.provider,
        request_id=rid,
        keepalive=ingress.keepalive,
        interval=settings.keepalive_interval,
        max_duration=settings.stream_max_duration,
    )
    return StreamingResponse(frames, media_type="text/event-stream", headers={**SSE_HEADERS, **headers})
