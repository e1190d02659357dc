"""POST /api/v1/report-anthropic: the log of an Anthropic call made elsewhere (see ``report``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.endpoints.report import accept


async def handle(request: Request) -> Response:
    return await accept(request, "anthropic")
