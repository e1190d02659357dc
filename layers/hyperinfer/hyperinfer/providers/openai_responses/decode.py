"""OpenAI Responses response object -> IR response; shared by the stream decoder.

Wire facts (OpenAI API reference, "The response object" and "Responses streaming"): output items
are ``reasoning`` (``summary`` of ``summary_text`` parts, optional ``content`` of ``reasoning_text``
parts, ``encrypted_content``), ``message`` (``output_text`` parts with ``annotations``, or
``refusal`` parts) and ``function_call`` (``call_id``, ``name``, ``arguments`` as a JSON string).
``usage.input_tokens`` includes ``input_tokens_details.cached_tokens``; ``output_tokens`` includes
``output_tokens_details.reasoning_tokens``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.content import OutputBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.response import Response, StopReason
from hyperinfer.providers.openai_responses.outcome import PROVIDER, failure, usage_from_responses

SUMMARY_SEPARATOR = "\n\n"  # between reasoning summary parts, which are paragraphs of their own

_INCOMPLETE: dict[str, StopReason] = {"max_output_tokens": "max_tokens", "content_filter": "content_filter"}


def stop_reason(response: Mapping[str, Any], *, tool_calls: bool, refused: bool) -> StopReason:
    status = response.get("status")
    if status == "incomplete":
        reason = (response.get("incomplete_details") or {}).get("reason")
        # Incomplete for a reason we do not know: the answer was still cut short.
        return _INCOMPLETE.get(str(reason), "max_tokens")
    if status == "failed":
        raise failure(response.get("error"))
    if status != "completed":
        raise GatewayError(
            ErrorCode.PROVIDER_UNAVAILABLE,
            f"Upstream provider {PROVIDER!r} returned a response with status {status!r}",
        )
    if tool_calls:
        return "tool_use"
    return "refusal" if refused else "end_turn"


def thinking_block(item: Mapping[str, Any]) -> ThinkingBlock:
    """A reasoning item: its summary when there is one, else raw reasoning text (open-weight models)."""
    summary = [str(part.get("text") or "") for part in item.get("summary") or []]
    content = [str(part.get("text") or "") for part in item.get("content") or []]
    return ThinkingBlock(
        thinking=SUMMARY_SEPARATOR.join(summary or content),
        summary=bool(summary) or not content,
        encrypted=item.get("encrypted_content") or None,
        item_id=item.get("id") or None,
    )


def tool_input(arguments: str | None) -> dict[str, Any]:
    if not arguments or not arguments.strip():
        return {}
    try:
        parsed = json.loads(arguments)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise GatewayError(
            ErrorCode.PROVIDER_UNAVAILABLE,
            f"Upstream provider {PROVIDER!r} returned function call arguments that are not a JSON object",
        )
    return parsed


def text_block(part: Mapping[str, Any]) -> TextBlock:
    """An ``output_text`` part (annotations kept as citations) or a ``refusal`` part."""
    if part.get("type") == "refusal":
        return TextBlock(text=str(part.get("refusal") or ""))
    annotations = part.get("annotations") or []
    return TextBlock(text=str(part.get("text") or ""), citations=tuple(annotations) or None)


def output_blocks(output: Iterable[Mapping[str, Any]]) -> list[OutputBlock]:
    """The IR blocks of ``output``, in order."""
    blocks: list[OutputBlock] = []
    for item in output:
        kind = item.get("type")
        if kind == "reasoning":
            blocks.append(thinking_block(item))
        elif kind == "function_call":
            arguments = tool_input(item.get("arguments"))
            blocks.append(ToolUseBlock(id=str(item["call_id"]), name=str(item["name"]), input=arguments))
        elif kind == "message":
            parts = item.get("content") or []
            blocks += [text_block(p) for p in parts if p.get("type") in ("output_text", "refusal")]
        # Built-in tool items (web_search_call, ...) only come when asked for; the gateway never asks.
    return blocks


def output_flags(output: Iterable[Mapping[str, Any]]) -> tuple[bool, bool]:
    """Whether ``output`` calls a function, and whether it holds a refusal."""
    items = list(output)
    called = any(item.get("type") == "function_call" for item in items)
    refused = any(
        part.get("type") == "refusal"
        for item in items
        if item.get("type") == "message"
        for part in item.get("content") or []
    )
    return called, refused


def decode_response(body: Mapping[str, Any], hints: object = None) -> Response:
    output = body.get("output") or []
    tool_calls, refused = output_flags(output)
    created = body.get("created_at")
    return Response(
        id=str(body.get("id") or ""),
        model=str(body.get("model") or ""),
        content=tuple(output_blocks(output)),
        stop_reason=stop_reason(body, tool_calls=tool_calls, refused=refused),
        usage=usage_from_responses(body.get("usage")),
        created=int(created) if created is not None else None,
    )
