"""IR response -> Chat Completions response."""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.formats.chat_completions.usage import render_usage
from hyperinfer.formats.view import View
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.response import Response, StopReason

FINISH: dict[StopReason, str] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
    "content_filter": "content_filter",
}


def tool_call(block: ToolUseBlock) -> dict[str, Any]:
    arguments = json.dumps(block.input, ensure_ascii=False)
    return {"id": block.id, "type": "function", "function": {"name": block.name, "arguments": arguments}}


def encode_response(response: Response, view: View, *, request: object = None) -> dict[str, Any]:
    text = "".join(b.text for b in response.content if isinstance(b, TextBlock))
    reasoning = "".join(b.thinking for b in response.content if isinstance(b, ThinkingBlock))
    calls = [tool_call(b) for b in response.content if isinstance(b, ToolUseBlock)]
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if reasoning:
        message["reasoning"] = reasoning
    if calls:
        message["tool_calls"] = calls
    return {
        "id": view.response_id,
        "object": "chat.completion",
        "created": view.created,
        "model": view.model,
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": FINISH[response.stop_reason]}
        ],
        "usage": render_usage(response.usage, view.cost(response.usage)),
    }
