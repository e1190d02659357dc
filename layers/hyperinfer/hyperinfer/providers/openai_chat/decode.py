"""OpenAI Chat Completions response -> IR response."""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.content import OutputBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.response import Response, StopReason
from hyperinfer.providers.openai_chat import usage_from_openai

FINISH: dict[str, StopReason] = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "content_filter",
}


def stop_reason(finish: str | None, refused: bool) -> StopReason:
    if refused:
        return "refusal"
    return FINISH.get(finish or "stop", "end_turn")


def tool_input(arguments: str) -> dict[str, Any]:
    try:
        parsed = json.loads(arguments or "{}")
    except ValueError:
        raise GatewayError(
            ErrorCode.PROVIDER_UNAVAILABLE, "Upstream returned tool arguments that are not JSON."
        ) from None
    if not isinstance(parsed, dict):
        raise GatewayError(
            ErrorCode.PROVIDER_UNAVAILABLE, "Upstream returned tool arguments that are not an object."
        )
    return parsed


def reasoning_text(message: dict[str, Any]) -> str | None:
    """OpenAI-compatible servers (DeepSeek, vLLM, OpenRouter) return reasoning under one of these."""
    for field in ("reasoning_content", "reasoning"):
        value = message.get(field)
        if isinstance(value, str) and value:
            return value
    return None


def decode_response(body: dict[str, Any], hints: object = None) -> Response:
    choice = (body.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    blocks: list[OutputBlock] = []
    thinking = reasoning_text(message)
    if thinking:
        blocks.append(ThinkingBlock(thinking=thinking))
    if message.get("content"):
        blocks.append(TextBlock(text=message["content"]))
    refusal = message.get("refusal")
    if refusal:
        blocks.append(TextBlock(text=refusal))
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        blocks.append(
            ToolUseBlock(
                id=call["id"], name=function["name"], input=tool_input(function.get("arguments", ""))
            )
        )
    return Response(
        id=str(body.get("id", "")),
        model=str(body.get("model", "")),
        content=tuple(blocks),
        stop_reason=stop_reason(choice.get("finish_reason"), bool(refusal)),
        usage=usage_from_openai(body.get("usage")),
        created=body.get("created"),
    )
