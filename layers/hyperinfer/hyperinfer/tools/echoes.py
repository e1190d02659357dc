"""Server-tool runs a client sends back in its history (the Anthropic SDK's ``message.content``
appended as the next assistant turn, Codex replaying its output items), left out before the
format decodes the request: the model already wrote its answer from them, and no decoder or
provider takes the gateway's own items in input."""

from __future__ import annotations

from typing import Any

ANTHROPIC_BLOCKS = frozenset(
    {"server_tool_use", "web_search_tool_result", "web_fetch_tool_result", "hi_tool_result"}
)
RESPONSES_ITEMS = frozenset({"web_search_call", "image_generation_call"})
SERVER_LABEL = "hyperinfer"  # the mcp_call items the gateway shows its datetime runs as


def _responses(items: list[Any]) -> list[Any]:
    def echo(item: Any) -> bool:
        if not isinstance(item, dict):
            return False
        kind = item.get("type")
        return kind in RESPONSES_ITEMS or (kind == "mcp_call" and item.get("server_label") == SERVER_LABEL)

    return [item for item in items if not echo(item)]


def _anthropic(messages: list[Any]) -> list[Any]:
    kept = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            blocks = [b for b in content if not (isinstance(b, dict) and b.get("type") in ANTHROPIC_BLOCKS)]
            if not blocks:
                continue  # a turn that held only tool runs
            kept.append({**message, "content": blocks})
            continue
        kept.append(message)
    return kept


def _chat(messages: list[Any]) -> list[Any]:
    return [
        {k: v for k, v in m.items() if k != "hi_tool_events"} if isinstance(m, dict) else m for m in messages
    ]


def without_echoes(ingress: str, payload: dict[str, Any]) -> dict[str, Any]:
    if ingress == "responses" and isinstance(payload.get("input"), list):
        return {**payload, "input": _responses(payload["input"])}
    messages = payload.get("messages")
    if not isinstance(messages, list):
        return payload
    clean = _anthropic(messages) if ingress == "anthropic_messages" else _chat(messages)
    return {**payload, "messages": clean}
