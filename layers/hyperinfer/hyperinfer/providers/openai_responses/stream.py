"""OpenAI Responses SSE stream -> IR events.

Wire facts (OpenAI API reference, "Responses streaming"): every frame is ``event: <type>`` plus a
JSON ``data`` line whose ``type`` repeats it; there is no ``[DONE]``. A stream runs
``response.created``, ``response.in_progress``, then per output item ``response.output_item.added``
... ``response.output_item.done`` (with ``content_part.added`` / ``output_text.delta`` /
``content_part.done`` for message parts, ``function_call_arguments.delta`` / ``.done`` for calls,
``reasoning_summary_part.added`` / ``reasoning_summary_text.delta`` / ``.done`` for reasoning), and
ends with ``response.completed`` or ``response.incomplete`` (the full response, usage included),
or ``response.failed``; an ``error`` event reports a failure (documented flat, sent nested).

A reasoning item's final ``encrypted_content`` only arrives with ``output_item.done`` (the
``added`` event may hold an earlier, different value), and an IR block cannot gain it after its
BlockStart. So a reasoning item is buffered and emitted whole when it is done: its summary text
reaches the client at the end of the item rather than piece by piece.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.content import TextBlock, ToolUseBlock
from hyperinfer.ir.events import (
    ArgumentsDelta,
    BlockStart,
    BlockStop,
    Event,
    Finish,
    MessageStart,
    TextDelta,
    ThinkingDelta,
    UsageUpdate,
)
from hyperinfer.providers.openai_responses.decode import output_flags, stop_reason, text_block, thinking_block
from hyperinfer.providers.openai_responses.outcome import PROVIDER, failure, usage_from_responses
from hyperinfer.providers.sse import SSEEvent

Key = tuple[int, int]  # (output_index, content_index); function calls use content index -1
Payload = Mapping[str, Any]


@dataclass(slots=True)
class _Reasoning:
    summary: dict[int, str] = field(default_factory=dict)
    content: dict[int, str] = field(default_factory=dict)


class StreamDecoder:
    def __init__(self, hints: object = None, secrets: Iterable[str] = ()) -> None:
        self._secrets = tuple(secrets)
        self._started = self._finished = False
        self._blocks: dict[Key, int] = {}  # every IR block opened so far, by where it came from
        self._open: Key | None = None
        self._args_seen: set[int] = set()  # output indexes of calls whose arguments arrived
        self._reasoning: dict[int, _Reasoning] = {}
        self._tool_calls = self._refused = False

    def feed(self, event: SSEEvent) -> list[Event]:
        data = event.data.strip()
        if self._finished or not data or data == "[DONE]":
            return []
        try:
            payload = json.loads(data)
        except ValueError as exc:
            raise GatewayError(
                ErrorCode.PROVIDER_UNAVAILABLE,
                f"Upstream provider {PROVIDER!r} sent a frame that is not JSON",
            ) from exc
        handler = _HANDLERS.get(str(payload.get("type") or event.event))
        if handler is None:  # events for built-in tools, obfuscation-only frames, future additions
            return []
        out: list[Event] = []
        handler(self, payload, out)
        return out

    def close(self) -> list[Event]:
        if not self._finished:
            raise GatewayError(
                ErrorCode.PROVIDER_UNAVAILABLE,
                f"Upstream provider {PROVIDER!r} ended the stream before the response completed",
            )
        return []

    # -- blocks -------------------------------------------------------------------------------

    def _start(self, payload: Payload, out: list[Event]) -> None:
        if not self._started:
            self._started = True
            response = payload.get("response") or {}
            out.append(MessageStart(id=str(response.get("id") or ""), model=str(response.get("model") or "")))

    def _open_block(self, key: Key, block: TextBlock | ToolUseBlock, out: list[Event]) -> int:
        self._close(out)
        index = len(self._blocks)
        self._blocks[key], self._open = index, key
        out.append(BlockStart(index=index, block=block))
        return index

    def _close(self, out: list[Event], key: Key | None = None) -> None:
        if self._open is not None and (key is None or key == self._open):
            out.append(BlockStop(index=self._blocks[self._open]))
            self._open = None

    def _current(self, key: Key) -> int | None:
        """The IR index of the block for ``key`` if it is the open one; an item that comes back
        after another began would break the IR's no-overlap rule, so it is an upstream fault."""
        if key == self._open:
            return self._blocks[key]
        if key in self._blocks:
            raise GatewayError(
                ErrorCode.PROVIDER_UNAVAILABLE,
                f"Upstream provider {PROVIDER!r} interleaved output items in its stream",
            )
        return None

    def _text_index(self, payload: Payload, out: list[Event]) -> int:
        key = (int(payload.get("output_index") or 0), int(payload.get("content_index") or 0))
        index = self._current(key)
        return self._open_block(key, TextBlock(text=""), out) if index is None else index

    # -- handlers -----------------------------------------------------------------------------

    def _on_created(self, payload: Payload, out: list[Event]) -> None:
        self._start(payload, out)

    def _on_item_added(self, payload: Payload, out: list[Event]) -> None:
        self._start(payload, out)
        item, position = payload.get("item") or {}, int(payload.get("output_index") or 0)
        if item.get("type") == "reasoning":
            self._reasoning[position] = _Reasoning()
        elif item.get("type") == "function_call":
            self._tool_calls = True
            block = ToolUseBlock(id=str(item["call_id"]), name=str(item["name"]), input={})
            index = self._open_block((position, -1), block, out)
            self._arguments(position, index, str(item.get("arguments") or ""), out)

    def _arguments(self, position: int, index: int, text: str, out: list[Event]) -> None:
        if text:
            self._args_seen.add(position)
            out.append(ArgumentsDelta(index=index, partial_json=text))

    def _on_part_added(self, payload: Payload, out: list[Event]) -> None:
        self._start(payload, out)
        part = payload.get("part") or {}
        if part.get("type") not in ("output_text", "refusal"):
            return  # reasoning_text parts belong to a buffered reasoning item
        self._refused = self._refused or part.get("type") == "refusal"
        index = self._text_index(payload, out)
        initial = text_block(part).text
        if initial:
            out.append(TextDelta(index=index, text=initial))

    def _on_text_delta(self, payload: Payload, out: list[Event]) -> None:
        self._start(payload, out)
        self._refused = self._refused or payload.get("type") == "response.refusal.delta"
        index = self._text_index(payload, out)
        if payload.get("delta"):
            out.append(TextDelta(index=index, text=str(payload["delta"])))

    def _on_part_done(self, payload: Payload, out: list[Event]) -> None:
        key = (int(payload.get("output_index") or 0), int(payload.get("content_index") or 0))
        self._close(out, key)

    def _on_arguments_delta(self, payload: Payload, out: list[Event]) -> None:
        position = int(payload.get("output_index") or 0)
        index = self._current((position, -1))
        if index is None:
            raise GatewayError(
                ErrorCode.PROVIDER_UNAVAILABLE,
                f"Upstream provider {PROVIDER!r} streamed arguments for a function call it never announced",
            )
        self._arguments(position, index, str(payload.get("delta") or ""), out)

    def _on_arguments_done(self, payload: Payload, out: list[Event]) -> None:
        position = int(payload.get("output_index") or 0)
        index = self._current((position, -1))
        if index is not None and position not in self._args_seen:  # sent whole, without deltas
            self._arguments(position, index, str(payload.get("arguments") or ""), out)

    def _on_summary(self, payload: Payload, out: list[Event]) -> None:
        buffer = self._reasoning.setdefault(int(payload.get("output_index") or 0), _Reasoning())
        kind = str(payload.get("type"))
        parts = buffer.summary if ".reasoning_summary_" in kind else buffer.content
        slot = int(payload.get("summary_index", payload.get("content_index")) or 0)
        if kind.endswith(".delta"):
            parts[slot] = parts.get(slot, "") + str(payload.get("delta") or "")
        elif "text" in payload:  # *.done carries the whole text
            parts[slot] = str(payload["text"])
        else:
            parts.setdefault(slot, "")

    def _on_item_done(self, payload: Payload, out: list[Event]) -> None:
        self._start(payload, out)
        item, position = payload.get("item") or {}, int(payload.get("output_index") or 0)
        kind = item.get("type")
        if kind == "reasoning":
            self._emit_reasoning(position, item, out)
        elif kind == "function_call":
            self._finish_call(position, item, out)
        elif kind == "message":
            self._finish_message(position, item, out)

    def _emit_reasoning(self, position: int, item: Payload, out: list[Event]) -> None:
        """The whole reasoning item as one block: the done item is authoritative, the buffered
        deltas fill in what it leaves out."""
        buffer = self._reasoning.pop(position, _Reasoning())
        merged = dict(item)
        if not merged.get("summary") and buffer.summary:
            merged["summary"] = [
                {"type": "summary_text", "text": buffer.summary[k]} for k in sorted(buffer.summary)
            ]
        if not merged.get("content") and buffer.content:
            merged["content"] = [
                {"type": "reasoning_text", "text": buffer.content[k]} for k in sorted(buffer.content)
            ]
        block = thinking_block(merged)
        self._close(out)
        index = len(self._blocks)
        self._blocks[(position, -2)] = index
        out.append(BlockStart(index=index, block=block.model_copy(update={"thinking": ""})))
        if block.thinking:
            out.append(ThinkingDelta(index=index, thinking=block.thinking))
        out.append(BlockStop(index=index))

    def _finish_call(self, position: int, item: Payload, out: list[Event]) -> None:
        index = self._current((position, -1))
        if index is None:  # never announced: the done item is the whole call
            self._on_item_added({"item": item, "output_index": position}, out)
        elif position not in self._args_seen:
            self._arguments(position, index, str(item.get("arguments") or ""), out)
        self._close(out, (position, -1))

    def _finish_message(self, position: int, item: Payload, out: list[Event]) -> None:
        """Close the message's open part; parts that were never streamed are emitted whole."""
        for part_index, part in enumerate(item.get("content") or []):
            key = (position, part_index)
            if key in self._blocks or part.get("type") not in ("output_text", "refusal"):
                continue
            self._on_part_added({"part": part, "output_index": position, "content_index": part_index}, out)
        if self._open is not None and self._open[0] == position:
            self._close(out)

    def _on_terminal(self, payload: Payload, out: list[Event]) -> None:
        self._start(payload, out)
        for position in sorted(self._reasoning):  # reasoning items the stream never finished
            self._emit_reasoning(position, {"type": "reasoning"}, out)
        self._close(out)
        # The event names the outcome; the response's own status (when sent) says the same.
        status = "incomplete" if payload.get("type") == "response.incomplete" else "completed"
        response = {"status": status, **(payload.get("response") or {})}
        called, refused = output_flags(response.get("output") or [])
        reason = stop_reason(
            response, tool_calls=self._tool_calls or called, refused=self._refused or refused
        )
        out.append(UsageUpdate(usage=usage_from_responses(response.get("usage"))))
        out.append(Finish(stop_reason=reason))
        self._finished = True

    def _on_failed(self, payload: Payload, out: list[Event]) -> None:
        raise failure((payload.get("response") or {}).get("error"), self._secrets)

    def _on_error(self, payload: Payload, out: list[Event]) -> None:
        raise failure(payload, self._secrets)


