"""POST /api/v1/responses."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.gateway.ingress import RESPONSES
from hyperinfer.gateway.pipeline import handle_generation


async def handle(request: Request) -> Response:
    return await handle_generation(RESPONSES, request)
