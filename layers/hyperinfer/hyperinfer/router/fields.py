"""The router's request fields (seed 003), read from the top level of the body and from its ``orq``
object, validated, and taken out of the body so none of them ever reaches a provider.

Pure: a request body in, typed fields and the body without them out, or a 400 naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import Field, ValidationError

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.router.spec import Cache, LoadBalancer, Retry, Timeout, _Spec

# The fields a request may set, in both places. `orq` is seed 003's envelope for the same fields.
FIELDS = ("retry", "fallbacks", "load_balancer", "timeout", "cache", "name", "metadata")
ORQ = "orq"

MetadataKey = Annotated[str, Field(max_length=64)]
MetadataValue = Annotated[str, Field(max_length=512)]


class Fallback(_Spec):
    model: str = Field(min_length=1)


class RouterFields(_Spec):
    retry: Retry | None = None
    fallbacks: tuple[Fallback, ...] = ()
    load_balancer: LoadBalancer | None = None
    timeout: Timeout | None = None
    cache: Cache | None = None
    name: str | None = Field(default=None, max_length=256)
    metadata: dict[MetadataKey, MetadataValue] = Field(default_factory=dict, max_length=16)


def extract(payload: dict[str, Any], kept: Iterable[str] = ()) -> tuple[RouterFields, dict[str, Any]]:
    """The router fields and the body without them.

    ``kept`` names top-level fields that belong to the ingress format itself (Anthropic's own
    ``metadata``): those stay in the body, and the router reads them from ``orq`` only.
    """
    kept = frozenset(kept)
    orq = payload.get(ORQ)
    if orq is not None and not isinstance(orq, dict):
        raise _invalid(ORQ, "must be an object")
    orq = dict(orq or {})
    body = {k: v for k, v in payload.items() if k != ORQ and (k in kept or k not in FIELDS)}
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name in FIELDS:
        top = payload.get(name) if name not in kept else None
        inner = orq.pop(name, None)
        if top is not None and inner is not None and _canonical(top) != _canonical(inner):
            raise _invalid(name, f"is given both at the top level and in `{ORQ}`, with different values")
        value = top if top is not None else inner
        if value is not None:
            merged[name] = value
            origin[name] = name if top is not None else f"{ORQ}.{name}"
    if orq:  # seed 003's other orq fields (prompt, variables, thread, ...): refused, never dropped
        name = sorted(orq)[0]
        raise _invalid(f"{ORQ}.{name}", "is not supported by this gateway")
    try:
        return RouterFields.model_validate(merged), body
    except ValidationError as error:
        first = error.errors()[0]
        loc = first["loc"]
        head = origin.get(str(loc[0]), str(loc[0])) if loc else ""
        raise _invalid(path(head, loc[1:]), first["msg"].lower()) from None


def path(head: str, loc: Iterable[int | str]) -> str:
    """('models', 1, 'weight') under 'load_balancer' -> 'load_balancer.models[1].weight'."""
    parts = list(loc)
    if "[key]" in parts:  # a bad key itself: name the mapping, not the (maybe huge) key
        parts = parts[: parts.index("[key]") - 1]
    out = head
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _invalid(param: str, why: str) -> GatewayError:
    return GatewayError(ErrorCode.INVALID_REQUEST, f"{param}: {why}.", param=param)
