"""IR output blocks as Responses output items, shared by the JSON response and the stream.

Item ids derive from the response id and the item's output index (``msg_<rid>_1``), so the same
answer gets the same ids whether it was streamed or not. A reasoning item a provider named keeps
that name: OpenAI expects its own id back beside the encrypted content.

Reasoning: every thinking block becomes a ``reasoning`` item whose text is its ``summary_text``
(what SDKs and Codex display). ``encrypted_content`` is the Responses slot for opaque reasoning
state that clients send back on the next turn; it carries OpenAI's encrypted reasoning as is, and
an Anthropic thinking signature or redacted-thinking payload behind a marker, so that decode
restores exactly the block the provider needs to continue a tool-use turn.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from hyperinfer.ir.content import (
    OutputBlock,
    RedactedThinkingBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
)
from hyperinfer.ir.response import StopReason

SIGNATURE_MARK = "hyperinfer.signature:"
REDACTED_MARK = "hyperinfer.redacted:"

# Stops that leave the response incomplete, with the reason Responses gives.
INCOMPLETE: dict[StopReason, str] = {"max_tokens": "max_output_tokens", "content_filter": "content_filter"}


def item_id(response_id: str, prefix: str, index: int) -> str:
    return f"{prefix}_{response_id.removeprefix('resp_')}_{index}"


def encrypted_content(block: ThinkingBlock | RedactedThinkingBlock) -> str | None:
    if isinstance(block, RedactedThinkingBlock):
        return REDACTED_MARK + block.data
    if block.signature:
        return SIGNATURE_MARK + block.signature
    return block.encrypted


def reasoning_item(block: ThinkingBlock | RedactedThinkingBlock, id_: str) -> dict[str, Any]:
    """``id_`` unless the provider named the item (OpenAI), whose id must come back with it."""
    text = block.thinking if isinstance(block, ThinkingBlock) else ""
    item: dict[str, Any] = {
        "id": block.item_id if isinstance(block, ThinkingBlock) and block.item_id else id_,
        "type": "reasoning",
        "summary": [summary_part(text)] if text else [],
    }
    encrypted = encrypted_content(block)
    if encrypted is not None:
        item["encrypted_content"] = encrypted
    return item


def summary_part(text: str) -> dict[str, Any]:
    return {"type": "summary_text", "text": text}


def text_part(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


def message_item(id_: str, content: list[dict[str, Any]], status: str) -> dict[str, Any]:
    return {"id": id_, "type": "message", "role": "assistant", "status": status, "content": content}


def function_call_item(
    id_: str, block: ToolUseBlock, arguments: str, status: str, namespace: str | None
) -> dict[str, Any]:
    item = {
        "id": id_,
        "type": "function_call",
        "call_id": block.id,
        "name": block.name,
        "arguments": arguments,
        "status": status,
    }
    if namespace is not None:
        item["namespace"] = namespace
    return item


def output_items(
    content: tuple[OutputBlock, ...],
    response_id: str,
    stop_reason: StopReason,
    *,
    refusal: bool,
    namespaces: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Blocks in order; a run of text blocks is one message with one part per block.

    ``refusal`` renders the text of a refused answer as refusal parts; ``namespaces`` gives the
    namespace of each namespaced function, which calls to it must carry.
    """
    items: list[dict[str, Any]] = []
    for block in content:
        index = len(items)
        match block:
            case TextBlock():
                part = {"type": "refusal", "refusal": block.text} if refusal else text_part(block.text)
                if items and items[-1]["type"] == "message":
                    items[-1]["content"].append(part)
                else:
                    items.append(message_item(item_id(response_id, "msg", index), [part], "completed"))
            case ToolUseBlock():
                id_, namespace = item_id(response_id, "fc", index), namespaces.get(block.name)
                items.append(function_call_item(id_, block, _arguments(block), "completed", namespace))
            case ThinkingBlock() | RedactedThinkingBlock():
                items.append(reasoning_item(block, item_id(response_id, "rs", index)))
    if stop_reason in INCOMPLETE:
        mark_incomplete(items)
    return items


def mark_incomplete(items: list[dict[str, Any]]) -> None:
    """The item being generated when the answer was cut off is incomplete."""
    if items and "status" in items[-1]:
        items[-1]["status"] = "incomplete"


def _arguments(block: ToolUseBlock) -> str:
    return json.dumps(block.input, separators=(",", ":"), ensure_ascii=False)
