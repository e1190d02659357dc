"""The Anthropic Messages request as seed 001 specifies it, widened to what Anthropic's API accepts.

Seed 001's schema is the minimum: the Anthropic SDK and Claude Code send more (``cache_control`` with
a TTL on every block, ``redacted_thinking``, adaptive thinking, ``output_config``, ``service_tier``
...). Every object allows extra fields; the fields named here are typed.

Unions are discriminated by ``type`` through ``_by_type``, which tags each branch with its class
name: ``formats.validation.field_path`` drops CamelCase branch names from error locations, so a
problem reads ``messages[0].content[1].source.data`` rather than ``...content[1].image.source.base64.data``.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag


class _Open(BaseModel):
    # Strict, as the official APIs are: "16" or true is not an integer, "true" not a boolean.
    # defer_build: the request model's validator is built once, on the first request, with every
    # part inlined, instead of one validator per part at import (a few ms of each cold start).
    model_config = ConfigDict(extra="allow", strict=True, defer_build=True)


def _by_type(tags: dict[str | None, str], *, otherwise: str | None = None) -> Discriminator:
    """Pick a union branch by the value's ``type``; ``tags`` maps type values to branch class names."""
    expected = ", ".join(repr(k) for k in tags if k is not None)

    def pick(value: Any) -> str | None:
        kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
        return tags.get(kind, otherwise) if isinstance(kind, str | None) else None

    return Discriminator(
        pick, custom_error_type="invalid_type", custom_error_message=f"'type' must be one of {expected}"
    )


class CacheControl(_Open):
    type: Literal["ephemeral"]
    ttl: Literal["5m", "1h"] | None = None


# Sources of images and documents.


class Base64Source(_Open):
    type: Literal["base64"]
    media_type: str
    data: str


class UrlSource(_Open):
    type: Literal["url"]
    url: str


class FileSource(_Open):
    type: Literal["file"]
    file_id: str


class TextSource(_Open):
    type: Literal["text"]
    media_type: str = "text/plain"
    data: str


class ContentSource(_Open):
    """A document made of content blocks (custom-chunked citations)."""

    type: Literal["content"]
    content: str | list[dict[str, Any]]


ImageSource = Annotated[
    Annotated[Base64Source, Tag("Base64Source")]
    | Annotated[UrlSource, Tag("UrlSource")]
    | Annotated[FileSource, Tag("FileSource")],
    _by_type({"base64": "Base64Source", "url": "UrlSource", "file": "FileSource"}),
]
DocumentSource = Annotated[
    Annotated[Base64Source, Tag("Base64Source")]
    | Annotated[TextSource, Tag("TextSource")]
    | Annotated[UrlSource, Tag("UrlSource")]
    | Annotated[FileSource, Tag("FileSource")]
    | Annotated[ContentSource, Tag("ContentSource")],
    _by_type(
        {
            "base64": "Base64Source",
            "text": "TextSource",
            "url": "UrlSource",
            "file": "FileSource",
            "content": "ContentSource",
        }
    ),
]

# Content blocks.


class TextBlock(_Open):
    type: Literal["text"]
    text: str
    cache_control: CacheControl | None = None
    citations: list[dict[str, Any]] | None = None


class ImageBlock(_Open):
    type: Literal["image"]
    source: ImageSource
    cache_control: CacheControl | None = None


class CitationsConfig(_Open):
    enabled: bool | None = None


class DocumentBlock(_Open):
    type: Literal["document"]
    source: DocumentSource
    title: str | None = None
    context: str | None = None
    citations: CitationsConfig | None = None
    cache_control: CacheControl | None = None


class SearchResultBlock(_Open):
    type: Literal["search_result"]
    source: str
    title: str
    content: list[TextBlock]
    citations: CitationsConfig | None = None
    cache_control: CacheControl | None = None


class ThinkingBlock(_Open):
    type: Literal["thinking"]
    thinking: str
    signature: str | None = None  # required by Anthropic; optional in seed 001


class RedactedThinkingBlock(_Open):
    type: Literal["redacted_thinking"]
    data: str


class ToolUseBlock(_Open):
    type: Literal["tool_use"]
    id: str
    name: str
    input: dict[str, Any]
    cache_control: CacheControl | None = None


ToolResultContent = Annotated[
    Annotated[TextBlock, Tag("TextBlock")]
    | Annotated[ImageBlock, Tag("ImageBlock")]
    | Annotated[DocumentBlock, Tag("DocumentBlock")]
    | Annotated[SearchResultBlock, Tag("SearchResultBlock")],
    _by_type(
        {
            "text": "TextBlock",
            "image": "ImageBlock",
            "document": "DocumentBlock",
            "search_result": "SearchResultBlock",
        }
    ),
]


class ToolResultBlock(_Open):
    type: Literal["tool_result"]
    tool_use_id: str
    content: str | list[ToolResultContent] | None = None
    is_error: bool | None = None
    cache_control: CacheControl | None = None


# Anthropic's server tools leave these in a conversation's history; only Anthropic can read them back.
SERVER_TOOL_BLOCKS = (
    "server_tool_use",
    "web_search_tool_result",
    "web_fetch_tool_result",
    "code_execution_tool_result",
    "bash_code_execution_tool_result",
    "text_editor_code_execution_tool_result",
    "tool_search_tool_result",
    "mcp_tool_use",
    "mcp_tool_result",
    "container_upload",
)


class ServerToolBlock(_Open):
    """A server tool's call or result in history: kept as sent, for an Anthropic model to read."""

    type: str


