"""A ConverseStream event stream into IR events.

Bedrock sends ``messageStart``, per block ``contentBlockStart`` (tool calls only) /
``contentBlockDelta`` / ``contentBlockStop``, then ``messageStop`` (the stop reason) and
``metadata`` (usage); an exception message (``throttlingException`` ...) ends a failed stream
(https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html).

Text and reasoning blocks have no start event: the first delta at a new index opens them. Upstream
indexes are renumbered so IR indexes count 0, 1, 2 ... in output order; Usage and Finish wait for
``metadata``, so a stream cut after ``messageStop`` has not finished (its usage is unknown).
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
from hyperinfer.providers.bedrock.decode import stop_reason, stop_sequence, usage_from_bedrock
from hyperinfer.providers.bedrock.errors import PROVIDER, stream_error
from hyperinfer.providers.bedrock.eventstream import EXCEPTION_PREFIX
from hyperinfer.providers.bedrock.hints import DecodeHints
from hyperinfer.providers.errors import stream_broken, stream_object
from hyperinfer.providers.sse import SSEEvent


class StreamDecoder:
    def __init__(self, hints: DecodeHints | None = None, secrets: Iterable[str] = ()) -> None:
        self._hints = hints or DecodeHints()
        self._secrets = tuple(secrets)
        self._started = False
        self._finished = False
        self._stop: str | None = None
        self._fields: Any = None
        self._real_tool_called = False
        self._next_index = 0
        self._open: tuple[int, int, str] | None = None  # (upstream index, IR index, kind)

    def feed(self, event: SSEEvent) -> list[Event]:
        name = event.event or ""
        if name.startswith(EXCEPTION_PREFIX):
            raise stream_error(PROVIDER, name.removeprefix(EXCEPTION_PREFIX), event.data, self._secrets)
        if self._finished:
            return []
        payload = stream_object(PROVIDER, event.data) if event.data.strip() else {}
        if name == "messageStart":
            if self._started:
                raise stream_broken(PROVIDER, "sent messageStart twice")
            self._started = True
            return [MessageStart(id="", model="")]
        if not self._started:
            raise stream_broken(PROVIDER, f"sent {name!r} before messageStart")
        match name:
            case "contentBlockStart":
                return self._start(payload)
            case "contentBlockDelta":
                return self._delta(payload)
            case "contentBlockStop":
                return self._stop_block(payload)
            case "messageStop":
                self._stop = payload.get("stopReason") or "end_turn"
                self._fields = payload.get("additionalModelResponseFields")
                return self._close_open()
            case "metadata":
                return self._metadata(payload)
        return []  # event types added after this was written

    def close(self) -> list[Event]:
        if not self._finished:
            raise stream_broken(PROVIDER, "stream ended before the message finished")
        return []

    def _start(self, payload: dict[str, Any]) -> list[Event]:
        tool = (payload.get("start") or {}).get("toolUse")
        if not isinstance(tool, dict):
            return []  # a start of a kind the IR has no place for: its deltas open nothing
        upstream = int(payload.get("contentBlockIndex", -1))
        if self._hints.structured_tool and tool.get("name") == self._hints.structured_tool:
            return self._open_block(upstream, "json", TextBlock(text=""))
        self._real_tool_called = True
        block = ToolUseBlock(id=tool.get("toolUseId") or "", name=tool.get("name") or "", input={})
        return self._open_block(upstream, "tool", block)

    def _delta(self, payload: dict[str, Any]) -> list[Event]:
        upstream = int(payload.get("contentBlockIndex", -1))
        delta = payload.get("delta") or {}
        events: list[Event] = []
        if "text" in delta:
            events += self._ensure(upstream, "text")
            if self._open and self._open[2] == "text" and delta["text"]:
                events.append(TextDelta(index=self._open[1], text=delta["text"]))
        elif "toolUse" in delta:
            piece = (delta["toolUse"] or {}).get("input") or ""
            if self._open and self._open[0] == upstream and piece:
                index, kind = self._open[1], self._open[2]
                events.append(
                    TextDelta(index=index, text=piece)
                    if kind == "json"
                    else ArgumentsDelta(index=index, partial_json=piece)
                )
        elif "reasoningContent" in delta:
            events += self._reasoning(upstream, delta["reasoningContent"] or {})
        return events

    def _reasoning(self, upstream: int, delta: dict[str, Any]) -> list[Event]:
        if "redactedContent" in delta:
            block = RedactedThinkingBlock(data=delta.get("redactedContent") or "")
            return [*self._open_block(upstream, "redacted", block)]
        events = self._ensure(upstream, "thinking")
        if not self._open or self._open[2] != "thinking":
            return events
        index = self._open[1]
        if delta.get("text"):
            events.append(ThinkingDelta(index=index, thinking=delta["text"]))
        if delta.get("signature"):
            events.append(SignatureDelta(index=index, signature=delta["signature"]))
        return events

    def _ensure(self, upstream: int, kind: str) -> list[Event]:
        """Open a text or thinking block at ``upstream`` unless that block is already open."""
        if self._open is not None and self._open[0] == upstream:
            return []
        block = TextBlock(text="") if kind == "text" else ThinkingBlock(thinking="")
        return self._open_block(upstream, kind, block)

    def _open_block(
        self,
        upstream: int,
        kind: str,
        block: TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock,
    ) -> list[Event]:
        events = self._close_open()
        index = self._next_index
        self._next_index += 1
        self._open = (upstream, index, kind)
        events.append(BlockStart(index=index, block=block))
        return events

    def _stop_block(self, payload: dict[str, Any]) -> list[Event]:
        if self._open is None or self._open[0] != payload.get("contentBlockIndex"):
            return []
        return self._close_open()

    def _metadata(self, payload: dict[str, Any]) -> list[Event]:
        if self._stop is None:
            raise stream_broken(PROVIDER, "sent metadata before messageStop")
        events = self._close_open()
        self._finished = True
        stop = stop_reason(self._stop, real_tool_called=self._real_tool_called)
        return [
            *events,
            UsageUpdate(usage=usage_from_bedrock(payload.get("usage"))),
            Finish(stop_reason=stop, stop_sequence=stop_sequence(stop, self._fields)),
        ]

    def _close_open(self) -> list[Event]:
        if self._open is None:
            return []
        index = self._open[1]
        self._open = None
        return [BlockStop(index=index)]
