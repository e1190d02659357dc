"""Content blocks: the richest vocabulary of the three formats, so nothing is lost on the way through.

Modelled on Anthropic's blocks (thinking with signatures, redacted thinking, cache points with a
TTL, documents) plus what only OpenAI has (audio input, file ids, encrypted reasoning).
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    # defer_build: a same-format (passthrough) request never touches the IR, so its validators are
    # built on first use rather than at import, which every cold start would pay.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class CacheControl(_Frozen):
    """A prompt-cache breakpoint after this block ("ephemeral"), 5 minutes unless ttl says "1h"."""

    type: Literal["ephemeral"] = "ephemeral"
    ttl: Literal["5m", "1h"] | None = None


class MediaSource(_Frozen):
    """Where an image or document comes from: inline base64, a URL, a provider file id, or plain text."""

    kind: Literal["base64", "url", "file_id", "text"]
    media_type: str | None = None
    data: str | None = None  # base64 payload, or the text itself for kind "text"
    url: str | None = None
    file_id: str | None = None


class TextBlock(_Frozen):
    type: Literal["text"] = "text"
    text: str
    cache_control: CacheControl | None = None
    citations: tuple[dict[str, Any], ...] | None = None


class ImageBlock(_Frozen):
    type: Literal["image"] = "image"
    source: MediaSource
    detail: str | None = None  # OpenAI's low / high / auto
    cache_control: CacheControl | None = None


class DocumentBlock(_Frozen):
    type: Literal["document"] = "document"
    source: MediaSource
    filename: str | None = None
    title: str | None = None
    context: str | None = None
    cache_control: CacheControl | None = None


class AudioBlock(_Frozen):
    type: Literal["audio"] = "audio"
    data: str
    format: str


class ToolUseBlock(_Frozen):
    type: Literal["tool_use"] = "tool_use"
    id: str
    name: str
    input: dict[str, Any]
    cache_control: CacheControl | None = None


ToolResultContent = Annotated[TextBlock | ImageBlock | DocumentBlock, Field(discriminator="type")]


class ToolResultBlock(_Frozen):
    type: Literal["tool_result"] = "tool_result"
    tool_use_id: str
    content: tuple[ToolResultContent, ...] = ()
    is_error: bool = False
    cache_control: CacheControl | None = None


class ThinkingBlock(_Frozen):
    """Reasoning the model showed. ``signature`` is Anthropic's, ``encrypted`` OpenAI's opaque carry-over;
    ``summary`` marks text that is a summary of hidden reasoning (OpenAI reasoning summaries)."""

    type: Literal["thinking"] = "thinking"
    thinking: str
    signature: str | None = None
    encrypted: str | None = None
    item_id: str | None = None
    summary: bool = False


class RedactedThinkingBlock(_Frozen):
    type: Literal["redacted_thinking"] = "redacted_thinking"
    data: str


Block = Annotated[
    TextBlock
    | ImageBlock
    | DocumentBlock
    | AudioBlock
    | ToolUseBlock
    | ToolResultBlock
    | ThinkingBlock
    | RedactedThinkingBlock,
    Field(discriminator="type"),
]
OutputBlock = Annotated[
    TextBlock | ToolUseBlock | ThinkingBlock | RedactedThinkingBlock, Field(discriminator="type")
]
