"""IR stream events -> Chat Completions chunks: a role frame, deltas, a finish frame, a usage-only
chunk (always), then [DONE]."""

from __future__ import annotations

from typing import Any

from hyperinfer.errors import GatewayError
from hyperinfer.formats.chat_completions import sse
from hyperinfer.formats.chat_completions.encode import FINISH
from hyperinfer.formats.chat_completions.usage import render_usage
from hyperinfer.formats.envelopes import openai_error
from hyperinfer.formats.view import View
from hyperinfer.ir.content import ToolUseBlock
from hyperinfer.ir.events import (
    ArgumentsDelta,
    BlockStart,
    Event,
    Finish,
    MessageStart,
    TextDelta,
    ThinkingDelta,
    UsageUpdate,
)
from hyperinfer.ir.usage import Usage

KEEPALIVE = sse.KEEPALIVE


class StreamEncoder:
    def __init__(self, view: View, *, request: object = None) -> None:
        self.view = view
        self.usage = Usage()
        self._tool_of_block: dict[int, int] = {}  # IR block index -> chat tool_calls index

    def _chunk(self, delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return sse.frame(sse.chunk(self.view.response_id, self.view.created, self.view.model, [choice]))

    def encode(self, event: Event) -> list[bytes]:
        match event:
            case MessageStart():
                return [self._chunk({"role": "assistant", "content": ""})]
            case BlockStart(block=ToolUseBlock() as block):
                position = self._tool_of_block[event.index] = len(self._tool_of_block)
                call = {
                    "index": position,
                    "id": block.id,
                    "type": "function",
                    "function": {"name": block.name, "arguments": ""},
                }
                return [self._chunk({"tool_calls": [call]})]
            case TextDelta():
                return [self._chunk({"content": event.text})]
            case ThinkingDelta():
                return [self._chunk({"reasoning": event.thinking})]
            case ArgumentsDelta():
                call = {
                    "index": self._tool_of_block[event.index],
                    "function": {"arguments": event.partial_json},
                }
                return [self._chunk({"tool_calls": [call]})]
            case UsageUpdate():
                self.usage = event.usage
            case Finish():
                usage = render_usage(self.usage, self.view.cost(self.usage))
                final = sse.chunk(self.view.response_id, self.view.created, self.view.model, [], usage)
                return [self._chunk({}, FINISH[event.stop_reason]), sse.frame(final), sse.DONE]
        return []  # block starts of text/thinking, block stops, signatures: nothing to say in chat

    def error(self, error: GatewayError, request_id: str) -> bytes:
        return sse.frame(openai_error(error, request_id))
