"""A whole response as the events a stream of it would have carried, for answers that were complete
before the client's stream began (the server-tool loop calls the model without streaming)."""

from __future__ import annotations

import json

from hyperinfer.ir.content import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.events import (
    ArgumentsDelta,
    BlockStart,
    BlockStop,
    Event,
    Finish,
    SignatureDelta,
    TextDelta,
    ThinkingDelta,
    UsageUpdate,
)
from hyperinfer.ir.response import Response


def block_events(response: Response, first_index: int = 0) -> list[Event]:
    """Every block's start, deltas and stop (indexes from ``first_index``), then usage and finish."""
    events: list[Event] = []
    for offset, block in enumerate(response.content):
        index = first_index + offset
        match block:
            case TextBlock():
                events += [
                    BlockStart(index=index, block=TextBlock(text="")),
                    TextDelta(index=index, text=block.text),
                ]
            case ThinkingBlock():
                empty = block.model_copy(update={"thinking": "", "signature": None})
                events += [
                    BlockStart(index=index, block=empty),
                    ThinkingDelta(index=index, thinking=block.thinking),
                ]
                if block.signature:
                    events.append(SignatureDelta(index=index, signature=block.signature))
            case ToolUseBlock():
                events += [
                    BlockStart(index=index, block=block.model_copy(update={"input": {}})),
                    ArgumentsDelta(index=index, partial_json=json.dumps(block.input, ensure_ascii=False)),
                ]
            case RedactedThinkingBlock():
                events.append(BlockStart(index=index, block=block))
        events.append(BlockStop(index=index))
    events += [
        UsageUpdate(usage=response.usage),
        Finish(stop_reason=response.stop_reason, stop_sequence=response.stop_sequence),
    ]
    return events