_Handler = Callable[[StreamDecoder, Payload, list[Event]], None]
_HANDLERS: dict[str, _Handler] = {
    "response.created": StreamDecoder._on_created,
    "response.in_progress": StreamDecoder._on_created,
    "response.queued": StreamDecoder._on_created,
    "response.output_item.added": StreamDecoder._on_item_added,
    "response.content_part.added": StreamDecoder._on_part_added,
    "response.output_text.delta": StreamDecoder._on_text_delta,
    "response.refusal.delta": StreamDecoder._on_text_delta,
    "response.content_part.done": StreamDecoder._on_part_done,
    "response.function_call_arguments.delta": StreamDecoder._on_arguments_delta,
    "response.function_call_arguments.done": StreamDecoder._on_arguments_done,
    "response.reasoning_summary_part.added": StreamDecoder._on_summary,
    "response.reasoning_summary_text.delta": StreamDecoder._on_summary,
    "response.reasoning_summary_text.done": StreamDecoder._on_summary,
    "response.reasoning_text.delta": StreamDecoder._on_summary,
    "response.reasoning_text.done": StreamDecoder._on_summary,
    "response.output_item.done": StreamDecoder._on_item_done,
    "response.completed": StreamDecoder._on_terminal,
    "response.incomplete": StreamDecoder._on_terminal,
    "response.failed": StreamDecoder._on_failed,
    "error": StreamDecoder._on_error,
}
