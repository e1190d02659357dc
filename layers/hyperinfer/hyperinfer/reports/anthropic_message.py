"""The Anthropic Message object (a non-streaming Messages response) as ``/report-anthropic`` accepts it.

Typed as the reporting seed types ``respPayload``, widened to what Anthropic's API actually returns
(https://platform.claude.com/docs/en/api/messages/create): ``usage`` carries more than the seed's
four counts (``service_tier``, ``server_tool_use``, ``cache_creation``) and older responses omit the
cache counts; ``stop_reason`` has the documented values beyond the seed's four; server-tool blocks
(``server_tool_use``, ``web_search_tool_result`` ...) appear in ``content``. Every object allows
extra fields; the fields the seed names are typed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Tag

from hyperinfer.formats.anthropic_messages.request import _by_type


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ResponseText(_Open):
    type: Literal["text"]
    text: str
    # char_location, page_location, content_block_location, web_search_result_location ...
    citations: list[dict[str, Any]] | None = None


class ResponseToolUse(_Open):
    type: Literal["tool_use"]
    id: str
    name: str
    input: Any = None  # the seed leaves it untyped: the tool's arguments as the model produced them


class ResponseThinking(_Open):
    type: Literal["thinking"]
    thinking: str
    signature: str


class ResponseRedactedThinking(_Open):
    type: Literal["redacted_thinking"]
    data: str


class ResponseOtherBlock(_Open):
    """A block the seed does not name (server tools and their results): kept as sent."""

    type: str


ResponseBlock = Annotated[
    Annotated[ResponseText, Tag("ResponseText")]
    | Annotated[ResponseToolUse, Tag("ResponseToolUse")]
    | Annotated[ResponseThinking, Tag("ResponseThinking")]
    | Annotated[ResponseRedactedThinking, Tag("ResponseRedactedThinking")]
    | Annotated[ResponseOtherBlock, Tag("ResponseOtherBlock")],
    _by_type(
        {
            "text": "ResponseText",
            "tool_use": "ResponseToolUse",
            "thinking": "ResponseThinking",
            "redacted_thinking": "ResponseRedactedThinking",
        },
        otherwise="ResponseOtherBlock",
    ),
]

# The seed's four, plus those Anthropic documents since (platform.claude.com, "Handling stop reasons").
StopReason = Literal[
    "end_turn",
    "max_tokens",
    "stop_sequence",
    "tool_use",
    "pause_turn",
    "refusal",
    "model_context_window_exceeded",
]


class ResponseUsage(_Open):
    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None


class AnthropicMessage(_Open):
    id: str
    type: Literal["message"]
    role: Literal["assistant"]
    model: str
    content: list[ResponseBlock]
    stop_reason: StopReason | None = Field(description="Null only in a stream's message_start.")
    stop_sequence: str | None
    usage: ResponseUsage
