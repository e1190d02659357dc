"""The IR request as an Anthropic Messages body (https://docs.anthropic.com/en/api/messages)."""

from __future__ import annotations

from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.request import Request
from hyperinfer.providers.anthropic.content import encode_conversation
from hyperinfer.providers.anthropic.hints import AnthropicEncoded, DecodeHints
from hyperinfer.providers.anthropic.reasoning import encode_thinking
from hyperinfer.providers.anthropic.tools import encode_tools
from hyperinfer.providers.target import Target


def encode_request(request: Request, target: Target) -> AnthropicEncoded:
    dropped: list[str] = []
    system, messages = encode_conversation(request, dropped)
    # Anthropic requires max_tokens; the catalog's cap is the default.
    max_tokens = request.max_output_tokens or target.max_output_tokens
    body: dict[str, Any] = {"model": target.upstream_model, "max_tokens": max_tokens, "messages": messages}
    if system:
        body["system"] = system

    plan = encode_tools(request, dropped)
    if plan.tools:
        body["tools"] = plan.tools
    if plan.tool_choice is not None:
        body["tool_choice"] = plan.tool_choice

    thinking = encode_thinking(request.reasoning, max_tokens, target)
    if thinking.on and plan.forces_tool:
        # Anthropic refuses forced tool use while thinking (only auto / none are allowed).
        path = "output_format" if plan.structured_tool else "tool_choice"
        raise invalid(path, "Anthropic cannot force a tool call while reasoning is on; turn reasoning off")
    if thinking.thinking is not None:
        body["thinking"] = thinking.thinking
    if thinking.output_config is not None:
        body["output_config"] = thinking.output_config

    _sampling(request, body)
    if request.user:
        body["metadata"] = {"user_id": request.user}
    dropped += [f"metadata.{key}" for key in request.metadata or {}]
    dropped += [path for path in request.advisory if not _carried(path, request, body)]
    if target.stream:
        body["stream"] = True
    return AnthropicEncoded(
        body=body, dropped=tuple(dropped), hints=DecodeHints(structured_tool=plan.structured_tool)
    )


def _carried(path: str, request: Request, body: dict[str, Any]) -> bool:
    """An advisory field Anthropic has (a Chat Completions client's `top_k`): carried, not dropped."""
    value = request.advisory[path]
    if path == "top_k" and "top_k" not in body and isinstance(value, int) and not isinstance(value, bool):
        body["top_k"] = value
        return True
    return False


def _sampling(request: Request, body: dict[str, Any]) -> None:
    if request.temperature is not None:
        if not 0 <= request.temperature <= 1:
            raise invalid("temperature", f"Anthropic accepts 0 to 1, got {request.temperature}")
        body["temperature"] = request.temperature
    if request.top_p is not None:
        body["top_p"] = request.top_p
    if request.top_k is not None:
        body["top_k"] = request.top_k
    if request.stop:
        body["stop_sequences"] = list(request.stop)
