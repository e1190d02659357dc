"""A Converse response into the IR: blocks, stop reason, normalised usage.

Converse answers no message id (the request id is a header); the gateway mints its own anyway.
"""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.ir.content import OutputBlock, RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.response import Response, StopReason
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.bedrock.hints import DecodeHints

_STOP: dict[str, StopReason] = {
    "end_turn": "end_turn",
    "tool_use": "tool_use",
    "max_tokens": "max_tokens",
    "stop_sequence": "stop_sequence",
    "guardrail_intervened": "content_filter",
    "content_filtered": "content_filter",
    # Cut by the context window rather than by maxTokens: still an answer cut short.
    "model_context_window_exceeded": "max_tokens",
    # The model produced something Converse could not parse; the turn is over all the same.
    "malformed_model_output": "end_turn",
    "malformed_tool_use": "end_turn",
}


def stop_reason(raw: str | None, *, real_tool_called: bool) -> StopReason:
    reason = _STOP.get(raw or "end_turn", "end_turn")
    # tool_use caused only by the structured-output tool is a finished answer.
    return "end_turn" if reason == "tool_use" and not real_tool_called else reason


def stop_sequence(stop: StopReason, fields: Any) -> str | None:
    """Claude names the sequence in ``additionalModelResponseFields``; other families do not."""
    if stop != "stop_sequence" or not isinstance(fields, dict):
        return None
    value = fields.get("stop_sequence")
    return value if isinstance(value, str) else None


def usage_from_bedrock(raw: dict[str, Any] | None) -> Usage:
    """``inputTokens`` excludes cache reads and writes; ``cacheDetails`` splits writes by TTL."""
    if not raw:
        return Usage()
    written = int(raw.get("cacheWriteInputTokens") or 0)
    one_hour = sum(
        int(detail.get("inputTokens") or 0)
        for detail in raw.get("cacheDetails") or []
        if isinstance(detail, dict) and detail.get("ttl") == "1h"
    )
    one_hour = min(one_hour, written)
    return Usage(
        input_tokens=int(raw.get("inputTokens") or 0),
        cache_read_tokens=int(raw.get("cacheReadInputTokens") or 0),
        cache_write_tokens=written - one_hour,
        cache_write_1h_tokens=one_hour,
        output_tokens=int(raw.get("outputTokens") or 0),
        cache_writes_reported="cacheWriteInputTokens" in raw,
    )


def decode_block(raw: dict[str, Any], hints: DecodeHints) -> OutputBlock | None:
    if "text" in raw:
        return TextBlock(text=raw.get("text") or "")
    if "toolUse" in raw:
        tool = raw["toolUse"] or {}
        if hints.structured_tool and tool.get("name") == hints.structured_tool:
            return TextBlock(text=json.dumps(tool.get("input") or {}, ensure_ascii=False))
        return ToolUseBlock(
            id=tool.get("toolUseId") or "", name=tool.get("name") or "", input=tool.get("input") or {}
        )
    if "reasoningContent" in raw:
        reasoning = raw["reasoningContent"] or {}
        if "redactedContent" in reasoning:
            return RedactedThinkingBlock(data=reasoning.get("redactedContent") or "")
        text = reasoning.get("reasoningText") or {}
        return ThinkingBlock(thinking=text.get("text") or "", signature=text.get("signature") or None)
    return None  # citations, images, guardrail content: nothing the IR answers with


def decode_response(body: dict[str, Any], hints: DecodeHints | None = None) -> Response:
    hints = hints or DecodeHints()
    message = (body.get("output") or {}).get("message") or {}
    blocks = [
        block for raw in message.get("content") or [] if (block := decode_block(raw, hints)) is not None
    ]
    real_tool_called = any(isinstance(block, ToolUseBlock) for block in blocks)
    stop = stop_reason(body.get("stopReason"), real_tool_called=real_tool_called)
    return Response(
        id="",
        model="",
        content=tuple(blocks),
        stop_reason=stop,
        stop_sequence=stop_sequence(stop, body.get("additionalModelResponseFields")),
        usage=usage_from_bedrock(body.get("usage")),
    )
