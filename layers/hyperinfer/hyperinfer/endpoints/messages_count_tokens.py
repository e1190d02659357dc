"""POST /api/v1/messages/count_tokens: Claude Code calls it; answered from a local estimate, which
the X-HyperInfer-Token-Count header says (no tokenizer can be downloaded at run time)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hyperinfer import json_guard
from hyperinfer.formats.anthropic_messages.count_tokens import estimate_input_tokens, render
from hyperinfer.formats.anthropic_messages.decode import decode
from hyperinfer.formats.anthropic_messages.request import CountTokensRequest
from hyperinfer.gateway.auth import authenticate
from hyperinfer.gateway.body import parse_object, read_body, validate
from hyperinfer.gateway.plan import resolve
from hyperinfer.gateway.runtime import runtime


async def handle(request: Request) -> Response:
    rt = runtime()
    raw = await read_body(request, rt.settings.max_request_bytes)
    await authenticate(request, rt.accounts)
    payload = parse_object(raw)
    json_guard.check(payload)
    parsed = validate(CountTokensRequest, payload)
    resolve(rt, parsed.model)  # an unknown model is an error here too
    tokens = estimate_input_tokens(decode(parsed))
    return JSONResponse(render(tokens), headers={"X-HyperInfer-Token-Count": "estimate"})
