"""JSON output emulated through one extra tool the model is made to call, for the providers whose
API has no schema-shaped output every model supports (Anthropic, Bedrock's Converse).

The tool's input is the answer; each provider's decoders turn that call back into a text block
holding the JSON. Both APIs name tools by the same rule and want an object as a tool's input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.request import OutputFormat

DEFAULT_OUTPUT_TOOL = "json_output"
OUTPUT_TOOL_DESCRIPTION = (
    "Give your final answer by calling this tool: its input is the answer, as JSON matching the schema."
)
TOOL_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # Anthropic's tool names and Converse's ToolName alike


@dataclass(frozen=True, slots=True)
class OutputTool:
    name: str
    description: str
    schema: dict[str, Any]


def output_tool(fmt: OutputFormat, names: set[str], vendor: str) -> OutputTool:
    """The tool for `fmt`, refusing a name a client tool already has or a schema that is no object."""
    name = fmt.name if fmt.name and TOOL_NAME.fullmatch(fmt.name) else DEFAULT_OUTPUT_TOOL
    if name in names:
        raise invalid(
            "output_format.name",
            f"{name!r} is also the name of a tool; {vendor} emulates the output format with a tool "
            "of that name",
        )
    if fmt.kind == "json_object":
        schema: dict[str, Any] = {"type": "object"}
    else:
        schema = dict(fmt.schema_ or {"type": "object"})
        if schema.setdefault("type", "object") != "object":
            raise invalid(
                "output_format.schema",
                f"{vendor} emulates JSON output with a tool input, which must be an object schema",
            )
    description = (
        f"{OUTPUT_TOOL_DESCRIPTION} {fmt.description}" if fmt.description else OUTPUT_TOOL_DESCRIPTION
    )
    return OutputTool(name, description, schema)
