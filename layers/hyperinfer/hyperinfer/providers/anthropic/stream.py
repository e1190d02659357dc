"""An Anthropic Messages SSE stream into IR events.

Anthropic sends ``message_start``, then per block ``content_block_start`` / ``content_block_delta`` /
``content_block_stop``, then ``message_delta`` (stop reason, cumulative usage) and ``message_stop``;
``ping`` may come anywhere and an ``error`` event ends a failed stream
(https://docs.anthropic.com/en/docs/build-with-claude/streaming).

Upstream block indexes are renumbered: blocks the IR has no place for are skipped, so IR indexes
stay 0, 1, 2 ... in output order. Usage and Finish wait for ``message_stop``: a stream cut after
``message_delta`` has not finished.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
from hyperinfer.providers.anthropic.decode import final_stop
from hyperinfer.providers.anthropic.errors import PROVIDER, stream_error
from hyperinfer.providers.anthropic.hints import DecodeHints
from hyperinfer.providers.anthropic.usage import usage_from_anthropic
from hyperinfer.providers.errors import stream_broken, stream_object
from hyperinfer.providers.sse import SSEEvent

_StartBlock = TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock


class StreamDecoder:
    def __init__(self, hints: DecodeHints | None = None, secrets: Iterable[str] = ()) -> None:
        self._hints = hints or DecodeHints()
        self._secrets = tuple(secrets)
        self._started = False
        self._finished = False
        self._usage: dict[str, Any] = {}  # raw Anthropic usage, later fields overriding earlier ones
        self._stop: str | None = None
        self._stop_sequence: str | None = None
        self._real_tool_called = False
        self._next_index = 0
        self._open: tuple[int, int, str] | None = None  # (upstream index, IR index, kind) of the open block

    def feed(self, event: SSEEvent) -> list[Event]:
        if self._finished or not event.data.strip():
            return []
        payload = stream_object(PROVIDER, event.data)
        kind = payload.get("type") or event.event
        if kind == "error":
            raise stream_error(payload, self._secrets)
        if kind == "message_start":
            return self._message_start(payload.get("message") or {})
        if kind == "ping":
            return []
        if not self._started:
            raise stream_broken(PROVIDER, f"sent {kind!r} before message_start")
        match kind:
            case "content_block_start":
                return self._block_start(payload)
            case "content_block_delta":
                return self._delta(payload)
            case "content_block_stop":
                return self._block_stop(payload)
            case "message_delta":
                self._message_delta(payload)
            case "message_stop":
                return self._message_stop()
        return []  # event types added after this was written

    def close(self) -> list[Event]:
        if not self._finished:
            raise stream_broken(PROVIDER, "stream ended before the message finished")
        return []

    def _message_start(self, message: dict[str, Any]) -> list[Event]:
        if self._started:
            raise stream_broken(PROVIDER, "sent message_start twice")
        self._started = True
        self._usage = dict(message.get("usage") or {})
        return [
            MessageStart(
                id=message.get("id") or "",
                model=message.get("model") or "",
                usage=usage_from_anthropic(self._usage),
            )
        ]

    def _block_start(self, payload: dict[str, Any]) -> list[Event]:
        events = self._close_open()
        started = self._ir_block(payload.get("content_block") or {})
        if started is None:
            return events  # a block the IR has no place for: its deltas and stop are ignored
        kind, block, follow = started
        index = self._next_index
        self._next_index += 1
        self._open = (int(payload.get("index", -1)), index, kind)
        events.append(BlockStart(index=index, block=block))
        if follow:  # Anthropic starts blocks empty; keep any text it did not
            events.append(self._text_event(kind, index, follow))
        return events

    def _ir_block(self, raw: dict[str, Any]) -> tuple[str, _StartBlock, str] | None:
        """(kind, the empty IR block, text already in the start event) or None for a skipped block."""
        match raw.get("type"):
            case "text":
                return "text", TextBlock(text=""), raw.get("text") or ""
            case "thinking":
                signature = raw.get("signature") or None
                return "thinking", ThinkingBlock(thinking="", signature=signature), raw.get("thinking") or ""
            case "redacted_thinking":
                return "redacted", RedactedThinkingBlock(data=raw.get("data") or ""), ""
            case "tool_use" if self._hints.structured_tool and raw.get("name") == self._hints.structured_tool:
                return "json", TextBlock(text=""), ""
            case "tool_use":
                self._real_tool_called = True
                tool = ToolUseBlock(
                    id=raw.get("id") or "", name=raw.get("name") or "", input=raw.get("input") or {}
                )
                return "tool", tool, ""
        return None

    def _delta(self, payload: dict[str, Any]) -> list[Event]:
        if self._open is None or self._open[0] != payload.get("index"):
            return []  # a delta of a skipped block
        _, index, kind = self._open
        delta = payload.get("delta") or {}
        match delta.get("type"):
            case "text_delta" if delta.get("text"):
                return [TextDelta(index=index, text=delta["text"])]
            case "thinking_delta" if delta.get("thinking"):
                return [ThinkingDelta(index=index, thinking=delta["thinking"])]
            case "signature_delta" if delta.get("signature"):
                return [SignatureDelta(index=index, signature=delta["signature"])]
            case "input_json_delta" if delta.get("partial_json"):
                piece = delta["partial_json"]
                if kind == "json":
                    return [TextDelta(index=index, text=piece)]
                return [ArgumentsDelta(index=index, partial_json=piece)]
        return []  # citations_delta and empty pieces

    def _block_stop(self, payload: dict[str, Any]) -> list[Event]:
        if self._open is None or self._open[0] != payload.get("index"):
            return []
        return self._close_open()

    def _message_delta(self, payload: dict[str, Any]) -> None:
        delta = payload.get("delta") or {}
        self._stop = delta.get("stop_reason") or self._stop
        self._stop_sequence = delta.get("stop_sequence")
        usage = payload.get("usage") or {}
        # Cumulative counts: a field present here replaces message_start's (the TTL split may stay
        # from message_start; usage_from_anthropic keeps it within the total).
        self._usage.update({key: value for key, value in usage.items() if value is not None})

    def _message_stop(self) -> list[Event]:
        events = self._close_open()
        self._finished = True
        stop = final_stop(self._stop, real_tool_called=self._real_tool_called)
        return [
            *events,
            UsageUpdate(usage=usage_from_anthropic(self._usage)),
            Finish(stop_reason=stop, stop_sequence=self._stop_sequence if stop == "stop_sequence" else None),
        ]

    def _close_open(self) -> list[Event]:
        if self._open is None:
            return []
        index = self._open[1]
        self._open = None
        return [BlockStop(index=index)]

    @staticmethod
    def _text_event(kind: str, index: int, text: str) -> Event:
        return (
            ThinkingDelta(index=index, thinking=text)
            if kind == "thinking"
            else TextDelta(index=index, text=text)
        )
