"""Server-tool runs as Responses output items: ``web_search_call`` (action ``search`` for
web_search, ``open_page`` for web_fetch) and ``image_generation_call``, as OpenAI's own tools
appear; datetime (and an image without base64), which OpenAI has no item for, as an ``mcp_call``
item of the server ``hyperinfer``: OpenAI's own shape for a tool a server ran for the model, with
its arguments and output, which clients show and never answer."""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.ir.server_tools import ServerToolRun


def _status(run: ServerToolRun) -> str:
    return "failed" if run.is_error else "completed"


def tool_item(run: ServerToolRun, images: dict[str, str]) -> dict[str, Any]:
    base = {"id": f"ws_{run.id}", "status": _status(run)}
    if run.name == "web_search":
        sources = [{"type": "url", "url": r["url"]} for r in run.detail.get("results", [])]
        action = {"type": "search", "query": run.input.get("query", ""), "sources": sources}
        return {"type": "web_search_call", **base, "action": action}
    if run.name == "web_fetch":
        return {
            "type": "web_search_call",
            **base,
            "action": {"type": "open_page", "url": run.input.get("url")},
        }
    if run.name == "image" and run.id in images:
        return {
            "type": "image_generation_call",
            "id": f"ig_{run.id}",
            "status": _status(run),
            "result": images[run.id],
        }
    return {
        "type": "mcp_call",
        "id": f"mcp_{run.id}",
        "server_label": "hyperinfer",
        "name": run.name,
        "arguments": json.dumps(run.input, ensure_ascii=False),
        "output": None if run.is_error else run.text,
        "error": run.text if run.is_error else None,
        "status": _status(run),
    }


def tool_items(runs: list[ServerToolRun], images: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """``images``: base64 of a run's picture by run id (the image tool's result)."""
    return [tool_item(run, images or {}) for run in runs]
