"""One upstream call being made: the candidate chosen, how the gateway presents its answer, and the
response headers every generation endpoint shares."""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx

from hyperinfer.formats.view import View
from hyperinfer.gateway.metering import Meter
from hyperinfer.gateway.plan import Candidate

if TYPE_CHECKING:
    from hyperinfer.router.session import Hooks

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
DROPPED_HEADER = "X-HyperInfer-Dropped-Params"
# A header value is Latin-1 without controls; a dropped name can be any client JSON key, so what
# is not printable ASCII is %-escaped, and so are the list's comma and the escape's own '%'.
_HEADER_SAFE = "".join(c for c in string.punctuation if c not in ",%")


def dropped_header(names: Iterable[str]) -> dict[str, str]:
    """The response header naming the fields left out, or none when nothing was."""
    value = ",".join(quote(name, safe=_HEADER_SAFE) for name in names)
    return {DROPPED_HEADER: value} if value else {}


@dataclass(frozen=True)
class Routed:
    """A request once it is known who serves this call and how the gateway presents the answer."""

    candidate: Candidate
    view: View
    meter: Meter
    http: httpx.AsyncClient
    stream: bool
    hooks: Hooks | None = None  # the router's: hold a stream to its first content, keep the answer
