"""IR stream events -> Responses SSE: ``event: <type>`` + ``data: <json>`` frames, each with ``type``
and a ``sequence_number`` counting up from 0.

response.created and response.in_progress open the stream; every output item is announced by
response.output_item.added, filled by its deltas and closed by response.output_item.done; the last
event is response.completed (or response.incomplete) carrying the whole Response with usage.

An item is closed when the next one opens or the stream finishes, not at the block's end: that is
when it is known whether the next text block continues the same message (Anthropic citations split
text into several blocks), and whether the answer was cut off inside it (status incomplete).
The final Response lists exactly the items streamed, built by the same code as a JSON response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hyperinfer.errors import GatewayError
from hyperinfer.formats import sse
from hyperinfer.formats.envelopes import openai_error
from hyperinfer.formats.responses.encode import render_usage, response_object
from hyperinfer.formats.responses.output import (
    INCOMPLETE,
    function_call_item,
    item_id,
    message_item,
    reasoning_item,
    summary_part,
    text_part,
)
from hyperinfer.formats.responses.request import ResponsesRequest
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


@dataclass(slots=True)
class _Item:
    """The output item being streamed, and what its deltas added up to."""

    index: int
    block: TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock
    item: dict[str, Any]
    text: str = ""  # the current text part, or the reasoning summary
    arguments: str = ""
    signature: str = ""
    part_open: bool = False
    stopped: bool = False

    @property
    def id(self) -> str:
        return str(self.item["id"])

    def final(self, status: str) -> dict[str, Any]:
        match self.block:
            case ToolUseBlock():
                return {**self.item, "arguments": self.arguments, "status": status}
            case ThinkingBlock():
                signature = (self.block.signature or "") + self.signature
                update = {"thinking": self.text, "signature": signature or None}
                return reasoning_item(self.block.model_copy(update=update), self.id)
            case RedactedThinkingBlock():
                return dict(self.item)
        content = list(self.item["content"])
        if not self.stopped:  # cut off inside the part: keep what arrived of it
            content[-1] = text_part(self.text)
        return {**self.item, "status": status, "content": content}


class StreamEncoder:
    def __init__(self, view: View, *, request: ResponsesRequest | None = None) -> None:
        """``request``, the client's own, is echoed and names the namespaces of its function tools."""
        self.view = view
        self.request = request
        self._namespaces = request.namespaces() if request else {}
        self.usage = Usage()
        self._sequence = 0
        self._done: list[dict[str, Any]] = []  # closed items, in output order
        self._open: _Item | None = None

    def _frame(self, kind: str, **fields: Any) -> bytes:
        payload = {"type": kind, **fields, "sequence_number": self._sequence}
        self._sequence += 1
        return sse.event_frame(kind, payload)

    def _at(self, item: _Item) -> dict[str, Any]:
        return {"item_id": item.id, "output_index": item.index}

    def _current(self) -> _Item:
        if self._open is None:
            raise RuntimeError("a delta arrived outside a block")
        return self._open

    def encode(self, event: Event) -> list[bytes]:
        match event:
            case MessageStart():
                self.usage = event.usage
                snapshot = response_object(
                    self.view, status="in_progress", output=[], usage=None, request=self.request
                )
                return [
                    self._frame("response.created", response=snapshot),
                    self._frame("response.in_progress", response=snapshot),
                ]
            case BlockStart():
                return self._start(event.block)
            case TextDelta():
                return self._text(event.text)
            case ThinkingDelta():
                return self._thinking(event.thinking)
            case SignatureDelta():
                self._current().signature += event.signature
            case ArgumentsDelta():
                return self._arguments(event.partial_json)
            case BlockStop():
                return self._stop()
            case UsageUpdate():
                self.usage = event.usage
            case Finish():
                return self._finish(event)
        return []

    def done_items(self, items: list[dict[str, Any]]) -> list[bytes]:
        """Items already complete when announced (server-tool calls the gateway ran before the
        answer): added and done at once, and kept for ``response.completed``. Call it between
        blocks, right after the MessageStart."""
        frames: list[bytes] = []
        for item in items:
            index = len(self._done)
            frames.append(self._frame("response.output_item.added", output_index=index, item=item))
            frames.append(self._frame("response.output_item.done", output_index=index, item=item))
            self._done.append(item)
        return frames

    def _start(self, block: TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock) -> list[bytes]:
        open_ = self._open
        if isinstance(block, TextBlock) and open_ is not None and isinstance(open_.block, TextBlock):
            frames = self._stop()  # another text block: the next part of the same message
            open_.stopped, open_.block, open_.text = False, block, ""
        else:
            frames = self._close("completed")
            index = len(self._done)
            item = self._added(block, index)
            open_ = self._open = _Item(index=index, block=block, item=item)
            frames.append(self._frame("response.output_item.added", output_index=index, item=item))
        match block:
            case TextBlock():
                open_.item["content"].append(text_part(""))
                frames.append(
                    self._frame(
                        "response.content_part.added",
                        **self._at(open_),
                        content_index=len(open_.item["content"]) - 1,
                        part=text_part(""),
                    )
                )
                return frames + (self._text(block.text) if block.text else [])
            case ThinkingBlock() if block.thinking:
                return frames + self._thinking(block.thinking)
        return frames

    def _added(
        self, block: TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock, index: int
    ) -> dict[str, Any]:
        """The item as response.output_item.added shows it: in progress, nothing in it yet."""
        rid = self.view.response_id
        match block:
            case TextBlock():
                return message_item(item_id(rid, "msg", index), [], "in_progress")
            case ToolUseBlock():
                namespace = self._namespaces.get(block.name)
                return function_call_item(item_id(rid, "fc", index), block, "", "in_progress", namespace)
        return {**reasoning_item(block, item_id(rid, "rs", index)), "summary": []}

    def _text(self, text: str) -> list[bytes]:
        open_ = self._current()
        open_.text += text
        content_index = len(open_.item["content"]) - 1
        return [
            self._frame(
                "response.output_text.delta",
                **self._at(open_),
                content_index=content_index,
                delta=text,
                logprobs=[],
            )
        ]

    def _thinking(self, text: str) -> list[bytes]:
        open_ = self._current()
        frames: list[bytes] = []
        if not open_.part_open:  # a reasoning item without summary text has no summary part
            open_.part_open = True
            frames.append(
                self._frame(
                    "response.reasoning_summary_part.added",
                    **self._at(open_),
                    summary_index=0,
                    part=summary_part(""),
                )
            )
        open_.text += text
        frames.append(
            self._frame(
                "response.reasoning_summary_text.delta", **self._at(open_), summary_index=0, delta=text
            )
        )
        return frames

    def _arguments(self, partial_json: str) -> list[bytes]:
        open_ = self._current()
        open_.arguments += partial_json
        return [self._frame("response.function_call_arguments.delta", **self._at(open_), delta=partial_json)]

    def _stop(self) -> list[bytes]:
        open_ = self._open
        if open_ is None or open_.stopped:
            return []
        open_.stopped = True
        match open_.block:
            case TextBlock():
                content_index = len(open_.item["content"]) - 1
                part = open_.item["content"][content_index] = text_part(open_.text)
                return [
                    self._frame(
                        "response.output_text.done",
                        **self._at(open_),
                        content_index=content_index,
                        text=open_.text,
                        logprobs=[],
                    ),
                    self._frame(
                        "response.content_part.done",
                        **self._at(open_),
                        content_index=content_index,
                        part=part,
                    ),
                ]
            case ThinkingBlock() if open_.part_open:
                return [
                    self._frame(
                        "response.reasoning_summary_text.done",
                        **self._at(open_),
                        summary_index=0,
                        text=open_.text,
                    ),
                    self._frame(
                        "response.reasoning_summary_part.done",
                        **self._at(open_),
                        summary_index=0,
                        part=summary_part(open_.text),
                    ),
                ]
            case ToolUseBlock() as block:
                frames = []
                if not open_.arguments and block.input:  # the provider gave the input whole
                    frames = self._arguments(sse.compact(block.input))
                return [
                    *frames,
                    self._frame(
                        "response.function_call_arguments.done", **self._at(open_), arguments=open_.arguments
                    ),
                ]
        return []

    def _close(self, status: str) -> list[bytes]:
        open_ = self._open
        if open_ is None:
            return []
        frames = self._stop()
        item = open_.final(status)
        self._done.append(item)
        self._open = None
        return [*frames, self._frame("response.output_item.done", output_index=open_.index, item=item)]

    def _finish(self, event: Finish) -> list[bytes]:
        reason = INCOMPLETE.get(event.stop_reason)
        frames = self._close("incomplete" if reason else "completed")
        response = response_object(
            self.view,
            status="incomplete" if reason else "completed",
            output=self._done,
            usage=render_usage(self.usage, self.view.cost(self.usage)),
            request=self.request,
            incomplete_reason=reason,
        )
        kind = "response.incomplete" if reason else "response.completed"
        return [*frames, self._frame(kind, response=response)]

    def error(self, error: GatewayError, request_id: str) -> bytes:
        """An ``error`` event (which the openai SDKs raise on) and response.failed (which Codex reads).

        The error event carries OpenAI's documented flat fields and the nested ``error`` object the
        live API sends and the SDKs key on.
        """
        body = openai_error(error, request_id)["error"]
        output = [*self._done]
        if self._open is not None:
            output.append(self._open.final("incomplete"))
        failed = response_object(
            self.view,
            status="failed",
            output=output,
            usage=render_usage(self.usage, self.view.cost(self.usage)),
            request=self.request,
            error={"code": error.code.value, "message": error.message},
        )
        return self._frame(
            "error", code=error.code.value, message=error.message, param=error.param, error=body
        ) + self._frame("response.failed", response=failed)
