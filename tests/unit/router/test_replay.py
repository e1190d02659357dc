"""A finished answer told again as a stream folds back to itself; what counts as content."""

from __future__ import annotations

import pytest
from hyperinfer.ir.accumulate import Accumulator
from hyperinfer.ir.content import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock
from hyperinfer.ir.events import (
    BlockStart,
    Event,
    Finish,
    MessageStart,
    TextDelta,
    ThinkingDelta,
    UsageUpdate,
)
from hyperinfer.ir.response import Response
from hyperinfer.ir.usage import Usage
from hyperinfer.router.replay import events_of, is_content

ANSWER = Response(
    id="msg_1",
    model="anthropic/claude-haiku-4.5",
    content=(
        ThinkingBlock(thinking="Let me see… ✓", signature="sig=="),
        RedactedThinkingBlock(data="opaque"),
        TextBlock(text="Héllo 🚀"),
        ToolUseBlock(id="call_1", name="get_weather", input={"city": "Zürich"}),
    ),
    stop_reason="tool_use",
    usage=Usage(prompt_tokens=12, output_tokens=9),
)


def test_a_replayed_answer_folds_back_to_itself() -> None:
    folded = Accumulator()
    for event in events_of(ANSWER):
        folded.add(event)
    assert folded.response() == ANSWER


@pytest.mark.parametrize(
    ("event", "content"),
    [
        (MessageStart(id="m", model="x"), False),
        (BlockStart(index=0, block=TextBlock(text="")), False),
        (BlockStart(index=0, block=ThinkingBlock(thinking="")), False),
        (UsageUpdate(usage=Usage(prompt_tokens=3)), False),
        (TextDelta(index=0, text=""), False),
        (TextDelta(index=0, text="a"), True),
        (ThinkingDelta(index=0, thinking="h"), True),
        (BlockStart(index=0, block=ToolUseBlock(id="c", name="f", input={})), True),
        (Finish(stop_reason="end_turn"), True),
    ],
)
def test_lifecycle_events_are_not_content(event: Event, content: bool) -> None:
    assert is_content(event) is content
