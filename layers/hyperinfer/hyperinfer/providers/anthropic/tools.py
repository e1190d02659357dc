"""Tools, tool choice, and JSON output formats emulated through a forced tool.

Anthropic's well-known emulation of structured output: one extra tool whose ``input_schema`` is the
wanted schema, and a tool choice that makes the model answer by calling it. The decoders turn that
call back into a text block holding the JSON (see ``DecodeHints``).

How the emulation meets the client's own tool choice:
- none, or no client tools: force the output tool ({type: tool}); client tools stay listed but
  uncallable, which is what "none" means.
- auto with client tools: {type: any} over client tools plus the output tool, so the model either
  calls a real tool or answers through the output tool.
- required / a named tool: this turn is a tool call, not an answer, so the output format has
  nothing to shape and no output tool is added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.request import Request, Tool, ToolChoice
from hyperinfer.providers.anthropic.content import with_cache
from hyperinfer.providers.output_tool import output_tool

Json = dict[str, Any]

_CHOICE = {"auto": "auto", "none": "none", "required": "any", "tool": "tool"}


@dataclass(slots=True)
class ToolPlan:
    tools: list[Json] = field(default_factory=list)
    tool_choice: Json | None = None
    structured_tool: str | None = None  # the output tool's name when a JSON format is emulated

    @property
    def forces_tool(self) -> bool:
        return self.tool_choice is not None and self.tool_choice["type"] in ("any", "tool")


def encode_tools(request: Request, dropped: list[str]) -> ToolPlan:
    names = {tool.name for tool in request.tools}
    choice = request.tool_choice
    plan = ToolPlan([_tool(tool, f"tools[{i}]", dropped) for i, tool in enumerate(request.tools)])
    plan.tool_choice = _choice(choice, names)
    fmt = request.output_format
    if fmt is None or fmt.kind == "text":
        return plan
    mode = choice.mode if choice else "auto"
    if names and mode in ("required", "tool"):
        return plan
    if fmt.strict:
        dropped.append("output_format.strict")  # a tool input follows its schema, unenforced
    output = output_tool(fmt, names, "Anthropic")
    plan.tools.append({"name": output.name, "description": output.description, "input_schema": output.schema})
    plan.structured_tool = output.name
    if names and mode == "auto":
        plan.tool_choice = {"type": "any"}
        if choice is not None and choice.parallel is False:
            plan.tool_choice["disable_parallel_tool_use"] = True
    else:
        # One answer, so one call.
        plan.tool_choice = {"type": "tool", "name": output.name, "disable_parallel_tool_use": True}
    return plan


def _tool(tool: Tool, path: str, dropped: list[str]) -> Json:
    out: Json = {"name": tool.name}
    if tool.description:
        out["description"] = tool.description
    out["input_schema"] = tool.parameters
    if tool.strict:
        dropped.append(f"{path}.strict")
    return with_cache(out, tool.cache_control)


def _choice(choice: ToolChoice | None, names: set[str]) -> Json | None:
    if choice is None:
        return None
    if not names:
        if choice.mode in ("auto", "none"):
            return None  # nothing to choose from: the same answer without the field
        raise invalid("tool_choice", f"{choice.mode!r} needs tools, and the request has none")
    out: Json = {"type": _CHOICE[choice.mode]}
    if choice.mode == "tool":
        if choice.name not in names:
            raise invalid("tool_choice", f"no tool named {choice.name!r} in tools")
        out["name"] = choice.name
    if choice.parallel is False and choice.mode != "none":
        out["disable_parallel_tool_use"] = True
    return out
