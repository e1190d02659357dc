"""Responses ``input`` items -> IR messages.

The Responses API spreads one assistant turn over several items (reasoning, message,
function_call ...); the IR keeps a turn as one message, so adjacent assistant-side items fold into
one assistant message and adjacent function_call_output items into one user message of results.
System and developer messages keep their position.
"""

from __future__ import annotations

import json
from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.formats.responses.items import (
    FunctionCallItem,
    FunctionCallOutputItem,
    InputFile,
    InputImage,
    InputItem,
    InputText,
    ItemReference,
    MessageItem,
    MessagePart,
    OtherItem,
    OutputText,
    ReasoningItem,
    Refusal,
    ToolOutputPart,
)
from hyperinfer.formats.responses.output import REDACTED_MARK, SIGNATURE_MARK
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
from hyperinfer.ir.request import Message, Role

# input_file data sent as bare base64: the media type follows from the filename.
_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "txt": "text/plain",
    "md": "text/markdown",
    "csv": "text/csv",
    "json": "application/json",
    "html": "text/html",
}


def _data_url(url: str, path: str) -> MediaSource:
    header, sep, data = url[len("data:") :].partition(";base64,")
    if not sep:
        raise invalid(path, "a data: URL must be base64-encoded (data:<media type>;base64,<data>)")
    return MediaSource(kind="base64", media_type=header or None, data=data)


def _cache(part: InputText | InputImage | InputFile) -> CacheControl | None:
    # Responses' explicit breakpoint ttls (30m, 12h) have no IR equivalent; a breakpoint is kept.
    return CacheControl() if part.prompt_cache_breakpoint is not None else None


def _image(part: InputImage, path: str) -> ImageBlock:
    if part.image_url:
        url = part.image_url
        if url.startswith("data:"):
            source = _data_url(url, f"{path}.image_url")
        else:
            source = MediaSource(kind="url", url=url)
    elif part.file_id:
        source = MediaSource(kind="file_id", file_id=part.file_id)
    else:
        raise invalid(f"{path}.image_url", "an input_image needs image_url or file_id")
    return ImageBlock(source=source, detail=part.detail, cache_control=_cache(part))


def _file(part: InputFile, path: str) -> DocumentBlock:
    if part.file_data:
        if part.file_data.startswith("data:"):
            source = _data_url(part.file_data, f"{path}.file_data")
        else:
            extension = (part.filename or "").rpartition(".")[2].lower()
            source = MediaSource(kind="base64", media_type=_MEDIA_TYPES.get(extension), data=part.file_data)
    elif part.file_url:
        source = MediaSource(kind="url", url=part.file_url)
    elif part.file_id:
        source = MediaSource(kind="file_id", file_id=part.file_id)
    else:
        raise invalid(f"{path}.file_data", "an input_file needs file_data, file_url or file_id")
    return DocumentBlock(source=source, filename=part.filename, cache_control=_cache(part))


def _part(
    part: MessagePart | ToolOutputPart, path: str, advisory: dict[str, Any]
) -> TextBlock | ImageBlock | DocumentBlock:
    match part:
        case InputText():
            return TextBlock(text=part.text, cache_control=_cache(part))
        case OutputText():
            if part.annotations:
                advisory[f"{path}.annotations"] = part.annotations
            return TextBlock(text=part.text)
        case InputImage():
            return _image(part, path)
        case InputFile():
            return _file(part, path)
        case Refusal():
            return TextBlock(text=part.refusal)
    raise invalid(path, "unsupported content part")  # pragma: no cover - the schema admits no other


def _content(item: MessageItem, path: str, advisory: dict[str, Any]) -> list[Block]:
    if isinstance(item.content, str):
        return [TextBlock(text=item.content)] if item.content else []
    blocks: list[Block] = [
        _part(part, f"{path}.content[{j}]", advisory) for j, part in enumerate(item.content)
    ]
    return blocks


def _tool_use(item: FunctionCallItem, path: str) -> ToolUseBlock:
    try:
        arguments = json.loads(item.arguments or "{}")
    except ValueError:
        raise invalid(f"{path}.arguments", "is not valid JSON") from None
    if not isinstance(arguments, dict):
        raise invalid(f"{path}.arguments", "must be a JSON object")
    return ToolUseBlock(id=item.call_id, name=item.name, input=arguments)


def _tool_result(item: FunctionCallOutputItem, path: str, advisory: dict[str, Any]) -> ToolResultBlock:
    if isinstance(item.output, str):
        content: list[TextBlock | ImageBlock | DocumentBlock] = (
            [TextBlock(text=item.output)] if item.output else []
        )
    else:
        content = [_part(part, f"{path}.output[{j}]", advisory) for j, part in enumerate(item.output)]
    return ToolResultBlock(tool_use_id=item.call_id, content=tuple(content))


def _reasoning(item: ReasoningItem) -> ThinkingBlock | RedactedThinkingBlock | None:
    opaque = item.encrypted_content
    if opaque and opaque.startswith(REDACTED_MARK):
        return RedactedThinkingBlock(data=opaque.removeprefix(REDACTED_MARK))
    signature = opaque.removeprefix(SIGNATURE_MARK) if opaque and opaque.startswith(SIGNATURE_MARK) else None
    raw = [part.text for part in item.content or []]  # full reasoning text (open-weight models)
    text = "\n\n".join(raw or [part.text for part in item.summary])
    if not text and not opaque and not item.id:
        return None  # an empty reasoning item carries nothing a provider could use
    return ThinkingBlock(
        thinking=text,
        signature=signature,
        encrypted=None if signature else opaque,
        item_id=None if signature else item.id,  # the id of a signed block is ours, not a provider's
        summary=not raw and signature is None,
    )


def _add(out: list[Message], role: Role, blocks: list[Block]) -> None:
    """Assistant-side items join the assistant turn before them; results join the results before."""
    last = out[-1] if out else None
    joins = last is not None and (
        (role == "assistant" and last.role == "assistant")
        or (
            role == "user"
            and last.role == "user"
            and all(isinstance(b, ToolResultBlock) for b in (*last.content, *blocks))
        )
    )
    if last is not None and joins:
        out[-1] = Message(role=last.role, content=(*last.content, *blocks))
    elif blocks or role != "assistant":
        out.append(Message(role=role, content=tuple(blocks)))


def messages(items: list[InputItem], advisory: dict[str, Any]) -> list[Message]:
    out: list[Message] = []
    for i, item in enumerate(items):
        path = f"input[{i}]"
        match item:
            case MessageItem():
                if item.phase is not None:
                    advisory[f"{path}.phase"] = item.phase
                _add(out, item.role, _content(item, path, advisory))
            case FunctionCallItem():
                _add(out, "assistant", [_tool_use(item, path)])
            case FunctionCallOutputItem():
                _add(out, "user", [_tool_result(item, path, advisory)])
            case ReasoningItem():
                block = _reasoning(item)
                _add(out, "assistant", [block] if block else [])
            case ItemReference():
                raise invalid(
                    path,
                    "item_reference points at an item a previous response stored; this gateway is "
                    "stateless: send the item itself",
                )
            case OtherItem():
                raise invalid(
                    f"{path}.type",
                    f"'{item.type}' items are not supported; send message, function_call, "
                    "function_call_output and reasoning items",
                )
    return out
