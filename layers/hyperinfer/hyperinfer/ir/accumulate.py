"""Fold a stream of IR events into the IR response it stands for.

The gateway uses it to bill a stream and to answer a non-streaming client from a streaming
upstream; tests use it to compare streamed and non-streamed answers.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from hyperinfer.ir.content import OutputBlock
from hyperinfer.ir.events import (
    ArgumentsDelta,
    BlockStart,
    BlockStop,
    Event,
    Finish,
    MessageStart,
    SignatureDelta,
    TextDelta,
    ThinkingDelta,
    UsageUpdate,
)
from hyperinfer.ir.response import Response, StopReason
from hyperinfer.ir.usage import Usage

_OUTPUT: TypeAdapter[OutputBlock] = TypeAdapter(OutputBlock)


class Accumulator:
    def __init__(self) -> None:
        self.id = ""
        self.model = ""
        self.usage = Usage()
        self.stop_reason: StopReason | None = None
        self.stop_sequence: str | None = None
        self._blocks: dict[int, dict[str, Any]] = {}

    def add(self, event: Event) -> None:
        match event:
            case MessageStart():
                self.id, self.model, self.usage = event.id, event.model, event.usage
            case BlockStart():
                self._blocks[event.index] = {**event.block.model_dump(), "_args": ""}
            case TextDelta():
                self._blocks[event.index]["text"] += event.text
            case ThinkingDelta():
                self._blocks[event.index]["thinking"] += event.thinking
            case SignatureDelta():
                block = self._blocks[event.index]
                block["signature"] = (block.get("signature") or "") + event.signature
            case ArgumentsDelta():
                self._blocks[event.index]["_args"] += event.partial_json
            case UsageUpdate():
                self.usage = event.usage
            case Finish():
                self.stop_reason, self.stop_sequence = event.stop_reason, event.stop_sequence
            case BlockStop():
                pass

    @property
    def finished(self) -> bool:
        return self.stop_reason is not None

    def content(self) -> tuple[OutputBlock, ...]:
        out: list[OutputBlock] = []
        for index in sorted(self._blocks):
            raw = dict(self._blocks[index])
            args = raw.pop("_args")
            if raw["type"] == "tool_use" and args.strip():
                raw["input"] = json.loads(args)
            out.append(_OUTPUT.validate_python(raw))
        return tuple(out)

    def response(self) -> Response:
        if self.stop_reason is None:
            raise ValueError("the stream has not finished")
        return Response(
            id=self.id,
            model=self.model,
            content=self.content(),
            stop_reason=self.stop_reason,
            stop_sequence=self.stop_sequence,
            usage=self.usage,
        )