ContentBlock = Annotated[
    Annotated[ServerToolBlock, Tag("ServerToolBlock")]
    | Annotated[TextBlock, Tag("TextBlock")]
    | Annotated[ImageBlock, Tag("ImageBlock")]
    | Annotated[DocumentBlock, Tag("DocumentBlock")]
    | Annotated[SearchResultBlock, Tag("SearchResultBlock")]
    | Annotated[ThinkingBlock, Tag("ThinkingBlock")]
    | Annotated[RedactedThinkingBlock, Tag("RedactedThinkingBlock")]
    | Annotated[ToolUseBlock, Tag("ToolUseBlock")]
    | Annotated[ToolResultBlock, Tag("ToolResultBlock")],
    _by_type(
        {
            "text": "TextBlock",
            "image": "ImageBlock",
            "document": "DocumentBlock",
            "search_result": "SearchResultBlock",
            "thinking": "ThinkingBlock",
            "redacted_thinking": "RedactedThinkingBlock",
            "tool_use": "ToolUseBlock",
            "tool_result": "ToolResultBlock",
            **dict.fromkeys(SERVER_TOOL_BLOCKS, "ServerToolBlock"),
        }
    ),
]


class Message(_Open):
    # "system" turns inside messages are accepted by current Anthropic SDKs (SystemMessageParam).
    role: Literal["user", "assistant", "system"]
    content: str | list[ContentBlock]


# Tools and the choice among them.


class CustomTool(_Open):
    type: Literal["custom"] | None = None
    name: str = Field(min_length=1)
    description: str | None = None
    input_schema: dict[str, Any]
    strict: bool | None = None
    cache_control: CacheControl | None = None


class ServerTool(_Open):
    """An Anthropic-defined tool (web_search_20250305, bash_20250124 ...): recognised to be refused."""

    type: str
    name: str | None = None


Tool = Annotated[
    Annotated[CustomTool, Tag("CustomTool")] | Annotated[ServerTool, Tag("ServerTool")],
    _by_type({None: "CustomTool", "custom": "CustomTool"}, otherwise="ServerTool"),
]


class ToolChoiceAuto(_Open):
    type: Literal["auto"]
    disable_parallel_tool_use: bool | None = None


class ToolChoiceAny(_Open):
    type: Literal["any"]
    disable_parallel_tool_use: bool | None = None


class ToolChoiceTool(_Open):
    type: Literal["tool"]
    name: str
    disable_parallel_tool_use: bool | None = None


class ToolChoiceNone(_Open):
    type: Literal["none"]


ToolChoice = Annotated[
    Annotated[ToolChoiceAuto, Tag("ToolChoiceAuto")]
    | Annotated[ToolChoiceAny, Tag("ToolChoiceAny")]
    | Annotated[ToolChoiceTool, Tag("ToolChoiceTool")]
    | Annotated[ToolChoiceNone, Tag("ToolChoiceNone")],
    _by_type(
        {"auto": "ToolChoiceAuto", "any": "ToolChoiceAny", "tool": "ToolChoiceTool", "none": "ToolChoiceNone"}
    ),
]

# Thinking and output configuration.

Display = Literal["summarized", "omitted"]


class ThinkingEnabled(_Open):
    type: Literal["enabled"]
    budget_tokens: int | None = Field(default=None, ge=1)  # required by Anthropic; optional in seed 001
    display: Display | None = None


class ThinkingDisabled(_Open):
    type: Literal["disabled"]


class ThinkingAdaptive(_Open):
    type: Literal["adaptive"]
    display: Display | None = None


Thinking = Annotated[
    Annotated[ThinkingEnabled, Tag("ThinkingEnabled")]
    | Annotated[ThinkingDisabled, Tag("ThinkingDisabled")]
    | Annotated[ThinkingAdaptive, Tag("ThinkingAdaptive")],
    _by_type({"enabled": "ThinkingEnabled", "disabled": "ThinkingDisabled", "adaptive": "ThinkingAdaptive"}),
]


class JsonOutputFormat(_Open):
    type: Literal["json_schema"]
    schema_: dict[str, Any] = Field(alias="schema")


class OutputConfig(_Open):
    effort: Literal["low", "medium", "high", "xhigh", "max"] | None = None
    format: JsonOutputFormat | None = None


class Metadata(_Open):
    user_id: str | None = None


class Plugin(_Open):
    id: Literal["web_search", "web_fetch", "pdf", "datetime", "image"]
    events: bool | None = None


class CountTokensRequest(_Open):
    """POST /api/v1/messages/count_tokens: the message request without ``max_tokens``."""

    model: str = Field(min_length=1)
    messages: list[Message] = Field(min_length=1)
    system: str | list[TextBlock] | None = None
    tools: list[Tool] | None = None
    tool_choice: ToolChoice | None = None
    thinking: Thinking | None = None
    output_config: OutputConfig | None = None
    output_format: JsonOutputFormat | None = None  # the structured-outputs beta's name for the same
    cache_control: CacheControl | None = None  # marks the last cacheable block
    temperature: float | None = Field(default=None, ge=0, le=1)
    top_p: float | None = Field(default=None, ge=0, le=1)
    top_k: int | None = Field(default=None, ge=0)
    stop_sequences: list[str] | None = None
    stream: bool | None = None
    metadata: Metadata | None = None
    service_tier: str | None = None
    # Named so that they are refused with a reason rather than passed along as unknown fields.
    response_format: Any = None
    mcp_servers: Any = None
    # HyperInfer's own: the gateway reads them, they never reach a provider.
    plugins: list[Plugin] | None = None
    hi_tool_events: bool | None = None


class MessagesRequest(CountTokensRequest):
    """POST /api/v1/messages."""

    max_tokens: int = Field(gt=0)
