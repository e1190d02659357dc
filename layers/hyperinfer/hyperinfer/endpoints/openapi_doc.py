"""GET /openapi.json: built once per container, cacheable for five minutes."""

from __future__ import annotations

import json
from functools import lru_cache

from starlette.requests import Request
from starlette.responses import Response


@lru_cache(maxsize=1)
def document_bytes() -> bytes:
    from hyperinfer.openapi import build_document

    return json.dumps(build_document(), separators=(",", ":")).encode()


async def handle(request: Request) -> Response:
    return Response(document_bytes(), media_type="application/json", headers={"Cache-Control": "max-age=300"})
