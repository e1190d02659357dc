"""GET /healthz: liveness, free of dependencies."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

BODY = b'{"status":"ok"}'


async def handle(request: Request) -> Response:
    return Response(BODY, media_type="application/json")
