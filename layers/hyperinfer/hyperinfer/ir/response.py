"""The canonical response: content blocks, why generation stopped, and normalised usage."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from hyperinfer.ir.content import OutputBlock
from hyperinfer.ir.usage import Usage

StopReason = Literal["end_turn", "max_tokens", "tool_use", "stop_sequence", "refusal", "content_filter"]


class Response(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    model: str
    content: tuple[OutputBlock, ...]
    stop_reason: StopReason
    stop_sequence: str | None = None
    usage: Usage
    created: int | None = None
