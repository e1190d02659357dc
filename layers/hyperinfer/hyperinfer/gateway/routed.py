"""One upstream call being made: the candidate chosen, how the gateway presents its answer, and the
response headers every generation endpoint shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from hyperinfer.formats.view import View
from hyperinfer.gateway.metering import Meter
from hyperinfer.gateway.plan import Candidate

if TYPE_CHECKING:
    from hyperinfer.router.session import Hooks

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
DROPPED_HEADER = "X-HyperInfer-Dropped-Params"


@dataclass(frozen=True)
class Routed:
    """A request once it is known who serves this call and how the gateway presents the answer."""

    candidate: Candidate
    view: View
    meter: Meter
    http: httpx.AsyncClient
    stream: bool
    hooks: Hooks | None = None  # the router's: hold a stream to its first content, keep the answer
