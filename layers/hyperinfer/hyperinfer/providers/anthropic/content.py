"""IR messages into Anthropic's top-level ``system`` and its alternating user / assistant turns.

Anthropic has no system role inside ``messages``: every system or developer turn is hoisted, in
order, into ``system``. Consecutive turns of one role are merged, and in a user turn the
``tool_result`` blocks come first, as Anthropic requires after an assistant ``tool_use``.
"""

from __future__ import annotations

from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.content import (
    Block,
    CacheControl,
    DocumentBlock,
    ImageBlock,
    MediaSource,
    RedactedThinkingBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from hyperinfer.ir.request import Message, Request

Json = dict[str, Any]

# Block types Anthropic accepts in each role (audio has no Anthropic form at all).
_ALLOWED = {
    "user": {"text", "image", "document", "tool_result"},
    "assistant": {"text", "tool_use", "thinking", "redacted_thinking"},
}
IMAGE_MEDIA_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def encode_conversation(request: Request, dropped: list[str]) -> tuple[list[Json], list[Json]]:
    """(system blocks, messages) for the request body."""
    system = [text_block(block) for block in request.system if block.text]
    turns: list[Json] = []
    for i, message in enumerate(request.messages):
        path = f"messages[{i}]"
        if message.name is not None:
            dropped.append(f"{path}.name")  # Anthropic turns have no participant names
        if message.role in ("system", "developer"):
            system += _system_blocks(message, path)
            continue
        blocks = _turn_blocks(message, path, dropped)
        if not blocks:
            continue  # empty text only: nothing to say, and Anthropic rejects empty turns
        if turns and turns[-1]["role"] == message.role:
            turns[-1]["content"] += blocks
        else:
            turns.append({"role": message.role, "content": blocks})
    for turn in turns:
        if turn["role"] == "user":
            # A stable sort: tool results first, everything else keeps its order.
            turn["content"].sort(key=lambda block: block["type"] != "tool_result")
    return system, turns


def _system_blocks(message: Message, path: str) -> list[Json]:
    blocks = []
    for j, block in enumerate(message.content):
        if not isinstance(block, TextBlock):
            raise invalid(
                f"{path}.content[{j}]", f"a {message.role} message can only carry text on Anthropic"
            )
        if block.text:
            blocks.append(text_block(block))
    return blocks


def _turn_blocks(message: Message, path: str, dropped: list[str]) -> list[Json]:
    blocks = []
    for j, block in enumerate(message.content):
        encoded = _block(block, message.role, f"{path}.content[{j}]", dropped)
        if encoded is not None:
            blocks.append(encoded)
    return blocks


def _block(block: Block, role: str, path: str, dropped: list[str]) -> Json | None:
    if block.type == "audio":
        raise invalid(path, "audio input is not supported by Anthropic models")
    if block.type not in _ALLOWED[role]:
        raise invalid(path, f"a {role} message cannot carry a {block.type} block on Anthropic")
    match block:
        case TextBlock():
            if block.citations:
                dropped.append(f"{path}.citations")  # citations of an earlier answer, not input
            return text_block(block) if block.text else None
        case ImageBlock() | DocumentBlock():
            return media_block(block, path, dropped)
        case ToolUseBlock():
            out: Json = {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
            return with_cache(out, block.cache_control)
        case ToolResultBlock():
            return _tool_result(block, path, dropped)
        case ThinkingBlock():
            if not block.signature:
                # Reasoning from another provider: Anthropic only takes back what it signed.
                dropped.append(path)
                return None
            return {"type": "thinking", "thinking": block.thinking, "signature": block.signature}
        case RedactedThinkingBlock():
            return {"type": "redacted_thinking", "data": block.data}
    raise invalid(path, f"a {block.type} block cannot be sent to Anthropic")  # pragma: no cover


def _tool_result(block: ToolResultBlock, path: str, dropped: list[str]) -> Json:
    content: list[Json] = []
    for k, part in enumerate(block.content):
        if isinstance(part, TextBlock):
            if part.text:
                content.append(text_block(part))
        else:
            content.append(media_block(part, f"{path}.content[{k}]", dropped))
    out: Json = {"type": "tool_result", "tool_use_id": block.tool_use_id}
    if content:
        out["content"] = content
    if block.is_error:
        out["is_error"] = True
    return with_cache(out, block.cache_control)


def text_block(block: TextBlock) -> Json:
    return with_cache({"type": "text", "text": block.text}, block.cache_control)


def media_block(block: ImageBlock | DocumentBlock, path: str, dropped: list[str]) -> Json:
    if isinstance(block, ImageBlock):
        if block.detail not in (None, "auto"):
            dropped.append(f"{path}.detail")  # Anthropic picks the resolution itself
        return with_cache({"type": "image", "source": _image_source(block.source, path)}, block.cache_control)
    out: Json = {"type": "document", "source": _document_source(block.source, path)}
    # Anthropic has no file name; as the document's title it still reaches the model.
    title = block.title or block.filename
    if title:
        out["title"] = title
    if block.context:
        out["context"] = block.context
    return with_cache(out, block.cache_control)


def _image_source(source: MediaSource, path: str) -> Json:
    match source.kind:
        case "base64":
            if source.media_type not in IMAGE_MEDIA_TYPES:
                raise invalid(
                    f"{path}.source",
                    f"Anthropic accepts {', '.join(sorted(IMAGE_MEDIA_TYPES))} images, "
                    f"not {source.media_type or 'an unknown media type'}",
                )
            return {"type": "base64", "media_type": source.media_type, "data": source.data or ""}
        case "url":
            return {"type": "url", "url": source.url or ""}
        case "file_id":
            return {"type": "file", "file_id": source.file_id or ""}
    raise invalid(f"{path}.source", "an image cannot be given as text")


def _document_source(source: MediaSource, path: str) -> Json:
    match source.kind:
        case "base64":
            media_type = source.media_type or "application/pdf"
            return {"type": "base64", "media_type": media_type, "data": source.data or ""}
        case "url":
            return {"type": "url", "url": source.url or ""}
        case "file_id":
            return {"type": "file", "file_id": source.file_id or ""}
        case "text":
            return {"type": "text", "media_type": "text/plain", "data": source.data or ""}
    raise invalid(f"{path}.source", f"unknown document source {source.kind}")  # pragma: no cover


def with_cache(out: Json, cache_control: CacheControl | None) -> Json:
    if cache_control is not None:
        out["cache_control"] = cache_control.model_dump(exclude_none=True)
    return out
