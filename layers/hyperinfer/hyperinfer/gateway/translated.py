"""Across formats: the client's request, decoded into the IR by its ingress format, is encoded by
the provider's adapter; the answer comes back through the IR into the client's format."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response, StreamingResponse

from hyperinfer.gateway.ingress import Ingress
from hyperinfer.gateway.ir_relay import IRLeg
from hyperinfer.gateway.relay import relay
from hyperinfer.gateway.routed import SSE_HEADERS, Routed, dropped_header, target_for, upstream_call
from hyperinfer.gateway.runtime import runtime
from hyperinfer.gateway.transport import open_stream, post_json
from hyperinfer.ir.request import Request


async def through_ir(ingress: Ingress, parsed: BaseModel, ir_request: Request, routed: Routed) -> Response:
    candidate, view, meter, http, stream = (
        routed.candidate,
        routed.view,
        routed.meter,
        routed.http,
        routed.stream,
    )
    adapter = candidate.adapter
    encoded = adapter.encode_request(ir_request, target_for(candidate, stream))
    call = upstream_call(candidate, encoded.body, stream)
    headers = dropped_header(encoded.dropped)
    codec = ingress.codec
    if not stream:
        answer = adapter.decode_response(await post_json(http, call), encoded.hints)
        await meter.succeed(answer.usage)
        if routed.hooks is not None:
            await routed.hooks.answered(candidate, answer)
        return JSONResponse(codec.encode_response(answer, view, parsed), headers=headers)
    response = await open_stream(http, call)
    if routed.hooks is not None:  # routed: not the client's until its first content (may fall back)
        response = await routed.hooks.committed(response, candidate, encoded.hints, call.secrets)
    settings = runtime().settings
    leg = IRLeg(
        adapter.stream_decoder(encoded.hints, call.secrets),
        codec.stream_encoder(view, parsed),
        meter,
        meter.request_id,
    )
    frames = relay(
        response,
        adapter,
        leg,
        meter=meter,
        provider_name=candidate.provider_name,
        keepalive=codec.keepalive,
        interval=settings.keepalive_interval,
        max_duration=settings.stream_max_duration,
    )
    return StreamingResponse(frames, media_type="text/event-stream", headers={**SSE_HEADERS, **headers})
