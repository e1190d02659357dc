"""GenerateContentResponse objects into IR events: one shared path for a whole answer and a stream.

A stream is a sequence of full ``GenerateContentResponse`` objects, each carrying the next parts;
a whole answer is the same object once. Both go through ``ResponseFolder``, so the streamed and
non-streamed decodes of one answer agree by construction. Consecutive text (or thought) parts
join into one IR block; a signature ends the block it belongs to (see ``signatures``).

A signature on the answer's closing text is not kept. Gemini validates only function calls'
signatures, and a reasoning block after the answer's text is what clients that show an answer's
last block (Claude Code's ``-p``) would print: nothing. So a text's signature waits for the next
part, and the finish drops it. Only the first candidate is read: the gateway never asks for more.
"""

from __future__ import annotations

import json
from typing import Any

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
from hyperinfer.ir.response import StopReason
from hyperinfer.ir.usage import Usage
from hyperinfer.providers.gemini import signatures

Json = dict[str, Any]

# https://ai.google.dev/api/generate-content#FinishReason; STOP is also a stop sequence's reason,
# which Gemini does not tell apart, and a turn of function calls (see ResponseFolder.finish).
_FINISH: dict[str, StopReason] = {
    "STOP": "end_turn",
    "MAX_TOKENS": "max_tokens",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
    "IMAGE_PROHIBITED_CONTENT": "content_filter",
    "IMAGE_RECITATION": "content_filter",
    "LANGUAGE": "refusal",
}


def stop_reason(finish: str, *, called: bool) -> StopReason:
    """Anything unlisted (OTHER, MALFORMED_FUNCTION_CALL, TOO_MANY_TOOL_CALLS ...) ends the turn with
    what was produced: Gemini bills it, and no retry would give the same answer."""
    reason = _FINISH.get(finish, "end_turn")
    return "tool_use" if called and reason == "end_turn" else reason


def usage_from_gemini(raw: Json | None) -> Usage:
    """``promptTokenCount`` includes the cached tokens; ``candidatesTokenCount`` excludes thoughts."""
    if not raw:
        return Usage()
    prompt = int(raw.get("promptTokenCount") or 0) + int(raw.get("toolUsePromptTokenCount") or 0)
    cached = min(int(raw.get("cachedContentTokenCount") or 0), prompt)
    thoughts = int(raw.get("thoughtsTokenCount") or 0)
    return Usage(
        input_tokens=prompt - cached,
        cache_read_tokens=cached,
        output_tokens=int(raw.get("candidatesTokenCount") or 0) + thoughts,
        reasoning_tokens=thoughts,
    )


class ResponseFolder:
    def __init__(self) -> None:
        self.started = False
        self.finished = False
        self._response_id = ""
        self._usage: Json | None = None
        self._next_index = 0
        self._open: tuple[str, int] | None = None  # ("text" | "thinking", IR index)
        self._calls = 0
        self._text_signature: str | None = None  # a text part's, until another part follows it

    def feed(self, response: Json) -> list[Event]:
        """The events one GenerateContentResponse adds; Finish once a finish reason arrives."""
        if self.finished:
            return []
        events: list[Event] = []
        if not self.started:
            self.started = True
            self._response_id = str(response.get("responseId") or "")
            events.append(MessageStart(id=self._response_id, model=str(response.get("modelVersion") or "")))
        if response.get("usageMetadata"):
            self._usage = response["usageMetadata"]
        candidates = response.get("candidates") or []
        candidate: Json = candidates[0] if candidates else {}
        for part in (candidate.get("content") or {}).get("parts") or []:
            events += self._part(part)
        finish = candidate.get("finishReason")
        if finish:
            events += self.finish(str(finish))
        elif not candidates and (response.get("promptFeedback") or {}).get("blockReason"):
            events += self.finish("SAFETY")  # the prompt itself was blocked: no candidate at all
        return events

    def finish(self, finish: str) -> list[Event]:
        self.finished = True
        self._text_signature = None
        return [
            *self._close(),
            UsageUpdate(usage=usage_from_gemini(self._usage)),
            Finish(stop_reason=stop_reason(finish, called=self._calls > 0)),
        ]

    def _part(self, part: Json) -> list[Event]:
        signature = part.get("thoughtSignature") or None
        if isinstance(part.get("functionCall"), dict):
            return [*self._held(), *self._call(part["functionCall"], signature)]
        if "text" not in part:
            return []  # parts the IR has no output place for (inline images, executable code)
        text = str(part.get("text") or "")
        kind = "thinking" if part.get("thought") else "text"
        if not text and not signature:
            return []  # an empty piece says nothing
        events: list[Event] = self._held()
        if self._open is None or self._open[0] != kind:
            events += self._close()
            # Gemini shows summaries of its thoughts (includeThoughts), not the thoughts themselves;
            # the mark alone says the thought is Gemini's, to go back even if it is unsigned.
            thought = ThinkingBlock(thinking="", signature=signatures.THOUGHT, summary=True)
            block = thought if kind == "thinking" else TextBlock(text="")
            events.append(self._start(block, kind))
        assert self._open is not None
        index = self._open[1]
        if text:
            events.append(
                ThinkingDelta(index=index, thinking=text)
                if kind == "thinking"
                else TextDelta(index=index, text=text)
            )
        if signature and kind == "thinking":
            events.append(SignatureDelta(index=index, signature=signature))
            events += self._close()
        elif signature:
            events += self._close()
            self._text_signature = signature
        return events

    def _held(self) -> list[Event]:
        """The held text signature, now that a part follows the text it belongs to."""
        if self._text_signature is None:
            return []
        signature, self._text_signature = self._text_signature, None
        return self._signature(signature)

    def _call(self, call: Json, signature: str | None) -> list[Event]:
        events = self._close()
        name = str(call.get("name") or "")
        args = call.get("args") or {}
        call_id = call.get("id") or signatures.mint_call_id(self._response_id, self._calls, name, args)
        self._calls += 1
        index = self._next_index
        self._next_index += 1
        events += [
            BlockStart(index=index, block=ToolUseBlock(id=str(call_id), name=name, input={})),
            ArgumentsDelta(index=index, partial_json=json.dumps(args, ensure_ascii=False)),
            BlockStop(index=index),
        ]
        if signature:
            events += self._signature(signature)
        return events

    def _signature(self, signature: str) -> list[Event]:
        """The empty thinking block that carries a text or call part's signature, right after it."""
        index = self._next_index
        self._next_index += 1
        block = ThinkingBlock(thinking="", signature=signatures.part_signature(signature))
        return [BlockStart(index=index, block=block), BlockStop(index=index)]

    def _start(self, block: TextBlock | ThinkingBlock, kind: str) -> Event:
        index = self._next_index
        self._next_index += 1
        self._open = (kind, index)
        return BlockStart(index=index, block=block)

    def _close(self) -> list[Event]:
        if self._open is None:
            return []
        index = self._open[1]
        self._open = None
        return [BlockStop(index=index)]
