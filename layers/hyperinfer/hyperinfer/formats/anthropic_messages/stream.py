"""IR events as Anthropic's SSE protocol (https://docs.anthropic.com/en/docs/build-with-claude/streaming).

``message_start`` (with usage, as Anthropic always sends it) and a ``ping``; per block
``content_block_start`` / ``content_block_delta`` / ``content_block_stop``; ``message_delta`` with the
stop reason and the final usage (cost included); ``message_stop``. Every frame is
``event: <type>`` + ``data: <json>``.

Signatures are held until the block ends and sent as one ``signature_delta``, as Anthropic does:
the SDK keeps only the last signature_delta of a block, so pieces must not go out one by one.

KEEPALIVE is an SSE comment, as seed 001 specifies ("keep-alive comments every 15 s"); every SSE
parser skips comments, the Anthropic SDK included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hyperinfer.errors import GatewayError
from hyperinfer.formats import sse
from hyperinfer.formats.anthropic_messages import signature
from hyperinfer.formats.anthropic_messages.encode import STOP_REASON, render_usage
from hyperinfer.formats.envelopes import anthropic_error
from hyperinfer.formats.view import View
from hyperinfer.ir.content import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock
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
from hyperinfer.ir.usage import Usage

KEEPALIVE = sse.KEEPALIVE


def frame(payload: dict[str, Any]) -> bytes:
    return sse.event_frame(payload["type"], payload)


def _delta(index: int, delta: dict[str, Any]) -> bytes:
    return frame({"type": "content_block_delta", "index": index, "delta": delta})


@dataclass(slots=True)
class _Open:
    """The block being streamed, and what it still owes the client when it stops."""

    index: int
    block: TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock
    signature: str = ""
    arguments: str = ""


class StreamEncoder:
    def __init__(self, view: View, *, request: object = None) -> None:
        self._view = view
        self._usage = Usage()
        self._open: _Open | None = None

    def encode(self, event: Event) -> list[bytes]:
        match event:
            case MessageStart():
                return self._message_start(event)
            case BlockStart():
                return self._block_start(event)
            case TextDelta():
                self._current(event.index)
                return [_delta(event.index, {"type": "text_delta", "text": event.text})] if event.text else []
            case ThinkingDelta():
                self._current(event.index)
                delta = {"type": "thinking_delta", "thinking": event.thinking}
                return [_delta(event.index, delta)] if event.thinking else []
            case SignatureDelta():
                self._current(event.index).signature += event.signature
                return []
            case ArgumentsDelta():
                self._current(event.index).arguments += event.partial_json
                delta = {"type": "input_json_delta", "partial_json": event.partial_json}
                return [_delta(event.index, delta)] if event.partial_json else []
            case BlockStop():
                return self._block_stop(event)
            case UsageUpdate():
                self._usage = event.usage
                return []
            case Finish():
                return self._finish(event)
        return []

    def error(self, error: GatewayError, request_id: str) -> bytes:
        return frame(anthropic_error(error, request_id))

    def _current(self, index: int) -> _Open:
        if self._open is None or self._open.index != index:
            raise ValueError(f"IR stream: event for block {index}, which is not the open block")
        return self._open

    def _message_start(self, event: MessageStart) -> list[bytes]:
        self._usage = event.usage
        message: dict[str, Any] = {
            "id": self._view.response_id,
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": self._view.model,
            "stop_reason": None,
            "stop_sequence": None,
            "usage": render_usage(event.usage),
        }
        return [frame({"type": "message_start", "message": message}), frame({"type": "ping"})]

    def _block_start(self, event: BlockStart) -> list[bytes]:
        if self._open is not None:
            raise ValueError(f"IR stream: block {event.index} starts before block {self._open.index} stops")
        block = event.block
        self._open = _Open(event.index, block)
        out: list[bytes] = []
        match block:
            case TextBlock():
                start: dict[str, Any] = {"type": "text", "text": ""}
                if block.citations:
                    start["citations"] = []
                out.append(_start(event.index, start))
                out += [
                    _delta(event.index, {"type": "citations_delta", "citation": c})
                    for c in block.citations or ()
                ]
                if block.text:
                    out.append(_delta(event.index, {"type": "text_delta", "text": block.text}))
            case ThinkingBlock():
                out.append(_start(event.index, {"type": "thinking", "thinking": "", "signature": ""}))
                if block.thinking:
                    out.append(_delta(event.index, {"type": "thinking_delta", "thinking": block.thinking}))
            case RedactedThinkingBlock():
                out.append(_start(event.index, {"type": "redacted_thinking", "data": block.data}))
            case ToolUseBlock():
                tool = {"type": "tool_use", "id": block.id, "name": block.name, "input": {}}
                out.append(_start(event.index, tool))
        return out

    def _block_stop(self, event: BlockStop) -> list[bytes]:
        current = self._current(event.index)
        self._open = None
        out: list[bytes] = []
        block = current.block
        if isinstance(block, ThinkingBlock):
            # What the start carried plus the streamed pieces (as ir.Accumulator joins them), else
            # OpenAI's carry-over packed as a signature.
            sig = (block.signature or "") + current.signature or signature.pack(block)
            if sig:
                out.append(_delta(event.index, {"type": "signature_delta", "signature": sig}))
        elif isinstance(block, ToolUseBlock) and block.input and not current.arguments.strip():
            # The arguments came whole with the start (ir.Accumulator: non-blank deltas replace them).
            partial = sse.compact(block.input)
            out.append(_delta(event.index, {"type": "input_json_delta", "partial_json": partial}))
        out.append(frame({"type": "content_block_stop", "index": event.index}))
        return out

    def _finish(self, event: Finish) -> list[bytes]:
        if self._open is not None:
            raise ValueError(f"IR stream: finish while block {self._open.index} is open")
        usage = render_usage(self._usage, self._view.cost(self._usage))
        del usage["cache_creation"]  # message_delta carries the totals only, as Anthropic sends them
        delta = {
            "type": "message_delta",
            "delta": {"stop_reason": STOP_REASON[event.stop_reason], "stop_sequence": event.stop_sequence},
            "usage": usage,
        }
        return [frame(delta), frame({"type": "message_stop"})]


def _start(index: int, block: dict[str, Any]) -> bytes:
    return frame({"type": "content_block_start", "index": index, "content_block": block})
