"""Streams as a sequence of IR events. Provider decoders produce them; format encoders consume them.

Invariants every decoder keeps: one MessageStart first; blocks never overlap (a BlockStop before
the next BlockStart); indexes count up from 0 in output order; Usage may come several times
(the last one wins); Finish is last. A failure is raised as a GatewayError, never a Finish.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hyperinfer.ir.content import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.response import StopReason
from hyperinfer.ir.usage import Usage


class _Event(BaseModel):
    # defer_build: a same-format (passthrough) request never touches the IR, so its validators are
    # built on first use rather than at import, which every cold start would pay.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class MessageStart(_Event):
    type: Literal["message_start"] = "message_start"
    id: str
    model: str
    usage: Usage = Usage()


class BlockStart(_Event):
    """A new block, empty (text ''), or a tool call whose arguments follow as ArgumentsDelta."""

    type: Literal["block_start"] = "block_start"
    index: int
    block: Annotated[
        TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock, Field(discriminator="type")
    ]


class TextDelta(_Event):
    type: Literal["text_delta"] = "text_delta"
    index: int
    text: str


class ThinkingDelta(_Event):
    type: Literal["thinking_delta"] = "thinking_delta"
    index: int
    thinking: str


class SignatureDelta(_Event):
    type: Literal["signature_delta"] = "signature_delta"
    index: int
    signature: str


class ArgumentsDelta(_Event):
    type: Literal["arguments_delta"] = "arguments_delta"
    index: int
    partial_json: str


class BlockStop(_Event):
    type: Literal["block_stop"] = "block_stop"
    index: int


class UsageUpdate(_Event):
    type: Literal["usage"] = "usage"
    usage: Usage


class Finish(_Event):
    type: Literal["finish"] = "finish"
    stop_reason: StopReason
    stop_sequence: str | None = None


Event = (
    MessageStart
    | BlockStart
    | TextDelta
    | ThinkingDelta
    | SignatureDelta
    | ArgumentsDelta
    | BlockStop
    | UsageUpdate
    | Finish
)
