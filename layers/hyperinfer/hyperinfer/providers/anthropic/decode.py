"""An Anthropic Messages response into the IR: blocks, stop reason, normalised usage.

Blocks the IR has no place for (server tool calls and their results) are left out of the answer;
the request path never asks for server tools, so they only appear from a misconfigured upstream.
"""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.ir.content import (
    OutputBlock,
    RedactedThinkingBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
)
from hyperinfer.ir.response import Response, StopReason
from hyperinfer.providers.anthropic.hints import DecodeHints
from hyperinfer.providers.anthropic.usage import usage_from_anthropic

_STOP: dict[str, StopReason] = {
    "end_turn": "end_turn",
    "max_tokens": "max_tokens",
    "stop_sequence": "stop_sequence",
    "tool_use": "tool_use",
    "refusal": "refusal",
    # A paused server-tool turn ends the turn as far as a client without server tools can tell.
    "pause_turn": "end_turn",
    # Cut by the context window rather than by max_tokens: still an answer cut short.
    "model_context_window_exceeded": "max_tokens",
}


def stop_reason(raw: str | None) -> StopReason:
    return _STOP.get(raw or "end_turn", "end_turn")


def final_stop(raw: str | None, *, real_tool_called: bool) -> StopReason:
    """``tool_use`` caused only by the structured-output tool is a finished answer."""
    reason = stop_reason(raw)
    return "end_turn" if reason == "tool_use" and not real_tool_called else reason


def decode_block(raw: dict[str, Any], hints: DecodeHints) -> OutputBlock | None:
    match raw.get("type"):
        case "text":
            citations = raw.get("citations")
            return TextBlock(text=raw.get("text") or "", citations=tuple(citations) if citations else None)
        case "thinking":
            return ThinkingBlock(thinking=raw.get("thinking") or "", signature=raw.get("signature") or None)
        case "redacted_thinking":
            return RedactedThinkingBlock(data=raw.get("data") or "")
        case "tool_use" if hints.structured_tool and raw.get("name") == hints.structured_tool:
            return TextBlock(text=json.dumps(raw.get("input") or {}, ensure_ascii=False))
        case "tool_use":
            return ToolUseBlock(id=raw["id"], name=raw["name"], input=raw.get("input") or {})
    return None


def decode_response(body: dict[str, Any], hints: DecodeHints | None = None) -> Response:
    hints = hints or DecodeHints()
    blocks = [block for raw in body.get("content") or [] if (block := decode_block(raw, hints)) is not None]
    real_tool_called = any(isinstance(block, ToolUseBlock) for block in blocks)
    stop = final_stop(body.get("stop_reason"), real_tool_called=real_tool_called)
    return Response(
        id=body["id"],
        model=body.get("model") or "",
        content=tuple(blocks),
        stop_reason=stop,
        stop_sequence=body.get("stop_sequence") if stop == "stop_sequence" else None,
        usage=usage_from_anthropic(body.get("usage")),
    )
