"""GET /openapi.json: cacheable for five minutes.

Generating the document (JSON schemas of every model) takes ~0.4 s, so the layer build writes it
once (``scripts/build_layer.py``) and the function serves that file; a checkout without it builds
the document on first request.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

PREBUILT = Path(__file__).resolve().parents[1] / "_openapi.json"


@lru_cache(maxsize=1)
def document_bytes(prebuilt: Path = PREBUILT) -> bytes:
    if prebuilt.is_file():
        return prebuilt.read_bytes()
    return render()


def render() -> bytes:
    from hyperinfer.openapi import build_document

    return json.dumps(build_document(), separators=(",", ":")).encode()


async def handle(request: Request) -> Response:
    return Response(document_bytes(), media_type="application/json", headers={"Cache-Control": "max-age=300"})
