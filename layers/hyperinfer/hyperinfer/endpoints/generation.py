"""GET /api/v1/generation?id=: one of the caller's workspace's requests, by its request id or any
response id built from it (gen-, resp_, msg_). Another workspace's id is simply not found."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hyperinfer.accounts.generations import bare_id, public
from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.auth import authenticate
from hyperinfer.gateway.runtime import runtime


async def handle(request: Request) -> Response:
    rt = runtime()
    api_key = await authenticate(request, rt.accounts)
    wanted = request.query_params.get("id", "").strip()
    if not wanted:
        raise GatewayError(ErrorCode.INVALID_REQUEST, "id: the query parameter is required.", param="id")
    record = await run_in_threadpool(rt.billing.generation, bare_id(wanted))
    if record is None or record["workspace_id"] != api_key.workspace_id:
        raise GatewayError(ErrorCode.NOT_FOUND, f"No generation {wanted!r} in this workspace.")
    return JSONResponse({"data": public(record)})
