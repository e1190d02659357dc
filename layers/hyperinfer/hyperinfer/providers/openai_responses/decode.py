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
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.errors import scrub, upstream_error

PROVIDER = "openai"
SUMMARY_SEPARATOR = "\n\n"  # between reasoning summary parts, which are paragraphs of their own

_INCOMPLETE: dict[str, StopReason] = {"max_output_tokens": "max_tokens", "content_filter": "content_filter"}

# Error codes a failed response or an `error` event carries (ResponseError.code in the API
# reference, plus what the API sends in nested error events), as the HTTP status they stand for,
# so one table (providers.errors) turns them into the taxonomy. Unknown codes are upstream failures.
_STATUS_BY_CODE: dict[str, int] = {
    "server_error": 500,
    "rate_limit_exceeded": 429,
    "too_many_requests": 429,
    "insufficient_quota": 429,
    "vector_store_timeout": 504,
    "context_length_exceeded": 400,
    "invalid_prompt": 400,
    "invalid_image": 400,
    "invalid_image_format": 400,
    "invalid_base64_image": 400,
    "invalid_image_url": 400,
    "image_too_large": 400,
    "image_too_small": 400,
    "image_parse_error": 400,
    "image_content_policy_violation": 400,
    "invalid_image_mode": 400,
    "image_file_too_large": 400,
    "unsupported_image_media_type": 400,
    "empty_image_file": 400,
    "failed_to_download_image": 400,
    "image_file_not_found": 400,
}


def usage_from_responses(usage: Mapping[str, Any] | None) -> Usage:
    """Responses counts cached tokens inside input_tokens and reasoning inside output_tokens."""
    if not usage:
        return Usage()
    total_in = int(usage.get("input_tokens") or 0)
    details = usage.get("input_tokens_details") or {}
    cached = min(int(details.get("cached_tokens") or 0), total_in)
    written = details.get("cache_write_tokens")  # inside input_tokens, where a server reports it
    writes = min(int(written or 0), total_in - cached)
    reasoning = int((usage.get("output_tokens_details") or {}).get("reasoning_tokens") or 0)
    return Usage(
        input_tokens=total_in - cached - writes,
        cache_read_tokens=cached,
        cache_write_tokens=writes,
        output_tokens=int(usage.get("output_tokens") or 0),
        reasoning_tokens=reasoning,
        cache_writes_reported=written is not None,
    )


def failure(payload: Mapping[str, Any] | None, secrets: Iterable[str] = ()) -> GatewayError:
    """A failed response's ``error``, or an ``error`` stream event (documented flat, sent nested)."""
    payload = payload or {}
    nested = payload.get("error")
    error: Mapping[str, Any] = nested if isinstance(nested, Mapping) else payload
    code = str(error.get("code") or error.get("type") or "server_error")
    message = str(error.get("message") or code)
    body = json.dumps({"error": {"message": message, "type": error.get("type"), "code": code}})
    mapped = upstream_error(PROVIDER, _STATUS_BY_CODE.get(code, 500), body.encode(), {}, secrets)
    return GatewayError(
        mapped.code, f"Upstream provider {PROVIDER!r} failed: {scrub(message, secrets)}", param=None
    )


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
