"""POST /api/v1/messages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.gateway.ingress import ANTHROPIC_MESSAGES
from hyperinfer.gateway.pipeline import handle_generation


async def handle(request: Request) -> Response:
    return await handle_generation(ANTHROPIC_MESSAGES, request)
