"""Server-tool runs as Anthropic content blocks: ``server_tool_use`` then its result block, as
Anthropic's own server tools appear: ``web_search_tool_result`` (a list of ``web_search_result``),
``web_fetch_tool_result`` (the page as a text document); datetime and image, which Anthropic has no
result block for, as ``hi_tool_result`` (the SDK keeps unknown blocks as they are)."""

from __future__ import annotations

from typing import Any

from hyperinfer.ir.server_tools import ServerToolRun


def _use_id(run: ServerToolRun) -> str:
    return run.id if run.id.startswith("srvtoolu_") else f"srvtoolu_{run.id}"


def _result(run: ServerToolRun) -> dict[str, Any]:
    use_id = _use_id(run)
    if run.name == "web_search" and not run.is_error:
        results = [
            {
                "type": "web_search_result",
                "url": r["url"],
                "title": r["title"],
                "encrypted_content": "",
                "page_age": None,
            }
            for r in run.detail.get("results", [])
        ]
        return {"type": "web_search_tool_result", "tool_use_id": use_id, "content": results}
    if run.name == "web_fetch" and not run.is_error:
        document = {
            "type": "document",
            "source": {"type": "text", "media_type": "text/plain", "data": run.text},
            "title": run.detail.get("final_url"),
        }
        content = {"type": "web_fetch_result", "url": run.detail.get("final_url"), "content": document}
        return {"type": "web_fetch_tool_result", "tool_use_id": use_id, "content": content}
    if run.name in ("web_search", "web_fetch"):
        code = "unavailable"
        kind = f"{run.name}_tool_result_error"
        return {
            "type": f"{run.name}_tool_result",
            "tool_use_id": use_id,
            "content": {"type": kind, "error_code": code},
        }
    return {"type": "hi_tool_result", "tool_use_id": use_id, "content": run.text, "is_error": run.is_error}


def tool_blocks(runs: list[ServerToolRun]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for run in runs:
        blocks.append({"type": "server_tool_use", "id": _use_id(run), "name": run.name, "input": run.input})
        blocks.append(_result(run))
    return blocks
