"""An Anthropic Messages request as the IR: turns, tools, thinking and output settings.

Refused with ``invalid_request`` naming the field (never dropped): ``response_format`` (seed 001:
no Anthropic equivalent), ``mcp_servers``, Anthropic-defined tools (server tools activate through
``plugins``), ``search_result`` blocks and ``content`` document sources (no IR form), effort
``max``. Fields with no meaning for the answer (``service_tier``, ``container``,
``context_management``, unknown fields at any level) land in ``Request.advisory`` by field path.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from pydantic import BaseModel

from hyperinfer.errors import invalid
from hyperinfer.formats.anthropic_messages import request as wire
from hyperinfer.formats.anthropic_messages import signature
from hyperinfer.ir import content as ir
from hyperinfer.ir.request import Message, OutputFormat, Reasoning, Request, Tool, ToolChoice

Advisory = dict[str, Any]


def _keep_extras(model: BaseModel, path: str, advisory: Advisory) -> None:
    for key, value in (model.model_extra or {}).items():
        advisory[f"{path}.{key}" if path else key] = value


def _cache(control: wire.CacheControl | None) -> ir.CacheControl | None:
    return ir.CacheControl(ttl=control.ttl) if control else None


def _source(source: BaseModel, path: str) -> ir.MediaSource:
    match source:
        case wire.Base64Source():
            return ir.MediaSource(kind="base64", media_type=source.media_type, data=source.data)
        case wire.UrlSource():
            return ir.MediaSource(kind="url", url=source.url)
        case wire.FileSource():
            return ir.MediaSource(kind="file_id", file_id=source.file_id)
        case wire.TextSource():
            return ir.MediaSource(kind="text", media_type=source.media_type, data=source.data)
    raise invalid(
        f"{path}.source", "documents made of content blocks are not available; send text or a file."
    )


def _text(block: wire.TextBlock) -> ir.TextBlock:
    citations = tuple(block.citations) if block.citations else None
    return ir.TextBlock(text=block.text, cache_control=_cache(block.cache_control), citations=citations)


def _document(block: wire.DocumentBlock, path: str, advisory: Advisory) -> ir.DocumentBlock:
    if block.citations is not None:
        # The IR document has no citations switch: advisory, so the loss is reported, not silent.
        advisory[f"{path}.citations"] = block.citations.model_dump(exclude_none=True)
    return ir.DocumentBlock(
        source=_source(block.source, path),
        title=block.title,
        context=block.context,
        cache_control=_cache(block.cache_control),
    )


def _media(
    block: BaseModel, path: str, advisory: Advisory
) -> ir.TextBlock | ir.ImageBlock | ir.DocumentBlock:
    """Blocks allowed both in a turn and inside a tool result."""
    match block:
        case wire.TextBlock():
            return _text(block)
        case wire.ImageBlock():
            return ir.ImageBlock(
                source=_source(block.source, path), cache_control=_cache(block.cache_control)
            )
        case wire.DocumentBlock():
            return _document(block, path, advisory)
    raise invalid(path, "search_result blocks are not available through this gateway.")


def _tool_result(block: wire.ToolResultBlock, path: str, advisory: Advisory) -> ir.ToolResultBlock:
    if isinstance(block.content, str):
        parts: tuple[ir.ToolResultContent, ...] = (ir.TextBlock(text=block.content),) if block.content else ()
    else:
        parts = tuple(
            _part(part, f"{path}.content[{i}]", advisory) for i, part in enumerate(block.content or ())
        )
    return ir.ToolResultBlock(
        tool_use_id=block.tool_use_id,
        content=parts,
        is_error=bool(block.is_error),
        cache_control=_cache(block.cache_control),
    )


def _part(block: BaseModel, path: str, advisory: Advisory) -> ir.ToolResultContent:
    _keep_extras(block, path, advisory)
    return _media(block, path, advisory)


def _block(block: BaseModel, path: str, advisory: Advisory) -> ir.Block:
    _keep_extras(block, path, advisory)
    match block:
        case wire.ThinkingBlock():
            return ir.ThinkingBlock(thinking=block.thinking, **signature.unpack(block.signature))
        case wire.RedactedThinkingBlock():
            return ir.RedactedThinkingBlock(data=block.data)
        case wire.ToolUseBlock():
            return ir.ToolUseBlock(
                id=block.id, name=block.name, input=block.input, cache_control=_cache(block.cache_control)
            )
        case wire.ToolResultBlock():
            return _tool_result(block, path, advisory)
        case wire.ServerToolBlock():
            raise invalid(
                f"{path}.type",
                f"'{block.type}' blocks come from Anthropic's server tools; only an Anthropic model can "
                "take them back.",
            )
    return _media(block, path, advisory)


def _message(message: wire.Message, path: str, advisory: Advisory) -> Message:
    _keep_extras(message, path, advisory)
    if isinstance(message.content, str):
        return Message(role=message.role, content=(ir.TextBlock(text=message.content),))
    blocks = tuple(_block(b, f"{path}.content[{i}]", advisory) for i, b in enumerate(message.content))
    if message.role == "system":
        for i, block in enumerate(blocks):
            if not isinstance(block, ir.TextBlock):
                raise invalid(f"{path}.content[{i}]", "system turns take text blocks only.")
    return Message(role=message.role, content=blocks)


def _system(system: str | list[wire.TextBlock] | None, advisory: Advisory) -> tuple[ir.TextBlock, ...]:
    if system is None:
        return ()
    if isinstance(system, str):
        return (ir.TextBlock(text=system),) if system else ()
    for i, block in enumerate(system):
        _keep_extras(block, f"system[{i}]", advisory)
    return tuple(_text(block) for block in system)


def _tools(tools: list[wire.CustomTool | wire.ServerTool] | None, advisory: Advisory) -> tuple[Tool, ...]:
    out: list[Tool] = []
    for i, tool in enumerate(tools or ()):
        path = f"tools[{i}]"
        if isinstance(tool, wire.ServerTool):
            raise invalid(
                path,
                f"tool type {tool.type!r} is not available through this gateway; define a custom tool "
                "with an input_schema, or activate server tools through `plugins`.",
            )
        _keep_extras(tool, path, advisory)
        out.append(
            Tool(
                name=tool.name,
                description=tool.description,
                parameters=tool.input_schema,
                strict=tool.strict,
                cache_control=_cache(tool.cache_control),
            )
        )
    return tuple(out)


def _tool_choice(choice: BaseModel | None, advisory: Advisory) -> ToolChoice | None:
    if choice is None:
        return None
    _keep_extras(choice, "tool_choice", advisory)
    disable = getattr(choice, "disable_parallel_tool_use", None)
    parallel = None if disable is None else not disable
    match choice:
        case wire.ToolChoiceAuto():
            return ToolChoice(mode="auto", parallel=parallel)
        case wire.ToolChoiceAny():
            return ToolChoice(mode="required", parallel=parallel)
        case wire.ToolChoiceTool():
            return ToolChoice(mode="tool", name=choice.name, parallel=parallel)
    return ToolChoice(mode="none")


def _reasoning(parsed: wire.CountTokensRequest, advisory: Advisory) -> Reasoning | None:
    thinking, config = parsed.thinking, parsed.output_config
    effort = config.effort if config else None
    if effort == "max":
        raise invalid("output_config.effort", "'max' is not available through this gateway; use 'xhigh'.")
    if thinking is None:
        return Reasoning(effort=effort) if effort else None
    _keep_extras(thinking, "thinking", advisory)
    if isinstance(thinking, wire.ThinkingDisabled):
        return Reasoning(enabled=False, effort=effort)
    display = thinking.display
    if display == "omitted":
        # Visibility only, and the IR cannot say "think, but return no text": advisory.
        advisory["thinking.display"] = display
    summary = "auto" if display == "summarized" else None
    if isinstance(thinking, wire.ThinkingAdaptive):
        return Reasoning(adaptive=True, effort=effort, summary=summary)
    return Reasoning(budget_tokens=thinking.budget_tokens, effort=effort, summary=summary)


def _output_format(parsed: wire.CountTokensRequest, advisory: Advisory) -> OutputFormat | None:
    configured = parsed.output_config.format if parsed.output_config else None
    if configured and parsed.output_format:
        raise invalid("output_format", "give either output_format or output_config.format, not both.")
    if parsed.output_config:
        _keep_extras(parsed.output_config, "output_config", advisory)
    chosen = configured or parsed.output_format
    if chosen is None:
        return None
    # Anthropic's JSON outputs decode under the schema's constraint: OpenAI's strict mode.
    return OutputFormat(kind="json_schema", schema=chosen.schema_, strict=True)


_CACHEABLE = (ir.TextBlock, ir.ImageBlock, ir.DocumentBlock, ir.ToolUseBlock, ir.ToolResultBlock, Tool)
T = TypeVar("T", bound=BaseModel)


def _marked(items: tuple[T, ...], control: ir.CacheControl) -> tuple[T, ...] | None:
    """``items`` with the last cacheable one marked (an explicit mark wins); None if none is cacheable."""
    for i in range(len(items) - 1, -1, -1):
        item = items[i]
        if isinstance(item, _CACHEABLE):
            if item.cache_control is None:
                item = cast(T, item.model_copy(update={"cache_control": control}))
            return (*items[:i], item, *items[i + 1 :])
    return None


def _mark_last_cacheable(request: Request, control: ir.CacheControl) -> Request:
    """Top-level ``cache_control``: Anthropic marks the last cacheable block, in the order tools,
    system, messages (thinking blocks cannot carry a mark)."""
    for m in range(len(request.messages) - 1, -1, -1):
        blocks = _marked(request.messages[m].content, control)
        if blocks is not None:
            turn = request.messages[m].model_copy(update={"content": blocks})
            messages = (*request.messages[:m], turn, *request.messages[m + 1 :])
            return request.model_copy(update={"messages": messages})
    system = _marked(request.system, control)
    if system is not None:
        return request.model_copy(update={"system": system})
    tools = _marked(request.tools, control)
    return request.model_copy(update={"tools": tools}) if tools is not None else request


def _refuse_unavailable(parsed: wire.CountTokensRequest) -> None:
    if parsed.response_format is not None:
        raise invalid(
            "response_format", "has no Anthropic Messages equivalent; use output_config.format instead."
        )
    if parsed.mcp_servers is not None:
        raise invalid("mcp_servers", "MCP connectors are not available through this gateway.")


def _advisory(parsed: wire.CountTokensRequest) -> Advisory:
    advisory: Advisory = {}
    _keep_extras(parsed, "", advisory)
    if parsed.service_tier is not None:
        advisory["service_tier"] = parsed.service_tier
    if parsed.metadata is not None:
        _keep_extras(parsed.metadata, "metadata", advisory)
    return advisory


def decode(parsed: wire.CountTokensRequest) -> Request:
    """The IR request; ``max_output_tokens`` is None for a count_tokens request (it has none)."""
    _refuse_unavailable(parsed)
    advisory = _advisory(parsed)
    request = Request(
        model=parsed.model,
        system=_system(parsed.system, advisory),
        messages=tuple(_message(m, f"messages[{i}]", advisory) for i, m in enumerate(parsed.messages)),
        tools=_tools(parsed.tools, advisory),
        tool_choice=_tool_choice(parsed.tool_choice, advisory),
        max_output_tokens=parsed.max_tokens if isinstance(parsed, wire.MessagesRequest) else None,
        temperature=parsed.temperature,
        top_p=parsed.top_p,
        top_k=parsed.top_k,
        stop=tuple(parsed.stop_sequences or ()),
        reasoning=_reasoning(parsed, advisory),
        output_format=_output_format(parsed, advisory),
        user=parsed.metadata.user_id if parsed.metadata else None,
        stream=bool(parsed.stream),
        advisory=advisory,
    )
    if parsed.cache_control is not None:
        request = _mark_last_cacheable(request, ir.CacheControl(ttl=parsed.cache_control.ttl))
    return request
