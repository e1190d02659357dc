"""A cache hit, answered in the client's own protocol without an upstream call: a fresh response
id, the model that first served it, cost 0 on the usage and on the generation record (status
``success``, ``cached``). The stored answer is the IR response, so it serves the request streamed
or not, whichever way it was first asked."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response, StreamingResponse

from hyperinfer.formats.view import View
from hyperinfer.ir.response import Response as Answer
from hyperinfer.router.cache import CachedAnswer
from hyperinfer.router.replay import events_of

if TYPE_CHECKING:
    from hyperinfer.catalog import Catalog
    from hyperinfer.gateway.ingress import Ingress
    from hyperinfer.gateway.metering import Meter

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


async def serve_hit(
    hit: CachedAnswer, catalog: Catalog, ingress: Ingress, meter: Meter, *, parsed: BaseModel, stream: bool
) -> Response | None:
    """None when the model that served the entry has left the catalog: then it is a miss."""
    model = catalog.find(hit.model)
    if model is None:
        return None
    answer = Answer.model_validate_json(hit.response_json)
    view = View(f"{ingress.id_prefix}{meter.request_id}", model.slug, int(time.time()))  # cost: free
    await meter.admit(model)
    meter.cached = True
    await meter.finish(status="success")
    codec = ingress.codec
    if not stream:
        return JSONResponse(codec.encode_response(answer, view, parsed))
    encoder = codec.stream_encoder(view, parsed)
    frames = [frame for event in events_of(answer) for frame in encoder.encode(event)]

    async def replay() -> AsyncIterator[bytes]:
        for frame in frames:
            yield frame

    return StreamingResponse(replay(), media_type="text/event-stream", headers=SSE_HEADERS)
