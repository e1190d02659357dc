"""HyperInfer's own request fields: they steer the gateway and never reach a provider.

Passthrough strips them before the body goes upstream; the IR path never carries them (the formats'
decoders read only what they know). A new gateway field is one line here.
"""

from __future__ import annotations

from typing import Any

GATEWAY_FIELDS = frozenset(
    {
        "plugins",  # server tools (refused until they have a billed path)
        "hi_tool_events",  # server-tool progress events in the stream
    }
)


def without_gateway_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """A copy of the body with the gateway's own fields left out."""
    return {k: v for k, v in payload.items() if k not in GATEWAY_FIELDS}
