"""IR messages -> the Responses ``input`` item list, in conversation order.

Wire facts (OpenAI API reference, "Create a model response", input item types): a message item is
``{type: message, role, content: [...]}`` with ``input_text`` / ``input_image`` (``image_url`` as a
URL or data URL, or ``file_id``; ``detail`` required, default ``auto``) / ``input_file``
(``file_data`` as a data URL with ``filename``, ``file_url`` or ``file_id``) parts, and
``output_text`` parts in assistant messages; tool calls and results are the items
``function_call`` (``call_id``, ``name``, ``arguments`` as a JSON string) and
``function_call_output`` (``output``: a string, or a list of input_text / input_image /
input_file parts); reasoning carried across turns is a ``reasoning`` item with its
``encrypted_content`` (only what the upstream produced can be sent back).

Paths in errors and in ``dropped`` are IR paths (``messages[i].content[j]``), which follow the
client's structure as the format decoder built it.
"""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.content import (
    AudioBlock,
    Block,
    DocumentBlock,
    ImageBlock,
    MediaSource,
    RedactedThinkingBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from hyperinfer.ir.request import Message

TOOL_RESULT_SEPARATOR = "\n"


def data_url(source: MediaSource) -> str:
    return f"data:{source.media_type or 'application/octet-stream'};base64,{source.data or ''}"


class InputEncoder:
    """Builds the item list; collects the paths of advisory details the Responses API cannot hold."""

    def __init__(self) -> None:
        self.dropped: list[str] = []

    def items(self, messages: tuple[Message, ...]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i, message in enumerate(messages):
            path = f"messages[{i}]"
            if message.name is not None:
                self.dropped.append(f"{path}.name")  # message items have no author name
            if message.role == "assistant":
                out += self.assistant(message, path)
            else:
                out += self.turn(message, path)
        return out

    # -- user, system and developer turns ------------------------------------------------------

    def turn(self, message: Message, path: str) -> list[dict[str, Any]]:
        """Tool results first, as their own items right after the calls they answer; the rest of
        the turn follows as one message item (system and developer turns keep their place)."""
        results: list[dict[str, Any]] = []
        parts: list[dict[str, Any]] = []
        for j, block in enumerate(message.content):
            where = f"{path}.content[{j}]"
            if isinstance(block, ToolResultBlock) and message.role == "user":
                results.append(self.tool_result(block, where))
            else:
                parts.append(self.part(block, where, message.role))
        if parts:
            results.append({"type": "message", "role": message.role, "content": parts})
        return results

    def part(self, block: Block, path: str, role: str) -> dict[str, Any]:
        self.note_cache_control(block, path)
        match block:
            case TextBlock():
                if block.citations:
                    self.dropped.append(f"{path}.citations")
                return {"type": "input_text", "text": block.text}
            case ImageBlock():
                return self.image(block, path)
            case DocumentBlock():
                return self.document(block, path)
            case AudioBlock():
                raise invalid(path, "audio input is not supported by the OpenAI Responses API")
        raise invalid(path, f"{block.type} content cannot appear in a {role} turn")

    def image(self, block: ImageBlock, path: str) -> dict[str, Any]:
        source = block.source
        part: dict[str, Any] = {"type": "input_image", "detail": block.detail or "auto"}
        if source.kind == "base64":
            part["image_url"] = data_url(source)
        elif source.kind == "url":
            part["image_url"] = source.url
        elif source.kind == "file_id":
            part["file_id"] = source.file_id
        else:
            raise invalid(path, "an image must be base64 data, a URL or a file id")
        return part

    def document(self, block: DocumentBlock, path: str) -> dict[str, Any]:
        source = block.source
        if block.context is not None:
            self.dropped.append(f"{path}.context")
        if source.kind == "text":  # a plain-text document is its text
            if block.title is not None:
                self.dropped.append(f"{path}.title")
            return {"type": "input_text", "text": source.data or ""}
        if source.kind == "url":
            return {"type": "input_file", "file_url": source.url}
        if source.kind == "file_id":
            return {"type": "input_file", "file_id": source.file_id}
        # The API needs a filename beside inline data; the title is the best name a client gave.
        default = "document.pdf" if source.media_type in (None, "application/pdf") else "document"
        filename = block.filename or block.title or default
        return {"type": "input_file", "filename": filename, "file_data": data_url(source)}

    def tool_result(self, block: ToolResultBlock, path: str) -> dict[str, Any]:
        """Text-only results are a string; with images or files, a list of input parts. Responses
        has no error flag: the text says what went wrong, as the client wrote it."""
        self.note_cache_control(block, path)
        output: str | list[dict[str, Any]]
        if all(isinstance(item, TextBlock) for item in block.content):
            output = TOOL_RESULT_SEPARATOR.join(
                item.text for item in block.content if isinstance(item, TextBlock)
            )
        else:
            output = [self.part(item, f"{path}.content[{k}]", "user") for k, item in enumerate(block.content)]
        return {"type": "function_call_output", "call_id": block.tool_use_id, "output": output}

    # -- assistant turns -----------------------------------------------------------------------

    def assistant(self, message: Message, path: str) -> list[dict[str, Any]]:
        """Text runs become message items; calls and reasoning become items of their own, in order."""
        out: list[dict[str, Any]] = []
        texts: list[dict[str, Any]] = []
        for j, block in enumerate(message.content):
            where = f"{path}.content[{j}]"
            self.note_cache_control(block, where)
            if isinstance(block, TextBlock):
                if block.citations:
                    self.dropped.append(f"{where}.citations")
                texts.append({"type": "output_text", "text": block.text, "annotations": []})
                continue
            if texts:
                out.append({"type": "message", "role": "assistant", "content": texts})
                texts = []
            item = self.assistant_item(block, where)
            if item is not None:
                out.append(item)
        if texts:
            out.append({"type": "message", "role": "assistant", "content": texts})
        return out

    def assistant_item(self, block: Block, path: str) -> dict[str, Any] | None:
        match block:
            case ToolUseBlock():
                arguments = json.dumps(block.input, ensure_ascii=False)
                return {
                    "type": "function_call",
                    "call_id": block.id,
                    "name": block.name,
                    "arguments": arguments,
                }
            case ThinkingBlock(encrypted=str()):
                return reasoning_item(block)
            case ThinkingBlock() | RedactedThinkingBlock():
                # Another provider's reasoning (an Anthropic signature, redacted data) means nothing
                # to OpenAI, and plain text cannot be replayed as reasoning.
                self.dropped.append(path)
                return None
        raise invalid(path, f"{block.type} content cannot appear in an assistant turn")

    def note_cache_control(self, block: Block, path: str) -> None:
        # OpenAI caches prompt prefixes automatically; there are no breakpoints to set.
        if getattr(block, "cache_control", None) is not None:
            self.dropped.append(f"{path}.cache_control")


def reasoning_item(block: ThinkingBlock) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "reasoning"}
    if block.item_id:
        item["id"] = block.item_id
    shown = block.summary and block.thinking
    item["summary"] = [{"type": "summary_text", "text": block.thinking}] if shown else []
    item["encrypted_content"] = block.encrypted
    return item
