"""IR messages into Converse's top-level ``system`` and its strictly alternating user / assistant turns.

Converse has no system role inside ``messages``: system and developer turns are hoisted, in order,
into ``system``. Consecutive turns of one role are merged (one turn's several tool results become
one user message), and in a user turn the ``toolResult`` blocks come first, as Claude requires
after a ``toolUse``. A block's cache hint becomes a ``cachePoint`` block right after it; blobs
(image and document bytes, redacted reasoning) travel base64-encoded, as the JSON protocol carries
them (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Message.html).
"""

from __future__ import annotations

import re
from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.content import (
    Block,
    CacheControl,
    DocumentBlock,
    ImageBlock,
    RedactedThinkingBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from hyperinfer.ir.request import Message, Request

Json = dict[str, Any]

IMAGE_FORMATS = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp"}
DOCUMENT_FORMATS = {
    "application/pdf": "pdf",
    "text/csv": "csv",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/html": "html",
    "text/plain": "txt",
    "text/markdown": "md",
}
# Converse's rule for document names: letters, digits, single spaces, hyphens, parentheses, brackets.
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9\-()\[\] ]+")
_ALLOWED = {
    "user": {"text", "image", "document", "tool_result"},
    "assistant": {"text", "tool_use", "thinking", "redacted_thinking"},
}


def cache_point(cache_control: CacheControl) -> Json:
    point: Json = {"type": "default"}
    if cache_control.ttl is not None:
        point["ttl"] = cache_control.ttl
    return {"cachePoint": point}


def encode_conversation(request: Request, dropped: list[str]) -> tuple[list[Json], list[Json]]:
    """(system blocks, messages) for the request body."""
    system: list[Json] = []
    for text in request.system:
        system += _text(text)
    turns: list[Json] = []
    for i, message in enumerate(request.messages):
        path = f"messages[{i}]"
        if message.name is not None:
            dropped.append(f"{path}.name")  # Converse turns have no participant names
        if message.role in ("system", "developer"):
            system += _system_blocks(message, path)
            continue
        blocks: list[Json] = []
        for j, block in enumerate(message.content):
            blocks += _block(block, message.role, f"{path}.content[{j}]", dropped)
        if not any("cachePoint" not in block for block in blocks):
            continue  # nothing to say: Converse rejects empty turns
        if turns and turns[-1]["role"] == message.role:
            turns[-1]["content"] += blocks
        else:
            turns.append({"role": message.role, "content": blocks})
    for turn in turns:
        if turn["role"] == "user":
            turn["content"] = _results_first(turn["content"])
    return system, turns


def _results_first(blocks: list[Json]) -> list[Json]:
    """Tool results first, each block keeping the cache point that follows it; the rest in order."""
    units: list[list[Json]] = []
    for block in blocks:
        if "cachePoint" in block and units:
            units[-1].append(block)
        else:
            units.append([block])
    units.sort(key=lambda unit: "toolResult" not in unit[0])  # stable
    return [block for unit in units for block in unit]


def _system_blocks(message: Message, path: str) -> list[Json]:
    blocks: list[Json] = []
    for j, block in enumerate(message.content):
        if not isinstance(block, TextBlock):
            raise invalid(f"{path}.content[{j}]", f"a {message.role} message can only carry text on Bedrock")
        blocks += _text(block)
    return blocks


def _text(block: TextBlock) -> list[Json]:
    if not block.text:
        return []
    return _cached({"text": block.text}, block.cache_control)


def _cached(out: Json, cache_control: CacheControl | None) -> list[Json]:
    return [out] if cache_control is None else [out, cache_point(cache_control)]


def _block(block: Block, role: str, path: str, dropped: list[str]) -> list[Json]:
    if block.type == "audio":
        raise invalid(path, "audio input is not supported through Bedrock's Converse API")
    if block.type not in _ALLOWED[role]:
        raise invalid(path, f"a {role} message cannot carry a {block.type} block on Bedrock")
    match block:
        case TextBlock():
            if block.citations:
                dropped.append(f"{path}.citations")
            return _text(block)
        case ImageBlock():
            return _cached(image(block, path, dropped), block.cache_control)
        case DocumentBlock():
            return _cached(document(block, path), block.cache_control)
        case ToolUseBlock():
            tool_use = {"toolUse": {"toolUseId": block.id, "name": block.name, "input": block.input}}
            return _cached(tool_use, block.cache_control)
        case ToolResultBlock():
            return _cached(_tool_result(block, path, dropped), block.cache_control)
        case ThinkingBlock():
            if not block.signature:
                # Reasoning from another provider, or unsigned: only signed reasoning goes back.
                dropped.append(path)
                return []
            text = {"text": block.thinking, "signature": block.signature}
            return [{"reasoningContent": {"reasoningText": text}}]
        case RedactedThinkingBlock():
            return [{"reasoningContent": {"redactedContent": block.data}}]
    raise invalid(path, f"a {block.type} block cannot be sent to Bedrock")  # pragma: no cover


def _tool_result(block: ToolResultBlock, path: str, dropped: list[str]) -> Json:
    content: list[Json] = []
    for k, part in enumerate(block.content):
        part_path = f"{path}.content[{k}]"
        if isinstance(part, TextBlock):
            if part.text:
                content.append({"text": part.text})
        elif isinstance(part, ImageBlock):
            content.append(image(part, part_path, dropped))
        else:
            content.append(document(part, part_path))
    out: Json = {"toolUseId": block.tool_use_id, "content": content or [{"text": ""}]}
    if block.is_error:
        out["status"] = "error"
    return {"toolResult": out}


def image(block: ImageBlock, path: str, dropped: list[str]) -> Json:
    if block.detail not in (None, "auto"):
        dropped.append(f"{path}.detail")
    source = block.source
    if source.kind != "base64":
        raise invalid(
            f"{path}.source",
            "Bedrock takes images as inline bytes: send the image as base64 data, not as a URL or file id",
        )
    fmt = IMAGE_FORMATS.get(source.media_type or "")
    if fmt is None:
        raise invalid(
            f"{path}.source",
            f"Bedrock accepts {', '.join(sorted(IMAGE_FORMATS))} images, "
            f"not {source.media_type or 'an unknown media type'}",
        )
    return {"image": {"format": fmt, "source": {"bytes": source.data or ""}}}


def document(block: DocumentBlock, path: str) -> Json:
    source = block.source
    out: Json = {"name": document_name(block, path)}
    if source.kind == "text":
        out.update(format="txt", source={"text": source.data or ""})
    elif source.kind == "base64":
        fmt = DOCUMENT_FORMATS.get(source.media_type or "application/pdf")
        if fmt is None:
            raise invalid(f"{path}.source", f"Bedrock cannot read a document of type {source.media_type!r}")
        out.update(format=fmt, source={"bytes": source.data or ""})
    else:
        raise invalid(
            f"{path}.source", "Bedrock takes documents as inline bytes or text, not as a URL or file id"
        )
    if block.context:
        out["context"] = block.context
    return {"document": out}


def document_name(block: DocumentBlock, path: str) -> str:
    """The title or file name in the characters Converse allows; the block's path when none is left.
    (Converse also reads the name as part of the prompt, so it stays recognisable.)"""
    raw = block.title or (block.filename or "").rsplit(".", 1)[0]
    name = " ".join(_NAME_UNSAFE.sub(" ", raw).split())[:200]
    return name or _NAME_UNSAFE.sub("-", path).strip("-")
