"""An IR response as Anthropic's Message object (https://docs.anthropic.com/en/api/messages)."""

from __future__ import annotations

from typing import Any

from hyperinfer.formats.anthropic_messages import signature
from hyperinfer.formats.view import View
from hyperinfer.ir.content import OutputBlock, RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.response import Response, StopReason
from hyperinfer.ir.usage import Usage

# Anthropic has no content-filter stop: a filtered answer is a refusal to its clients.
STOP_REASON: dict[StopReason, str] = {
    "end_turn": "end_turn",
    "max_tokens": "max_tokens",
    "tool_use": "tool_use",
    "stop_sequence": "stop_sequence",
    "refusal": "refusal",
    "content_filter": "refusal",
}


def render_usage(usage: Usage, cost: float | None = None) -> dict[str, Any]:
    """Anthropic's usage: input_tokens exclude cache reads and writes, as in the IR.

    ``cost`` (credits, USD) is HyperInfer's extension, left out where the total is not known yet.
    """
    out: dict[str, Any] = {
        "input_tokens": usage.input_tokens,
        "cache_creation_input_tokens": usage.cache_write_tokens + usage.cache_write_1h_tokens,
        "cache_read_input_tokens": usage.cache_read_tokens,
        "cache_creation": {
            "ephemeral_5m_input_tokens": usage.cache_write_tokens,
            "ephemeral_1h_input_tokens": usage.cache_write_1h_tokens,
        },
        "output_tokens": usage.output_tokens,
    }
    if cost is not None:
        out["cost"] = cost
    return out


def render_block(block: OutputBlock) -> dict[str, Any]:
    match block:
        case TextBlock():
            text: dict[str, Any] = {"type": "text", "text": block.text}
            if block.citations:
                text["citations"] = list(block.citations)
            return text
        case ThinkingBlock():
            return {"type": "thinking", "thinking": block.thinking, "signature": signature.pack(block)}
        case RedactedThinkingBlock():
            return {"type": "redacted_thinking", "data": block.data}
        case ToolUseBlock():
            return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}


def encode_response(resp: Response, view: View, *, request: object = None) -> dict[str, Any]:
    return {
        "id": view.response_id,
        "type": "message",
        "role": "assistant",
        "model": view.model,
        "content": [render_block(block) for block in resp.content],
        "stop_reason": STOP_REASON[resp.stop_reason],
        "stop_sequence": resp.stop_sequence,
        "usage": render_usage(resp.usage, view.cost(resp.usage)),
    }
