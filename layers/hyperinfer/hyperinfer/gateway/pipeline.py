"""The request pipeline every generation endpoint shares:
read -> authenticate -> validate -> route -> reserve -> call the provider -> respond -> settle.

Same format as the provider: passthrough (only what the gateway owns is rewritten). Otherwise the
request crosses the IR: decoded by the ingress format, encoded by the provider, and back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from hyperinfer.accounts.pricing import cost_micro_usd, usd
from hyperinfer.catalog import Model, Provider
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.formats.view import View
from hyperinfer.gateway.auth import authenticate
from hyperinfer.gateway.body import parse_object, read_body, validate
from hyperinfer.gateway.credentials import provider_api_key
from hyperinfer.gateway.estimate import prompt_upper_bound
from hyperinfer.gateway.ingress import Ingress
from hyperinfer.gateway.ir_relay import relay_ir
from hyperinfer.gateway.metering import Meter
from hyperinfer.gateway.runtime import Runtime, runtime
from hyperinfer.gateway.upstream import UpstreamCall, open_stream, post_json
from hyperinfer.gateway.upstreams import upstream_for
from hyperinfer.ir.usage import Usage
from hyperinfer.observability import context as observe
from hyperinfer.observability.redact import register_secret
from hyperinfer.providers.target import Target
from hyperinfer.providers.transport import client
from hyperinfer.request_context import request_id_of

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
DROPPED_HEADER = "X-HyperInfer-Dropped-Params"


@dataclass(frozen=True)
class Routed:
    """A request once it is known who serves it and how the gateway presents the answer."""

    model: Model
    provider: Provider
    api_key: str  # the provider's key
    view: View
    meter: Meter
    http: httpx.AsyncClient
    stream: bool


def resolve(rt: Runtime, name: str) -> tuple[Model, Provider]:
    model = rt.catalog.find(name)
    if model is None:
        raise GatewayError(ErrorCode.INVALID_REQUEST, f"model: unknown model {name!r}.", param="model")
    from hyperinfer.lifecycle import refuse_if_shut_down

    refuse_if_shut_down(model, name, rt.today())
    return model, rt.catalog.provider_of(model)


def view_for(ingress: Ingress, request_id: str, model: Model) -> View:
    def cost(usage: Usage) -> float:
        return usd(cost_micro_usd(usage, model.pricing))

    return View(f"{ingress.id_prefix}{request_id}", model.slug, int(time.time()), cost)


async def handle_generation(ingress: Ingress, request: Request) -> Response:
    rt = runtime()
    raw = await read_body(request, rt.settings.max_request_bytes)
    api_key = await authenticate(request, rt.accounts)
    rid = request_id_of(request)
    meter = Meter(rt.billing, api_key, rid, ingress.name)
    try:
        return await _generate(rt, ingress, request, raw, meter)
    except GatewayError as error:
        await meter.fail(error.code)
        raise
    except Exception:
        await meter.fail(ErrorCode.INTERNAL_ERROR)
        raise


async def _generate(rt: Runtime, ingress: Ingress, request: Request, raw: bytes, meter: Meter) -> Response:
    payload = parse_object(raw)
    prompt_tokens = prompt_upper_bound(payload)  # first: it also refuses what json_guard refuses
    parsed = validate(ingress.request_model, payload)
    ingress.refuse(payload)
    if getattr(parsed, "plugins", None):
        raise GatewayError(
            ErrorCode.INVALID_REQUEST,
            "plugins: server tools are not available on this deployment.",
            param="plugins",
        )
    model, provider = resolve(rt, payload["model"])
    meter.model = model
    observe.note_model(model.slug, ingress.name)
    api_key = await provider_api_key(rt, model.provider, provider)
    register_secret(api_key)
    native = provider.kind is ingress.native
    # Decoded before reserving: a request the translation refuses costs no DynamoDB round trip.
    ir_request = None if native else ingress.decode(parsed)
    client_cap = ingress.output_cap(payload)
    cap = await meter.reserve(model, prompt_tokens, client_cap)
    http = client(rt.settings.upstream_connect_timeout, rt.settings.upstream_read_timeout)
    view = view_for(ingress, meter.request_id, model)
    routed = Routed(model, provider, api_key, view, meter, http, stream=bool(payload.get("stream")))
    if ir_request is None:
        from hyperinfer.gateway.passthrough import passthrough

        capped = payload if client_cap else {**payload, ingress.cap_fields[0]: cap}
        return await passthrough(ingress, request, capped, routed)
    if not client_cap:
        ir_request = ir_request.model_copy(update={"max_output_tokens": cap})
    return await _through_ir(rt, ingress, parsed, ir_request, routed)


async def _through_ir(
    rt: Runtime, ingress: Ingress, parsed: BaseModel, ir_request: Any, routed: Routed
) -> Response:
    model, provider, api_key, view, meter = (
        routed.model,
        routed.provider,
        routed.api_key,
        routed.view,
        routed.meter,
    )
    http, stream = routed.http, routed.stream
    upstream = upstream_for(provider.kind)
    target = Target(
        upstream_model=model.upstream_model,
        max_output_tokens=model.max_output_tokens,
        stream=stream,
        reasoning="reasoning" in model.features,
    )
    encoded = upstream.encode_request(ir_request, target)
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
        await meter.succeed(answer.usage)
        return JSONResponse(ingress.encode_response(answer, view, parsed), headers=headers)
    response = await open_stream(http, call)
    frames = relay_ir(
        response,
        upstream.stream_decoder(encoded.hints, call.secrets),
        ingress.stream_encoder(view, parsed),
        meter=meter,
        provider_name=model.provider,
        request_id=meter.request_id,
        keepalive=ingress.keepalive,
        interval=rt.settings.keepalive_interval,
        max_duration=rt.settings.stream_max_duration,
    )
    return StreamingResponse(frames, media_type="text/event-stream", headers={**SSE_HEADERS, **headers})
