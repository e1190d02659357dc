"""Chat Completions request -> IR request."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.formats.chat_completions.request import (
    AudioPart,
    ChatCompletionRequest,
    ContentPart,
    FilePart,
    ImagePart,
    Message,
    RefusalPart,
    TextPart,
)
from hyperinfer.ir.content import (
    AudioBlock,
    Block,
    DocumentBlock,
    ImageBlock,
    MediaSource,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from hyperinfer.ir.request import Message as IRMessage
from hyperinfer.ir.request import OutputFormat, Reasoning, Request, Tool, ToolChoice

# Values that would change the answer's shape and that no other provider can reproduce.
_UNPORTABLE: dict[str, Callable[[Any], bool]] = {
    "n": lambda v: v not in (None, 1),
    "logprobs": bool,
    "top_logprobs": lambda v: v is not None,
    "audio": lambda v: v is not None,
    "modalities": lambda v: v not in (None, ["text"]),
    "web_search_options": lambda v: v is not None,
}
# Fields this decoder reads itself; any other extra field is advisory: carried where the target
# has it (an Anthropic model takes top_k), else named in X-HyperInfer-Dropped-Params.
_READ = frozenset({"metadata", "thinking", *_UNPORTABLE})


def media_source(url: str) -> MediaSource:
    """data: URLs become inline base64; anything else is fetched by the provider."""
    if url.startswith("data:") and ";base64," in url:
        header, data = url[5:].split(";base64,", 1)
        return MediaSource(kind="base64", media_type=header or None, data=data)
    return MediaSource(kind="url", url=url)


def _part(part: ContentPart, path: str) -> Block:
    match part:
        case TextPart():
            return TextBlock(text=part.text)
        case ImagePart():
            return ImageBlock(source=media_source(part.image_url.url), detail=part.image_url.detail)
        case FilePart(file=file):
            if file.file_data:
                return DocumentBlock(source=media_source(file.file_data), filename=file.filename)
            if file.file_id:
                return DocumentBlock(
                    source=MediaSource(kind="file_id", file_id=file.file_id), filename=file.filename
                )
            if file.file_url:
                return DocumentBlock(
                    source=MediaSource(kind="url", url=file.file_url), filename=file.filename
                )
            raise invalid(f"{path}.file", "one of file_data, file_id or file_url is required")
        case AudioPart():
            return AudioBlock(data=part.input_audio.data, format=part.input_audio.format)
        case RefusalPart():
            return TextBlock(text=part.refusal)
    raise invalid(path, "unsupported content part")


def _content(message: Message, path: str) -> list[Block]:
    if message.content is None:
        return []
    if isinstance(message.content, str):
        return [TextBlock(text=message.content)] if message.content else []
    return [_part(part, f"{path}.content[{j}]") for j, part in enumerate(message.content)]


def _tool_input(arguments: str, path: str) -> dict[str, Any]:
    try:
        parsed = json.loads(arguments or "{}")
    except ValueError:
        raise invalid(path, "tool call arguments must be a JSON object") from None
    if not isinstance(parsed, dict):
        raise invalid(path, "tool call arguments must be a JSON object")
    return parsed


def _assistant(message: Message, path: str) -> list[Block]:
    blocks: list[Block] = []
    if message.reasoning:
        blocks.append(ThinkingBlock(thinking=message.reasoning))
    blocks += _content(message, path)
    for j, call in enumerate(message.tool_calls or []):
        arguments = _tool_input(call.function.arguments, f"{path}.tool_calls[{j}].function.arguments")
        blocks.append(ToolUseBlock(id=call.id, name=call.function.name, input=arguments))
    return blocks


def _messages(messages: list[Message]) -> list[IRMessage]:
    out: list[IRMessage] = []
    for i, message in enumerate(messages):
        path = f"messages[{i}]"
        if message.role == "function":
            raise invalid(f"{path}.role", "the deprecated 'function' role is not supported; use 'tool'")
        if message.role == "tool":
            if not message.tool_call_id:
                raise invalid(f"{path}.tool_call_id", "is required for tool messages")
            texts = [b for b in _content(message, path) if isinstance(b, TextBlock)]
            result = ToolResultBlock(tool_use_id=message.tool_call_id, content=tuple(texts))
            if (
                out
                and out[-1].role == "user"
                and all(isinstance(b, ToolResultBlock) for b in out[-1].content)
            ):
                out[-1] = IRMessage(
                    role="user", content=(*out[-1].content, result)
                )  # parallel results, one turn
            else:
                out.append(IRMessage(role="user", content=(result,)))
            continue
        blocks = _assistant(message, path) if message.role == "assistant" else _content(message, path)
        out.append(IRMessage(role=message.role, content=tuple(blocks), name=message.name))
    return out


def _tool_choice(request: ChatCompletionRequest) -> ToolChoice | None:
    choice = request.tool_choice
    parallel = request.parallel_tool_calls
    if choice is None:
        return ToolChoice(mode="auto", parallel=parallel) if parallel is not None else None
    if isinstance(choice, str):
        return ToolChoice(mode=choice, parallel=parallel)
    return ToolChoice(mode="tool", name=choice.function.name, parallel=parallel)


def _output_format(request: ChatCompletionRequest) -> OutputFormat | None:
    fmt = request.response_format
    if fmt is None or fmt.type == "text":
        return None
    if fmt.type == "json_object":
        return OutputFormat(kind="json_object")
    if fmt.json_schema is None:
        raise invalid("response_format.json_schema", "is required when type is json_schema")
    schema = fmt.json_schema
    return OutputFormat.model_validate(
        {
            "kind": "json_schema",
            "name": schema.name,
            "schema": schema.schema_,
            "strict": schema.strict,
            "description": schema.description,
        }
    )


def decode(request: ChatCompletionRequest) -> Request:
    extra = request.model_extra or {}
    for field, unportable in _UNPORTABLE.items():
        if unportable(extra.get(field)):
            raise invalid(field, "cannot be honoured by this model's provider")
    stop = request.stop
    return Request(
        model=request.model,
        messages=tuple(_messages(request.messages)),
        tools=tuple(
            Tool(
                name=t.function.name,
                description=t.function.description,
                parameters=t.function.parameters or {"type": "object", "properties": {}},
                strict=t.function.strict,
            )
            for t in request.tools or []
        ),
        tool_choice=_tool_choice(request),
        max_output_tokens=request.max_completion_tokens or request.max_tokens,
        temperature=request.temperature,
        top_p=request.top_p,
        stop=(stop,) if isinstance(stop, str) else tuple(stop or ()),
        reasoning=_reasoning(request, extra),
        output_format=_output_format(request),
        user=request.user,
        metadata=extra.get("metadata") if isinstance(extra.get("metadata"), dict) else None,
        stream=bool(request.stream),
        advisory={k: v for k, v in extra.items() if k not in _READ and v is not None},
    )


def _reasoning(request: ChatCompletionRequest, extra: dict[str, Any]) -> Reasoning | None:
    """`reasoning_effort`, or an Anthropic-style `thinking` object some clients send on chat."""
    if request.reasoning_effort:
        return Reasoning(effort=request.reasoning_effort)
    thinking = extra.get("thinking")
    if not isinstance(thinking, dict):
        if thinking is not None:
            raise invalid("thinking", "must be an object such as {'type': 'enabled', 'budget_tokens': 2048}")
        return None
    kind, budget = thinking.get("type"), thinking.get("budget_tokens")
    if kind == "disabled":
        return Reasoning(enabled=False)
    if kind == "adaptive":
        return Reasoning(adaptive=True)
    if kind == "enabled" and isinstance(budget, int) and not isinstance(budget, bool) and budget > 0:
        return Reasoning(budget_tokens=budget)
    raise invalid("thinking", "must be {'type': 'enabled', 'budget_tokens': N}, 'disabled' or 'adaptive'")
