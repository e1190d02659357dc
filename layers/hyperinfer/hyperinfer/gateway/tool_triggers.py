"""Whether a body may turn on server tools: a check that imports nothing, so a request without
them pays only this (``tools.activation`` then decides, and is imported only then)."""

from __future__ import annotations

from typing import Any

# Fields that activate server tools, or that the activation refuses (provider-run, stateful).
_TRIGGERS = ("plugins", "hi_tool_events", "web_search_options", "mcp_servers", "background")


def wants_server_tools(payload: dict[str, Any]) -> bool:
    """Cheap and import-free: whether the body may activate a server tool (then ``activation_for``
    decides). A request without any pays nothing more than this."""
    if any(name in payload for name in _TRIGGERS):
        return True
    model = payload.get("model")
    if isinstance(model, str) and model.endswith(":online"):
        return True
    tools = payload.get("tools")
    return isinstance(tools, list) and any(
        isinstance(t, dict) and t.get("type") not in (None, "function", "custom") for t in tools
    )
