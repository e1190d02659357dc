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
    if isinstance(tools, list) and any(
        isinstance(t, dict) and t.get("type") not in (None, "function", "custom") for t in tools
    ):
        return True
    return _echoes(payload.get("messages") or payload.get("input"))


# What the gateway shows of its tool runs, which a client may send back in its history.
_ECHO_TYPES = frozenset(
    {"server_tool_use", "web_search_tool_result", "web_fetch_tool_result", "hi_tool_result"}
    | {"web_search_call", "image_generation_call", "mcp_call"}
)


def _echoes(history: Any) -> bool:
    if not isinstance(history, list):
        return False
    for item in history:
        if not isinstance(item, dict):
            continue
        if item.get("type") in _ECHO_TYPES or "hi_tool_events" in item:
            return True
        content = item.get("content")
        if isinstance(content, list) and any(
            isinstance(b, dict) and b.get("type") in _ECHO_TYPES for b in content
        ):
            return True
    return False
