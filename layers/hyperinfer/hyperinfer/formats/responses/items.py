"""The items of a Responses ``input`` list and their content parts, as OpenAI's API accepts them.

Unions are tagged by ``type`` through callable discriminators whose tags are class-like names
('InputImage'): formats.validation folds such names out of error locations, so a bad field reads
``input[2].content[0].image_url``. Item types this stateless gateway cannot take still validate
(as ``OtherItem``) so that decode can reject them by name instead of with a union error.
"""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Tag


class Open(BaseModel):
    # Strict, as the official APIs are: "16" or true is not an integer, "true" not a boolean.
    # defer_build: the request model's validator is built once, on the first request, with every
    # part inlined, instead of one validator per part at import (a few ms of each cold start).
    model_config = ConfigDict(extra="allow", strict=True, defer_build=True)


def _type_of(value: Any) -> Any:
    return value.get("type") if isinstance(value, dict) else getattr(value, "type", None)


def tagged(table: dict[str, str], default: str | None = None) -> Callable[[Any], str | None]:
    """A discriminator reading ``type`` through ``table``; ``default`` for types it does not name."""

    def pick(value: Any) -> str | None:
        kind = _type_of(value)
        return table.get(kind, default) if isinstance(kind, str) else default

    return pick


class PromptCacheBreakpoint(Open):
    mode: Literal["explicit"] = "explicit"
    ttl: str | None = None


class InputText(Open):
    type: Literal["input_text"]
    text: str
    prompt_cache_breakpoint: PromptCacheBreakpoint | None = None


class OutputText(Open):
    type: Literal["output_text"]
    text: str
    annotations: list[dict[str, Any]] = []


class InputImage(Open):
    type: Literal["input_image"]
    image_url: str | None = None
    file_id: str | None = None
    detail: Literal["low", "high", "auto", "original"] | None = None
    prompt_cache_breakpoint: PromptCacheBreakpoint | None = None


class InputFile(Open):
    type: Literal["input_file"]
    file_data: str | None = None
    file_url: str | None = None
    file_id: str | None = None
    filename: str | None = None
    prompt_cache_breakpoint: PromptCacheBreakpoint | None = None


class Refusal(Open):
    type: Literal["refusal"]
    refusal: str


_PART_TAGS = {
    "input_text": "InputText",
    "output_text": "OutputText",
    "input_image": "InputImage",
    "input_file": "InputFile",
    "refusal": "Refusal",
}
MessagePart = Annotated[
    Annotated[InputText, Tag("InputText")]
    | Annotated[OutputText, Tag("OutputText")]
    | Annotated[InputImage, Tag("InputImage")]
    | Annotated[InputFile, Tag("InputFile")]
    | Annotated[Refusal, Tag("Refusal")],
    Discriminator(
        tagged(_PART_TAGS),
        custom_error_type="invalid_content_part",
        custom_error_message=(
            "each part must have type input_text, output_text, input_image, input_file or refusal"
        ),
    ),
]
ToolOutputPart = Annotated[
    Annotated[InputText, Tag("InputText")]
    | Annotated[InputImage, Tag("InputImage")]
    | Annotated[InputFile, Tag("InputFile")],
    Discriminator(
        tagged(_PART_TAGS),
        custom_error_type="invalid_content_part",
        custom_error_message="each part must have type input_text, input_image or input_file",
    ),
]


class MessageItem(Open):
    """EasyInputMessage (no ``type``), an input message, or an earlier output message sent back."""

    type: Literal["message"] | None = None
    role: Literal["user", "assistant", "system", "developer"]
    content: str | list[MessagePart]
    id: str | None = None
    status: str | None = None
    phase: str | None = None


class FunctionCallItem(Open):
    type: Literal["function_call"]
    call_id: str
    name: str
    arguments: str
    id: str | None = None
    status: str | None = None
    namespace: str | None = None  # restored on output from the request's namespace tools


class FunctionCallOutputItem(Open):
    type: Literal["function_call_output"]
    call_id: str
    output: str | list[ToolOutputPart]
    id: str | None = None
    status: str | None = None


class SummaryText(Open):
    type: Literal["summary_text"] = "summary_text"
    text: str


class ReasoningText(Open):
    type: Literal["reasoning_text", "text"] = "reasoning_text"
    text: str


class ReasoningItem(Open):
    type: Literal["reasoning"]
    id: str | None = None  # Codex sends reasoning items back without their id
    summary: list[SummaryText] = []
    encrypted_content: str | None = None
    content: list[ReasoningText] | None = None
    status: str | None = None


class ItemReference(Open):
    type: Literal["item_reference"]
    id: str


class OtherItem(Open):
    """Any other item type (web_search_call, local_shell_call, ...): decode rejects it by name."""

    type: str


_ITEM_TAGS = {
    "message": "Message",
    "function_call": "FunctionCall",
    "function_call_output": "FunctionCallOutput",
    "reasoning": "Reasoning",
    "item_reference": "ItemReference",
}


def _item_tag(value: Any) -> str:
    kind = _type_of(value)
    if kind is None:
        return "Message"  # EasyInputMessage: {role, content}
    return _ITEM_TAGS.get(kind, "OtherItem") if isinstance(kind, str) else "OtherItem"


InputItem = Annotated[
    Annotated[MessageItem, Tag("Message")]
    | Annotated[FunctionCallItem, Tag("FunctionCall")]
    | Annotated[FunctionCallOutputItem, Tag("FunctionCallOutput")]
    | Annotated[ReasoningItem, Tag("Reasoning")]
    | Annotated[ItemReference, Tag("ItemReference")]
    | Annotated[OtherItem, Tag("OtherItem")],
    Discriminator(_item_tag),
]
