"""HyperInfer's own request fields: they steer the gateway and never reach a provider.

Passthrough strips them before the body goes upstream; the IR path never carries them (the formats'
decoders read only what they know). A new gateway field is one line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The router's fields (seed 003), at the top level or inside `orq`. A body carrying one, or naming
# a catalog route, is handed to hyperinfer.router, which takes them out before anything reads it.
ROUTER_FIELDS = frozenset(
    {"retry", "fallbacks", "load_balancer", "timeout", "cache", "name", "metadata", "orq"}
)
# Top-level names that stay the format's own: Anthropic's `metadata` (user_id) goes upstream, and
# on /messages the router's metadata is `orq.metadata`.
FORMAT_OWNED: dict[str, frozenset[str]] = {"anthropic_messages": frozenset({"metadata"})}

GATEWAY_FIELDS = frozenset(
    {
        "plugins",  # server tools (refused until they have a billed path)
        "hi_tool_events",  # server-tool progress events in the stream
        *(ROUTER_FIELDS - {"metadata"}),  # `metadata` is Anthropic's own on /messages
    }
)


def wants_router(payload: dict[str, Any], ingress_format: str, routes: Mapping[str, object]) -> bool:
    """Cheap, on every request: whether the router is asked for (only then is it imported)."""
    owned = FORMAT_OWNED.get(ingress_format, frozenset())
    if any(name in payload for name in ROUTER_FIELDS if name not in owned):
        return True
    model = payload.get("model")
    return isinstance(model, str) and model in routes


def without_gateway_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """A copy of the body with the gateway's own fields left out."""
    return {k: v for k, v in payload.items() if k not in GATEWAY_FIELDS}


def is_gateway_field(path: str) -> bool:
    """Whether a field path (``retry``, ``plugins[0].id``) lies under one of the gateway's fields."""
    return path.partition(".")[0].partition("[")[0] in GATEWAY_FIELDS
