"""One upstream call being made: the candidate chosen, how the gateway presents its answer, and the
response headers every generation endpoint shares."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from hyperinfer.formats.view import View
from hyperinfer.gateway.metering import Meter
from hyperinfer.gateway.plan import Candidate
from hyperinfer.gateway.transport import UpstreamCall

if TYPE_CHECKING:
    from hyperinfer.providers.target import Target
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


def target_for(candidate: Candidate, stream: bool) -> Target:
    """What the adapter's encoder is told beyond the IR request: the catalog's figures for the
    model and the provider's compat options (openai_compatible: the server's differences, as data)."""
    from hyperinfer.providers.target import Target  # the translated path's: passthrough never needs it

    model = candidate.model
    return Target(
        upstream_model=model.upstream_model,
        max_output_tokens=model.max_output_tokens,
        stream=stream,
        reasoning="reasoning" in model.features,
        compat=candidate.provider.compat,
        thinking_levels=model.thinking_levels,
    )


def upstream_call(
    candidate: Candidate, body: dict[str, Any], stream: bool, extra_headers: Mapping[str, str] | None = None
) -> UpstreamCall:
    """``body`` to the candidate's provider: the URL for its model and mode, the adapter's headers
    (and ``extra_headers``, the client's that a same-format call passes on)."""
    adapter, model = candidate.adapter, candidate.model
    return UpstreamCall(
        provider_name=candidate.provider_name,
        adapter=adapter,
        credentials=candidate.credentials,
        url=adapter.url(candidate.provider.base, model.upstream_model, stream),
        headers={**adapter.headers(candidate.credentials), **(extra_headers or {})},
        body=body,
    )
