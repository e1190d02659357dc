"""IR request -> OpenAI Chat Completions request body."""

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
from hyperinfer.ir.effort import effort_for_budget
from hyperinfer.ir.request import Message, Request
from hyperinfer.providers.openai_user import openai_user
from hyperinfer.providers.target import Encoded, Target

MAX_STOP_SEQUENCES = 4


def data_url(source: MediaSource) -> str:
    return f"data:{source.media_type or 'application/octet-stream'};base64,{source.data}"


class _Encoder:
    def __init__(self, request: Request, target: Target) -> None:
        self.request, self.target = request, target
        self.dropped: list[str] = []

    def part(self, block: Block, path: str) -> dict[str, Any]:
        if getattr(block, "cache_control", None) is not None:
            self.dropped.append(f"{path}.cache_control")
        match block:
            case TextBlock():
                return {"type": "text", "text": block.text}
            case ImageBlock(source=source):
                if source.kind in {"file_id", "text"}:
                    raise invalid(path, "images by file id are not supported by this model's provider")
                image: dict[str, Any] = {"url": source.url if source.kind == "url" else data_url(source)}
                if block.detail:
                    image["detail"] = block.detail
                return {"type": "image_url", "image_url": image}
            case DocumentBlock(source=source):
                return self.document(block, source, path)
            case AudioBlock():
                return {"type": "input_audio", "input_audio": {"data": block.data, "format": block.format}}
        raise invalid(path, f"{block.type} content cannot be sent to this model's provider")

    def document(self, block: DocumentBlock, source: MediaSource, path: str) -> dict[str, Any]:
        if source.kind == "text":  # a plain-text document is its text
            return {"type": "text", "text": source.data or ""}
        if source.kind == "file_id":
            return {"type": "file", "file": {"file_id": source.file_id}}
        if source.kind == "url":
            raise invalid(
                path, "documents by URL are not supported by this model's provider; send them inline"
            )
        return {
            "type": "file",
            "file": {
                "filename": block.filename or block.title or "document.pdf",
                "file_data": data_url(source),
            },
        }

    def messages(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if self.request.system:
            out.append({"role": "system", "content": "\n\n".join(b.text for b in self.request.system)})
        for i, message in enumerate(self.request.messages):
            path = f"messages[{i}]"
            if message.role in ("system", "developer"):
                out.append({"role": message.role, "content": self.text_only(message, path)})
            elif message.role == "user":
                out += self.user(message, path)
            else:
                out.append(self.assistant(message, path))
        return out

    def text_only(self, message: Message, path: str) -> str:
        texts = []
        for j, block in enumerate(message.content):
            if not isinstance(block, TextBlock):
                raise invalid(f"{path}.content[{j}]", "system messages hold text only")
            texts.append(block.text)
        return "\n\n".join(texts)

    def user(self, message: Message, path: str) -> list[dict[str, Any]]:
        """Tool results become `tool` messages (first, as OpenAI requires); images inside them
        follow in a user message, since tool messages carry text only."""
        tools: list[dict[str, Any]] = []
        parts: list[dict[str, Any]] = []
        for j, block in enumerate(message.content):
            if isinstance(block, ToolResultBlock):
                text, images = self.tool_result(block, f"{path}.content[{j}]")
                tools.append({"role": "tool", "tool_call_id": block.tool_use_id, "content": text})
                parts += images
            else:
                parts.append(self.part(block, f"{path}.content[{j}]"))
        out = tools
        if parts:
            user: dict[str, Any] = {"role": "user", "content": parts}
            if message.name:
                user["name"] = message.name
            out.append(user)
        return out

    def tool_result(self, block: ToolResultBlock, path: str) -> tuple[str, list[dict[str, Any]]]:
        texts, images = [], []
        for k, item in enumerate(block.content):
            if isinstance(item, TextBlock):
                texts.append(item.text)
            else:
                images.append(self.part(item, f"{path}.content[{k}]"))
        text = "\n".join(texts)
        # Chat has no error flag on tool results: say it in the text, where the model reads it.
        return (f"Error: {text}" if block.is_error else text), images

    def assistant(self, message: Message, path: str) -> dict[str, Any]:
        texts: list[str] = []
        calls: list[dict[str, Any]] = []
        for j, block in enumerate(message.content):
            match block:
                case TextBlock():
                    texts.append(block.text)
                case ToolUseBlock():
                    arguments = json.dumps(block.input, ensure_ascii=False)
                    calls.append(
                        {
                            "id": block.id,
                            "type": "function",
                            "function": {"name": block.name, "arguments": arguments},
                        }
                    )
                case ThinkingBlock() | RedactedThinkingBlock():
                    self.dropped.append(f"{path}.content[{j}]")  # chat cannot send reasoning back
                case _:
                    raise invalid(f"{path}.content[{j}]", f"assistant turns cannot hold {block.type} content")
        out: dict[str, Any] = {"role": "assistant", "content": "".join(texts) if texts else None}
        if calls:
            out["tool_calls"] = calls
        return out

    def body(self) -> dict[str, Any]:
        req, target = self.request, self.target
        body: dict[str, Any] = {"model": target.upstream_model, "messages": self.messages()}
        if req.tools:
            body["tools"] = [self.tool(i) for i in range(len(req.tools))]
        if req.tool_choice is not None:
            choice = req.tool_choice
            body["tool_choice"] = (
                {"type": "function", "function": {"name": choice.name}}
                if choice.mode == "tool"
                else choice.mode
            )
            if choice.parallel is not None and req.tools:
                body["parallel_tool_calls"] = choice.parallel
        if req.max_output_tokens is not None:
            body["max_completion_tokens"] = req.max_output_tokens
        self.sampling(body)
        self.reasoning(body)
        if req.output_format is not None and req.output_format.kind != "text":
            body["response_format"] = self.response_format()
        if req.user is not None:
            body["user"] = openai_user(req.user)
        if req.metadata:
            body["metadata"] = req.metadata
        self.dropped += sorted(req.advisory)
        if target.stream:
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        return body

    def tool(self, i: int) -> dict[str, Any]:
        tool = self.request.tools[i]
        function: dict[str, Any] = {"name": tool.name, "parameters": tool.parameters}
        if tool.description is not None:
            function["description"] = tool.description
        if tool.strict is not None:
            function["strict"] = tool.strict
        if tool.cache_control is not None:
            self.dropped.append(f"tools[{i}].cache_control")
        return {"type": "function", "function": function}

    def sampling(self, body: dict[str, Any]) -> None:
        req = self.request
        if req.temperature is not None:
            if not 0 <= req.temperature <= 2:
                raise invalid("temperature", "must be between 0 and 2 for this model")
            body["temperature"] = req.temperature
        if req.top_p is not None:
            body["top_p"] = req.top_p
        if req.top_k is not None:
            raise invalid("top_k", "is not supported by this model's provider")
        if req.stop:
            if len(req.stop) > MAX_STOP_SEQUENCES:
                raise invalid(
                    "stop", f"this model's provider accepts at most {MAX_STOP_SEQUENCES} stop sequences"
                )
            body["stop"] = list(req.stop)

    def reasoning(self, body: dict[str, Any]) -> None:
        reasoning = self.request.reasoning
        if reasoning is None:
            return
        if not self.target.reasoning:
            self.dropped.append("reasoning")
            return
        if not reasoning.enabled:
            body["reasoning_effort"] = "none"
        elif reasoning.effort is not None:
            body["reasoning_effort"] = reasoning.effort
        elif reasoning.budget_tokens is not None:
            body["reasoning_effort"] = effort_for_budget(reasoning.budget_tokens)
        if reasoning.summary is not None:
            self.dropped.append("reasoning.summary")

    def response_format(self) -> dict[str, Any]:
        fmt = self.request.output_format
        assert fmt is not None
        if fmt.kind == "json_object":
            return {"type": "json_object"}
        schema: dict[str, Any] = {"name": fmt.name or "response", "schema": fmt.schema_ or {"type": "object"}}
        if fmt.strict is not None:
            schema["strict"] = fmt.strict
        if fmt.description:
            schema["description"] = fmt.description
        return {"type": "json_schema", "json_schema": schema}


def encode_request(request: Request, target: Target) -> Encoded:
    encoder = _Encoder(request, target)
    body = encoder.body()
    return Encoded(body=body, dropped=tuple(encoder.dropped))
