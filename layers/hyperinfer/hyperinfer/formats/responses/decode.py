"""Responses request -> IR request.

The gateway is stateless (seed 001): whatever needs a response, conversation or prompt stored by
an earlier call is rejected by name, so a client learns to send the full input instead of getting
an answer that silently ignored its history.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from hyperinfer.errors import invalid
from hyperinfer.formats.responses.decode_input import messages
from hyperinfer.formats.responses.request import (
    FunctionChoice,
    FunctionTool,
    JsonObjectFormat,
    JsonSchemaFormat,
    NamespaceTool,
    OtherChoice,
    OtherTool,
    ResponsesRequest,
)
from hyperinfer.ir.content import TextBlock
from hyperinfer.ir.request import Message, OutputFormat, Reasoning, Request, Tool, ToolChoice

# HyperInfer's server tools, which seed 001 activates as built-in tools.
SERVER_TOOLS = frozenset({"web_search", "web_fetch", "pdf", "datetime", "image"})
_STATELESS = "this gateway is stateless and stores nothing between requests"

# Fields with no bearing on the answer: carried where the target has them, else reported dropped.
_ADVISORY = (
    "store",
    "include",
    "prompt_cache_key",
    "prompt_cache_retention",
    "service_tier",
    "truncation",
    "stream_options",
    "max_tool_calls",
    "client_metadata",
    "hi_tool_events",
)


def _reject_unportable(request: ResponsesRequest) -> None:
    if request.previous_response_id is not None:
        raise invalid("previous_response_id", f"{_STATELESS}; send the full input instead")
    if request.conversation is not None:
        raise invalid("conversation", f"{_STATELESS}; send the full input instead")
    if request.prompt is not None:
        raise invalid("prompt", f"{_STATELESS}; send instructions and input instead of a stored prompt")
    if request.background:
        raise invalid("background", f"{_STATELESS}; stream the response or wait for it instead")
    if request.top_logprobs:
        raise invalid("top_logprobs", "log probabilities are not available through this gateway")
    for i, value in enumerate(request.include or []):
        if value == "message.output_text.logprobs":
            raise invalid(f"include[{i}]", "log probabilities are not available through this gateway")


def _function(tool: FunctionTool, context: str | None = None) -> Tool:
    description = "\n\n".join(text for text in (context, tool.description) if text) or None
    return Tool(
        name=tool.name,
        description=description,
        parameters=tool.parameters or {"type": "object", "properties": {}},
        strict=tool.strict,
    )


def _tools(request: ResponsesRequest, advisory: dict[str, Any]) -> tuple[Tool, ...]:
    """Function tools, those of namespaces flattened (the namespace's description joins theirs).

    HyperInfer's own server tools (seed 001) are run by the gateway, not the model's provider; the
    IR has no place for them yet, so they travel as advisory entries under their field path.
    """
    tools: dict[str, Tool] = {}

    def add(tool: FunctionTool, path: str, context: str | None = None) -> None:
        if tool.name in tools:
            raise invalid(f"{path}.name", f"another tool is already named '{tool.name}'")
        tools[tool.name] = _function(tool, context)

    for i, tool in enumerate(request.tools or []):
        path = f"tools[{i}]"
        match tool:
            case FunctionTool():
                add(tool, path)
            case NamespaceTool():
                for j, inner in enumerate(tool.tools):
                    if isinstance(inner, OtherTool):
                        raise invalid(
                            f"{path}.tools[{j}].type", f"'{inner.type}' tools are not available here"
                        )
                    add(inner, f"{path}.tools[{j}]", tool.description)
            case OtherTool() if tool.type in SERVER_TOOLS:
                advisory[path] = tool.model_dump()
            case OtherTool():
                raise invalid(
                    f"{path}.type", f"'{tool.type}' tools are not available here; only function tools are"
                )
    return tuple(tools.values())


def _tool_choice(request: ResponsesRequest, tools: tuple[Tool, ...]) -> ToolChoice | None:
    choice, parallel = request.tool_choice, request.parallel_tool_calls
    match choice:
        case None:
            return ToolChoice(mode="auto", parallel=parallel) if parallel is not None else None
        case FunctionChoice():
            if all(tool.name != choice.name for tool in tools):
                raise invalid("tool_choice.name", f"no function tool named '{choice.name}' is in tools")
            return ToolChoice(mode="tool", name=choice.name, parallel=parallel)
        case OtherChoice():
            raise invalid(
                "tool_choice.type",
                f"'{choice.type}' is not supported; use auto, none, required or a function tool",
            )
    return ToolChoice(mode=choice, parallel=parallel)


def _reasoning(request: ResponsesRequest) -> Reasoning | None:
    config = request.reasoning
    if config is None:
        return None
    effort, summary = config.effort, config.summary or config.generate_summary
    if effort is None and summary is None:
        return None
    return Reasoning(enabled=effort != "none", effort=effort, summary=summary)


def _output_format(request: ResponsesRequest) -> OutputFormat | None:
    fmt = request.text.format if request.text else None
    match fmt:
        case JsonObjectFormat():
            return OutputFormat(kind="json_object")
        case JsonSchemaFormat():
            return OutputFormat.model_validate(
                {
                    "kind": "json_schema",
                    "name": fmt.name,
                    "schema": fmt.schema_,
                    "strict": fmt.strict,
                    "description": fmt.description,
                }
            )
    return None  # plain text is what every model gives by default


def _advisory(request: ResponsesRequest) -> dict[str, Any]:
    advisory: dict[str, Any] = {}
    for name in _ADVISORY:
        value = getattr(request, name)
        if value is not None:
            advisory[name] = value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value
    if request.text and request.text.verbosity is not None:
        advisory["text.verbosity"] = request.text.verbosity
    if request.user is not None and request.safety_identifier is not None:
        advisory["safety_identifier"] = request.safety_identifier
    return advisory


def decode(request: ResponsesRequest) -> Request:
    _reject_unportable(request)
    advisory = _advisory(request)
    if isinstance(request.input, str):
        conversation = [Message(role="user", content=(TextBlock(text=request.input),))]
    else:
        conversation = messages(request.input, advisory)
    if not conversation:
        raise invalid("input", "must contain at least one message")
    tools = _tools(request, advisory)
    return Request(
        model=request.model,
        system=(TextBlock(text=request.instructions),) if request.instructions else (),
        messages=tuple(conversation),
        tools=tools,
        tool_choice=_tool_choice(request, tools),
        max_output_tokens=request.max_output_tokens,
        temperature=request.temperature,
        top_p=request.top_p,
        reasoning=_reasoning(request),
        output_format=_output_format(request),
        user=request.user if request.user is not None else request.safety_identifier,
        metadata=request.metadata,
        stream=bool(request.stream),
        advisory=advisory,
    )
