"""OpenAI Chat Completions chunks -> IR stream events.

Chat deltas can switch between reasoning, text and tool calls at any chunk; the IR wants blocks
that never overlap, so the decoder closes the open block whenever the kind of delta changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.ir.content import TextBlock, ThinkingBlock, ToolUseBlock
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
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.errors import error_message, upstream_error
from hyperinfer.providers.openai_chat import usage_from_openai
from hyperinfer.providers.openai_chat.decode import reasoning_text, stop_reason
from hyperinfer.providers.sse import SSEEvent

PROVIDER = "openai"


class StreamDecoder:
    provider = PROVIDER  # named in upstream error messages

    def __init__(self, hints: object = None, secrets: Iterable[str] = ()) -> None:
        self._secrets = tuple(secrets)
        self._started = False
        self._open: tuple[str, int | None] | None = None  # (kind, tool index) of the open block
        self._index = -1
        self._tools: dict[int, int] = {}  # upstream tool_calls index -> IR block index
        self._finish: str | None = None
        self._refused = False
        self._usage = Usage()
        self._done = False

    def feed(self, event: SSEEvent) -> list[Event]:
        if self._done:
            return []
        if event.data.strip() == "[DONE]":
            return self._end()
        return self.feed_payload(json.loads(event.data), event.data)

    def feed_payload(self, payload: dict[str, Any], raw: str) -> list[Event]:
        """One parsed chunk (``raw`` its text, for error messages): compatible servers' decoders
        reshape a chunk into OpenAI's before handing it here."""
        if "error" in payload:
            _, kind = error_message(raw.encode())
            raise upstream_error(
                self.provider, 429 if "rate_limit" in kind else 500, raw.encode(), {}, self._secrets
            )
        out: list[Event] = []
        if not self._started:
            self._started = True
            out.append(MessageStart(id=str(payload.get("id", "")), model=str(payload.get("model", ""))))
        if payload.get("usage"):
            self._usage = usage_from_openai(payload["usage"])
        for choice in payload.get("choices") or []:
            out += self._delta(choice.get("delta") or {})
            if choice.get("finish_reason"):
                self._finish = choice["finish_reason"]
        return out

    def close(self) -> list[Event]:
        if self._done:
            return []
        if self._finish is None:
            raise GatewayError(
                ErrorCode.PROVIDER_UNAVAILABLE, "Upstream stream ended before the completion finished."
            )
        return self._end()  # some OpenAI-compatible servers finish without [DONE]

    def _end(self) -> list[Event]:
        if not self._started:
            raise GatewayError(ErrorCode.PROVIDER_UNAVAILABLE, "Upstream stream ended before it began.")
        self._done = True
        out = self._stop()
        return [
            *out,
            UsageUpdate(usage=self._usage),
            Finish(stop_reason=stop_reason(self._finish, self._refused)),
        ]

    def _delta(self, delta: dict[str, Any]) -> list[Event]:
        out: list[Event] = []
        thinking = reasoning_text(delta)
        if thinking:
            out += self._switch("thinking", None, ThinkingBlock(thinking=""))
            out.append(ThinkingDelta(index=self._index, thinking=thinking))
        for field in ("content", "refusal"):
            if delta.get(field):
                self._refused |= field == "refusal"
                out += self._switch("text", None, TextBlock(text=""))
                out.append(TextDelta(index=self._index, text=delta[field]))
        for call in delta.get("tool_calls") or []:
            out += self._tool_call(call)
        return out

    def _tool_call(self, call: dict[str, Any]) -> list[Event]:
        upstream_index = int(call.get("index", 0))
        function = call.get("function") or {}
        out: list[Event] = []
        if upstream_index not in self._tools:
            block = ToolUseBlock(
                id=call.get("id") or f"call_{upstream_index}", name=function.get("name", ""), input={}
            )
            out += self._switch("tool", upstream_index, block)
            self._tools[upstream_index] = self._index
        elif self._open != ("tool", upstream_index):
            raise GatewayError(ErrorCode.PROVIDER_UNAVAILABLE, "Upstream interleaved tool-call arguments.")
        if function.get("arguments"):
            out.append(ArgumentsDelta(index=self._tools[upstream_index], partial_json=function["arguments"]))
        return out

    def _switch(
        self, kind: str, tool: int | None, block: TextBlock | ThinkingBlock | ToolUseBlock
    ) -> list[Event]:
        if self._open == (kind, tool):
            return []
        out = self._stop()
        self._index += 1
        self._open = (kind, tool)
        return [*out, BlockStart(index=self._index, block=block)]

    def _stop(self) -> list[Event]:
        if self._open is None:
            return []
        self._open = None
        return [BlockStop(index=self._index)]
