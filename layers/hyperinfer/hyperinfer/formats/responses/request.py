"""The Responses request as seed 001 specifies it, widened to what OpenAI's Responses API accepts.

Seed 001's schema is the minimum. Every object allows extra fields while the fields it names are
typed; fields that need a stateful server (previous_response_id, conversation, prompt, background)
validate here and are rejected by decode with a message that says why.
"""

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from hyperinfer.formats.responses.items import InputItem, Open, tagged
from hyperinfer.ir.effort import Effort


class FunctionTool(Open):
    type: Literal["function"]
    name: str = Field(min_length=1)
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class OtherTool(Open):
    """Built-in and hosted tools (web_search, file_search, local_shell, custom, mcp ...)."""

    type: str


NamespacedTool = Annotated[
    Annotated[FunctionTool, Tag("FunctionTool")] | Annotated[OtherTool, Tag("OtherTool")],
    Discriminator(tagged({"function": "FunctionTool"}, default="OtherTool")),
]


class NamespaceTool(Open):
    """Function tools grouped under a name the model's calls carry (Codex CLI sends one)."""

    type: Literal["namespace"]
    name: str = Field(min_length=1)
    description: str | None = None
    tools: list[NamespacedTool]


ToolItem = Annotated[
    Annotated[FunctionTool, Tag("FunctionTool")]
    | Annotated[NamespaceTool, Tag("NamespaceTool")]
    | Annotated[OtherTool, Tag("OtherTool")],
    Discriminator(tagged({"function": "FunctionTool", "namespace": "NamespaceTool"}, default="OtherTool")),
]


class FunctionChoice(Open):
    type: Literal["function"]
    name: str


class OtherChoice(Open):
    """allowed_tools, hosted tool types, mcp, custom ...: decode rejects them by type."""

    type: str


NamedChoice = Annotated[
    Annotated[FunctionChoice, Tag("FunctionChoice")] | Annotated[OtherChoice, Tag("OtherChoice")],
    Discriminator(tagged({"function": "FunctionChoice"}, default="OtherChoice")),
]


class TextFormat(Open):
    type: Literal["text"]


class JsonObjectFormat(Open):
    type: Literal["json_object"]


class JsonSchemaFormat(Open):
    type: Literal["json_schema"]
    name: str
    schema_: dict[str, Any] = Field(alias="schema")
    strict: bool | None = None
    description: str | None = None


Format = Annotated[
    Annotated[TextFormat, Tag("TextFormat")]
    | Annotated[JsonObjectFormat, Tag("JsonObjectFormat")]
    | Annotated[JsonSchemaFormat, Tag("JsonSchemaFormat")],
    Discriminator(
        tagged({"text": "TextFormat", "json_object": "JsonObjectFormat", "json_schema": "JsonSchemaFormat"}),
        custom_error_type="invalid_format",
        custom_error_message="type must be text, json_object or json_schema",
    ),
]
Summary = Literal["auto", "concise", "detailed"]


class TextConfig(Open):
    format: Format | None = None
    verbosity: Literal["low", "medium", "high"] | None = None


class ReasoningConfig(Open):
    effort: Effort | None = None
    summary: Summary | None = None
    generate_summary: Summary | None = None  # the deprecated name of summary


class StreamOptions(Open):
    include_obfuscation: bool | None = None


class ResponsesRequest(Open):
    """POST /api/v1/responses."""

    model: str = Field(min_length=1)
    input: str | list[InputItem]  # an empty list is rejected by decode, with a clearer message
    instructions: str | None = None
    tools: list[ToolItem] | None = None
    tool_choice: Literal["auto", "none", "required"] | NamedChoice | None = None
    parallel_tool_calls: bool | None = None
    max_output_tokens: int | None = Field(default=None, gt=0)
    max_tool_calls: int | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    top_logprobs: int | None = Field(default=None, ge=0)
    text: TextConfig | None = None
    reasoning: ReasoningConfig | None = None
    previous_response_id: str | None = None
    conversation: str | dict[str, Any] | None = None
    prompt: dict[str, Any] | None = None
    background: bool | None = None
    store: bool | None = None
    include: list[str] | None = None
    prompt_cache_key: str | None = None
    prompt_cache_retention: str | None = None
    safety_identifier: str | None = None
    user: str | None = None
    metadata: dict[str, str] | None = None
    service_tier: str | None = None
    truncation: Literal["auto", "disabled"] | None = None
    stream: bool | None = None
    stream_options: StreamOptions | None = None
    client_metadata: dict[str, Any] | None = None  # Codex CLI's own bookkeeping
    hi_tool_events: bool | None = None

    def namespaces(self) -> dict[str, str]:
        """The namespace of each function tool that has one, by function name."""
        return {
            inner.name: tool.name
            for tool in self.tools or []
            if isinstance(tool, NamespaceTool)
            for inner in tool.tools
            if isinstance(inner, FunctionTool)
        }
