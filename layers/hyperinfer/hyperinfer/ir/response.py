"""The canonical response: content blocks, why generation stopped, and normalised usage."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from hyperinfer.ir.content import OutputBlock
from hyperinfer.ir.usage import Usage

StopReason = Literal["end_turn", "max_tokens", "tool_use", "stop_sequence", "refusal", "content_filter"]


class Response(BaseModel):
    # defer_build: a same-format (passthrough) request never touches the IR, so its validators are
    # built on first use rather than at import, which every cold start would pay.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str
    model: str
    content: tuple[OutputBlock, ...]
    stop_reason: StopReason
    stop_sequence: str | None = None
    usage: Usage
    created: int | None = None
