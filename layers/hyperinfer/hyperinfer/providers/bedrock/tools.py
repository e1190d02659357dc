"""Tools, tool choice and JSON output formats as Converse's ``toolConfig``.

JSON output is emulated with one extra tool the model is made to call, as for Anthropic (see
``providers/anthropic/tools.py`` for how the emulation meets the client's own tool choice): every
Converse model with tools can do it, where ``outputConfig.textFormat`` is model-specific. The
decoders turn that call back into a text block holding the JSON.

Converse has no "none" choice: without tool blocks in the conversation, leaving ``toolConfig``
out means the same; with them, Converse requires ``toolConfig``, so "none" is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.request import Request, Tool, ToolChoice
from hyperinfer.providers.bedrock.content import cache_point
from hyperinfer.providers.output_tool import TOOL_NAME, output_tool

Json = dict[str, Any]


@dataclass(slots=True)
class ToolPlan:
    tools: list[Json] = field(default_factory=list)
    tool_choice: Json | None = None
    structured_tool: str | None = None

    @property
    def forces_tool(self) -> bool:
        return self.tool_choice is not None and ("any" in self.tool_choice or "tool" in self.tool_choice)

    def config(self) -> Json | None:
        if not self.tools:
            return None
        out: Json = {"tools": self.tools}
        if self.tool_choice is not None:
            out["toolChoice"] = self.tool_choice
        return out


def encode_tools(request: Request, dropped: list[str], history_has_tools: bool) -> ToolPlan:
    names = {tool.name for tool in request.tools}
    choice = request.tool_choice
    mode = choice.mode if choice else "auto"
    if choice is not None and choice.parallel is False:
        dropped.append("tool_choice.parallel")  # Converse cannot limit a turn to one call
    fmt = request.output_format
    emulate = fmt is not None and fmt.kind != "text" and not (names and mode in ("required", "tool"))
    if mode == "none" and names:
        if history_has_tools:
            raise invalid(
                "tool_choice",
                "Bedrock's Converse API has no tool choice 'none' once the conversation holds tool "
                "calls; use 'auto'",
            )
        plan = ToolPlan()  # no tools offered: the model cannot call one
    else:
        plan = ToolPlan([item for i, tool in enumerate(request.tools) for item in _tool(tool, f"tools[{i}]")])
        plan.tool_choice = _choice(choice, names)
    if not emulate or fmt is None:
        return plan
    if fmt.strict:
        dropped.append("output_format.strict")
    output = output_tool(fmt, names, "Bedrock")
    spec = {"name": output.name, "description": output.description, "inputSchema": {"json": output.schema}}
    plan.tools.append({"toolSpec": spec})
    plan.structured_tool = output.name
    plan.tool_choice = {"any": {}} if names and mode == "auto" else {"tool": {"name": output.name}}
    return plan


def _tool(tool: Tool, path: str) -> list[Json]:
    if not TOOL_NAME.fullmatch(tool.name):
        raise invalid(f"{path}.name", "Bedrock tool names are 1 to 64 letters, digits, '_' or '-'")
    spec: Json = {"name": tool.name, "inputSchema": {"json": tool.parameters}}
    if tool.description:
        spec["description"] = tool.description
    if tool.strict:
        spec["strict"] = True
    out = [{"toolSpec": spec}]
    if tool.cache_control is not None:
        out.append(cache_point(tool.cache_control))
    return out


def _choice(choice: ToolChoice | None, names: set[str]) -> Json | None:
    if choice is None:
        return None
    if not names:
        if choice.mode in ("auto", "none"):
            return None
        raise invalid("tool_choice", f"{choice.mode!r} needs tools, and the request has none")
    match choice.mode:
        case "required":
            return {"any": {}}
        case "tool":
            if choice.name not in names:
                raise invalid("tool_choice", f"no tool named {choice.name!r} in tools")
            return {"tool": {"name": choice.name}}
    return {"auto": {}}
