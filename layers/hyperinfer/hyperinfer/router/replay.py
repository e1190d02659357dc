"""IR events, both ways the router needs them: a finished response told again as a stream (a cache
hit for a streaming client), and whether an event is real content (the point after which a stream
can no longer fall back)."""

from __future__ import annotations

import json

from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolUseBlock
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
from hyperinfer.ir.response import Response
from hyperinfer.ir.usage import Usage


def events_of(response: Response) -> list[Event]:
    """The stream a provider would have sent for ``response``; folding it gives ``response`` back."""
    events: list[Event] = [MessageStart(id=response.id, model=response.model, usage=Usage())]
    for index, block in enumerate(response.content):
        match block:
            case TextBlock():
                events.append(BlockStart(index=index, block=block.model_copy(update={"text": ""})))
                if block.text:
                    events.append(TextDelta(index=index, text=block.text))
            case ThinkingBlock():
                start = block.model_copy(update={"thinking": "", "signature": None})
                events.append(BlockStart(index=index, block=start))
                if block.thinking:
                    events.append(ThinkingDelta(index=index, thinking=block.thinking))
                if block.signature:
                    events.append(SignatureDelta(index=index, signature=block.signature))
            case ToolUseBlock():
                events.append(BlockStart(index=index, block=block.model_copy(update={"input": {}})))
                events.append(ArgumentsDelta(index=index, partial_json=json.dumps(block.input)))
            case _:  # redacted thinking: whole in its start
                events.append(BlockStart(index=index, block=block))
        events.append(BlockStop(index=index))
    events.append(UsageUpdate(usage=response.usage))
    events.append(Finish(stop_reason=response.stop_reason, stop_sequence=response.stop_sequence))
    return events


def is_content(event: Event) -> bool:
    """Whether a client shown this event has seen part of an answer. A message start, an empty
    block start and a usage figure are lifecycle: held back, they can still be taken back."""
    match event:
        case TextDelta() | ThinkingDelta():
            return bool(event.text if isinstance(event, TextDelta) else event.thinking)
        case ArgumentsDelta() | SignatureDelta() | Finish():
            return True
        case BlockStart():
            block = event.block
            return not (isinstance(block, TextBlock) and not block.text) and not (
                isinstance(block, ThinkingBlock) and not block.thinking
            )
        case _:
            return False
