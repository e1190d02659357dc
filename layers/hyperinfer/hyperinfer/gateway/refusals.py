"""Fields the gateway refuses before it picks a path, so that a field's fate never depends on which
provider serves the model: a same-format provider (passthrough) and the IR path see the same 400,
naming the field.

Most refused here would make the provider do work the gateway cannot bill yet: its own server
tools (web search, code execution, MCP connectors) and stored state (background responses, stored
prompts). The server-tools work lifts the tool refusals once each tool has a billed path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError

Check = Callable[[dict[str, Any]], None]

_STATELESS = "this gateway is stateless and stores nothing between requests"
_UNBILLED = "server tools are not available on this deployment"
# Responses tool types the provider (or HyperInfer's own tool loop) runs server-side.
HOSTED_RESPONSES_TOOLS = frozenset(
    {
        "web_search",
        "web_search_preview",
        "web_search_2025_08_26",
        "web_search_preview_2025_03_11",
        "web_fetch",
        "pdf",
        "datetime",
        "image",
        "file_search",
        "code_interpreter",
        "image_generation",
        "mcp",
        "computer_use_preview",
    }
)


def _refuse(param: str, why: str) -> GatewayError:
    return GatewayError(ErrorCode.INVALID_REQUEST, f"{param}: {why}", param=param)


def _tools(payload: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    tools = payload.get("tools")
    return [(i, t) for i, t in enumerate(tools) if isinstance(t, dict)] if isinstance(tools, list) else []


def chat_checks(payload: dict[str, Any]) -> None:
    if payload.get("web_search_options") is not None:
        raise _refuse("web_search_options", f"{_UNBILLED}.")


def responses_checks(payload: dict[str, Any]) -> None:
    if payload.get("background"):
        raise _refuse("background", f"{_STATELESS}; stream the response or wait for it instead.")
    if payload.get("prompt") is not None:
        raise _refuse("prompt", f"{_STATELESS}; send instructions and input instead of a stored prompt.")
    for i, tool in _tools(payload):
        if tool.get("type") in HOSTED_RESPONSES_TOOLS:
            raise _refuse(f"tools[{i}].type", f"'{tool['type']}' is a server tool; {_UNBILLED}.")


def messages_checks(payload: dict[str, Any]) -> None:
    if payload.get("mcp_servers") is not None:
        raise _refuse("mcp_servers", "MCP connectors are not available through this gateway.")
    for i, tool in _tools(payload):
        if tool.get("type") not in (None, "custom"):
            raise _refuse(
                f"tools[{i}]",
                f"tool type {tool['type']!r} is not available through this gateway; define a custom tool "
                "with an input_schema, or activate server tools through `plugins`.",
            )
