"""Which server tools a request turns on, read from its raw body before the format validates it.

- Chat Completions and Messages: ``plugins: [{"id": ..., "events"?: bool}]``, ``hi_tool_events``.
- Responses: built-in tools ``tools: [{"type": "web_search"}, ...]`` with the same ids.
- A model name ending in ``:online`` (OpenRouter's convention): that model, with web_search. This
  is how agents that cannot add a body field (Claude Code, Codex) turn search on.
- Provider-run tools the gateway runs itself instead (billed at its own prices): Anthropic's
  ``web_search_2025…`` / ``web_fetch_2025…`` tools (shown in Anthropic's own blocks) and Chat's
  ``web_search_options``. Every other provider-run tool is left in the body for the format to refuse.

The activating entries are taken out of the body, so the format decodes an ordinary request. An
unknown id, or a tool whose backend this deployment lacks, is a 400 naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.tools.config import ToolsConfig
from hyperinfer.tools.definitions import OFFERED, TOOL_IDS
from hyperinfer.tools.echoes import without_echoes

# Anthropic's server-tool type prefixes the gateway answers with its own tool of that name.
ONLINE = ":online"
ANTHROPIC_TOOLS = {"web_search_": "web_search", "web_fetch_": "web_fetch"}
# Tools the provider itself would run (and bill us for): refused, whichever way the request goes.
ANTHROPIC_REFUSED = ("code_execution_", "tool_search_tool_", "mcp_toolset")
RESPONSES_REFUSED = frozenset({"file_search", "code_interpreter", "image_generation", "mcp"})
RESPONSES_SEARCH = ("web_search_preview",)  # OpenAI's older name: the gateway's web_search runs
_PROVIDER_RUN = "is run and billed by the provider, which this gateway does not pass on; "


@dataclass(frozen=True)
class Activation:
    tools: tuple[str, ...]  # activated ids, pdf included
    events: bool  # show tool calls and results to the client
    anthropic_blocks: bool = False  # activated by Anthropic's own tool types: answer in its blocks

    @property
    def offered(self) -> tuple[str, ...]:
        """The ids offered to the model as function tools (pdf is a conversion, not a function)."""
        return tuple(t for t in OFFERED if t in self.tools)


def _configured(tool: str, config: ToolsConfig) -> bool:
    return tool in ("pdf", "datetime") or getattr(config, tool) is not None


def _tools(payload: dict[str, Any]) -> list[Any]:
    """The request's tools when they are a list; anything else is left for the format's schema to
    refuse, naming the field, after activation."""
    tools = payload.get("tools")
    return tools if isinstance(tools, list) else []


def _plugins(payload: dict[str, Any], config: ToolsConfig) -> tuple[list[str], bool]:
    plugins = payload.get("plugins")
    if plugins is None:
        return [], False
    if not isinstance(plugins, list):
        raise invalid("plugins", "must be an array of {id, events?} objects")
    ids: list[str] = []
    events = False
    for i, plugin in enumerate(plugins):
        tool = plugin.get("id") if isinstance(plugin, dict) else None
        if tool not in TOOL_IDS:
            raise invalid("plugins", f"plugins[{i}].id must be one of {', '.join(TOOL_IDS)}; got {tool!r}")
        assert isinstance(plugin, dict) and isinstance(tool, str)
        if not isinstance(plugin.get("events", False), bool):
            raise invalid("plugins", f"plugins[{i}].events must be a boolean")
        if not _configured(tool, config):
            raise invalid("plugins", f"the {tool!r} server tool is not configured on this deployment")
        ids.append(tool)
        events |= bool(plugin.get("events"))
    return ids, events


def _anthropic_tools(payload: dict[str, Any], config: ToolsConfig) -> tuple[list[str], list[Any]]:
    ids: list[str] = []
    kept: list[Any] = []
    for i, tool in enumerate(_tools(payload)):
        kind = tool.get("type") if isinstance(tool, dict) else None
        ours = next(
            (t for p, t in ANTHROPIC_TOOLS.items() if isinstance(kind, str) and kind.startswith(p)), None
        )
        if isinstance(kind, str) and kind.startswith(ANTHROPIC_REFUSED):
            raise invalid(f"tools[{i}]", f"{kind!r} {_PROVIDER_RUN}use plugins for the gateway's own tools")
        if ours is None:
            kept.append(tool)
            continue
        if not _configured(ours, config):
            raise invalid(
                f"tools[{i}]", f"{kind!r}: the {ours} server tool is not configured on this deployment"
            )
        ids.append(ours)
    return ids, kept


def _responses_tools(payload: dict[str, Any], config: ToolsConfig) -> tuple[list[str], bool, list[Any]]:
    ids: list[str] = []
    events = False
    kept: list[Any] = []
    for i, tool in enumerate(_tools(payload)):
        kind = tool.get("type") if isinstance(tool, dict) else None
        if kind in RESPONSES_REFUSED:
            raise invalid(f"tools[{i}].type", f"{kind!r} {_PROVIDER_RUN}use the gateway's own server tools")
        if isinstance(kind, str) and kind.startswith(RESPONSES_SEARCH):
            kind = "web_search"
        if kind not in TOOL_IDS:
            kept.append(tool)
            continue
        assert isinstance(tool, dict) and isinstance(kind, str)
        if not _configured(kind, config):
            raise invalid(f"tools[{i}]", f"the {kind!r} server tool is not configured on this deployment")
        ids.append(kind)
        events |= tool.get("events") is True
    return ids, events, kept


def _refuse_provider_run(ingress: str, payload: dict[str, Any]) -> None:
    """Fields that would have the provider run or keep something for us: refused on every path."""
    if ingress == "anthropic_messages" and payload.get("mcp_servers") is not None:
        raise invalid("mcp_servers", "MCP connectors are not available through this gateway")
    if ingress == "responses" and payload.get("background"):
        raise invalid("background", "this gateway is stateless; stream the response or wait for it instead")


def activate(
    ingress: str, payload: dict[str, Any], config: ToolsConfig
) -> tuple[Activation | None, dict[str, Any]]:
    """The request's activation (None: no server tools) and its body without the activating entries
    (and without the server-tool runs of earlier turns the client sent back)."""
    _refuse_provider_run(ingress, payload)
    payload = without_echoes(ingress, payload)
    body = {k: v for k, v in payload.items() if k not in ("plugins", "hi_tool_events")}
    events = payload.get("hi_tool_events") is True
    anthropic_blocks = False
    online: list[str] = []
    model = payload.get("model")
    if isinstance(model, str) and model.endswith(ONLINE):
        if not _configured("web_search", config):
            raise invalid(
                "model", f"{ONLINE}: the web_search server tool is not configured on this deployment"
            )
        body["model"] = model.removesuffix(ONLINE)
        online.append("web_search")
    if ingress == "responses":
        ids, asked, tools = _responses_tools(payload, config)
        events |= asked
    else:
        ids, asked = _plugins(payload, config)
        events |= asked
        tools = _tools(payload)
        if ingress == "anthropic_messages":
            native, tools = _anthropic_tools(payload, config)
            anthropic_blocks = bool(native)
            ids += native
        elif payload.get("web_search_options") is not None:
            if not _configured("web_search", config):
                raise invalid(
                    "web_search_options", "the web_search server tool is not configured on this deployment"
                )
            ids.append("web_search")
            body.pop("web_search_options")
    ids += online
    if not ids:
        return None, payload
    if isinstance(payload.get("tools"), list):  # anything else stays, for the schema to refuse
        body["tools"] = tools
        if not tools:
            body.pop("tools")
    clash = {t.get("name") for t in tools if isinstance(t, dict)} | {
        t.get("function", {}).get("name")
        for t in tools
        if isinstance(t, dict) and isinstance(t.get("function"), dict)
    }
    for tool in ids:
        if tool in clash and tool != "pdf":
            raise invalid("tools", f"a client tool is named {tool!r}, like the activated server tool")
    unique = tuple(dict.fromkeys(ids))
    return Activation(unique, events or anthropic_blocks, anthropic_blocks), body
