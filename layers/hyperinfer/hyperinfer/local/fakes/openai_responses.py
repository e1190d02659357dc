"""OpenAI Responses, as api.openai.com speaks it: response objects, semantic event streams, errors.

Shapes follow OpenAI's API reference ("The response object", "Responses streaming"): every SSE
frame is ``event: <type>`` + ``data: {"type": <type>, ..., "sequence_number": n}`` counting from 0,
no ``[DONE]``; deltas carry an ``obfuscation`` pad as the real API does by default. A mid-stream
failure is the documented ``error`` event ``{type, code, message, param, sequence_number}``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.local.fakes.openai_chat import REASONING_TOKENS, error_body, refuse
from hyperinfer.local.fakes.server import (
    JSON_REPLY,
    THINKING,
    FakeProvider,
    planned_calls,
    prompt_tokens,
    reply_words,
    sse,
)

RESPONSE_ID = "resp_0fake6f1d2c3b4a5968778695a4b3c2d1e0f"
ENCRYPTED = "gAAAAABfakeEncryptedReasoning-ünïcode-kept-opaque=="
REFUSAL = "I can't help with that."
ARGUMENT_PIECE = 6  # characters per function_call_arguments.delta
MIDSTREAM_AFTER = 5  # events before the midstream error / the drop


async def handle(
    fake: FakeProvider, request: Request, call: dict[str, Any], opts: dict[str, str]
) -> Response:
    refused = refuse(call["body"])
    if refused is not None:
        return fake.json(call, {"error": refused}, 400)
    if "status" in opts or "context" in opts:
        status, error, headers = error_body(opts)
        return fake.json(call, {"error": error}, status, headers)
    answer = Answer(call["body"], opts)
    if call["body"].get("stream"):
        return fake.stream(call, answer.frames(), opts)
    return fake.json(call, answer.response())


class Answer:
    """What the fake says for one request: output items, then the response object or its events."""

    def __init__(self, body: dict[str, Any], opts: dict[str, str]) -> None:
        self.body, self.opts = body, opts
        self.created = int(time.time())
        tools = [t["name"] for t in body.get("tools") or [] if t.get("type") == "function"]
        self.calls = [
            {
                "id": f"fc_0fake{i}",
                "call_id": f"call_{i}abc",
                "name": name,
                "arguments": json.dumps(arguments, ensure_ascii=False),
            }
            for i, (name, arguments) in enumerate(planned_calls(body, opts, tools))
        ]
        if "json" in opts:
            self.text: str | None = json.dumps(JSON_REPLY)
        elif self.calls or "refusal" in opts:
            self.text = None
        else:
            self.text = " ".join(reply_words(opts))
        self.incomplete = "max_tokens" in opts

    # -- the response object --------------------------------------------------------------------

    def usage(self) -> dict[str, Any]:
        cached = int(self.opts.get("cached", 0))
        prompt = prompt_tokens(self.body) + cached
        reasoning = REASONING_TOKENS if "think" in self.opts else 0
        output = len((self.text or REFUSAL).split()) + 5 * len(self.calls) + reasoning
        return {
            "input_tokens": prompt,
            "input_tokens_details": {"cached_tokens": cached},
            "output_tokens": output,
            "output_tokens_details": {"reasoning_tokens": reasoning},
            "total_tokens": prompt + output,
        }

    def reasoning_item(self) -> dict[str, Any]:
        return {
            "id": "rs_0fake",
            "type": "reasoning",
            "encrypted_content": ENCRYPTED,
            "summary": [{"type": "summary_text", "text": THINKING}],
        }

    def message_part(self) -> dict[str, Any] | None:
        if self.text is not None:
            return {"type": "output_text", "annotations": [], "logprobs": [], "text": self.text}
        if "refusal" in self.opts:
            return {"type": "refusal", "refusal": REFUSAL}
        return None

    def message_item(self, content: list[dict[str, Any]], status: str) -> dict[str, Any]:
        return {
            "id": "msg_0fake",
            "type": "message",
            "status": status,
            "content": content,
            "role": "assistant",
        }

    def call_item(self, call: dict[str, str], arguments: str, status: str) -> dict[str, Any]:
        return {
            "id": call["id"],
            "type": "function_call",
            "status": status,
            "arguments": arguments,
            "call_id": call["call_id"],
            "name": call["name"],
        }

    def output(self) -> list[dict[str, Any]]:
        done = "incomplete" if self.incomplete else "completed"
        items = [self.reasoning_item()] if "think" in self.opts else []
        part = self.message_part()
        if part is not None:
            items.append(self.message_item([part], done))
        items += [self.call_item(c, c["arguments"], "completed") for c in self.calls]
        return items

    def response(self, *, final: bool = True) -> dict[str, Any]:
        body = self.body
        status = ("incomplete" if self.incomplete else "completed") if final else "in_progress"
        text = dict(body.get("text") or {})
        return {
            "id": RESPONSE_ID,
            "object": "response",
            "created_at": self.created,
            "status": status,
            "background": False,
            "completed_at": self.created + 1 if final else None,
            "error": None,
            "incomplete_details": {"reason": "max_output_tokens"} if final and self.incomplete else None,
            "instructions": body.get("instructions"),
            "max_output_tokens": body.get("max_output_tokens"),
            "max_tool_calls": None,
            "model": body["model"],
            "output": self.output() if final else [],
            "parallel_tool_calls": body.get("parallel_tool_calls", True),
            "previous_response_id": None,
            "prompt_cache_key": body.get("prompt_cache_key"),
            "reasoning": {"effort": None, "summary": None, **(body.get("reasoning") or {})},
            "safety_identifier": body.get("safety_identifier"),
            "service_tier": "default",
            "store": body.get("store", True),
            "temperature": body.get("temperature", 1.0),
            "text": {
                "format": text.get("format", {"type": "text"}),
                "verbosity": text.get("verbosity", "medium"),
            },
            "tool_choice": body.get("tool_choice", "auto"),
            "tools": body.get("tools") or [],
            "top_logprobs": 0,
            "top_p": body.get("top_p", 1.0),
            "truncation": body.get("truncation", "disabled"),
            "usage": self.usage() if final else None,
            "user": body.get("user"),
            "metadata": body.get("metadata") or {},
        }

    # -- the event stream -----------------------------------------------------------------------

    def frames(self) -> list[bytes]:
        events = Events()
        events.add("response.created", response=self.response(final=False))
        events.add("response.in_progress", response=self.response(final=False))
        for position, item in enumerate(self.output()):
            if item["type"] == "reasoning":
                events.reasoning(position, item)
            elif item["type"] == "message":
                events.message(position, item)
            else:
                events.function_call(position, item)
        if "midstream_error" in self.opts:
            error = {
                "code": "server_error",
                "message": "The server had an error while processing your request. Sorry about that!",
                "param": None,
            }
            after = int(self.opts.get("error_after", MIDSTREAM_AFTER))
            return [*events.frames[:after], Events.frame("error", error, after)]
        if "drop" in self.opts:
            return events.frames[:MIDSTREAM_AFTER]
        terminal = "response.incomplete" if self.incomplete else "response.completed"
        events.add(terminal, response=self.response())
        return events.frames


class Events:
    """The event list of one stream, numbered as it grows, with a comment frame after the first."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []
        self.count = 0

    @staticmethod
    def frame(kind: str, fields: dict[str, Any], sequence: int) -> bytes:
        return sse({"type": kind, **fields, "sequence_number": sequence}, event=kind)

    def add(self, kind: str, **fields: Any) -> None:
        self.frames.append(self.frame(kind, fields, self.count))
        self.count += 1
        if self.count == 1:
            self.frames.append(b": keep-alive\n\n")

    def pieces(self, text: str, size: int | None = None) -> list[str]:
        if size is None:  # word by word, as a model streams text
            words = text.split(" ")
            return [(" " if i else "") + w for i, w in enumerate(words)]
        return [text[i : i + size] for i in range(0, len(text), size)]

    def reasoning(self, position: int, item: dict[str, Any]) -> None:
        ids = {"item_id": item["id"], "output_index": position}
        self.add("response.output_item.added", item={**item, "summary": []}, output_index=position)
        for index, part in enumerate(item["summary"]):
            where = {**ids, "summary_index": index}
            self.add(
                "response.reasoning_summary_part.added", **where, part={"type": "summary_text", "text": ""}
            )
            for piece in self.pieces(part["text"]):
                self.add("response.reasoning_summary_text.delta", **where, delta=piece, obfuscation="fk")
            self.add("response.reasoning_summary_text.done", **where, text=part["text"])
            self.add("response.reasoning_summary_part.done", **where, part=part)
        self.add("response.output_item.done", item=item, output_index=position)

    def message(self, position: int, item: dict[str, Any]) -> None:
        added = {**item, "status": "in_progress", "content": []}
        self.add("response.output_item.added", item=added, output_index=position)
        for index, part in enumerate(item["content"]):
            where = {"item_id": item["id"], "output_index": position, "content_index": index}
            if part["type"] == "refusal":
                self.add("response.content_part.added", **where, part={"type": "refusal", "refusal": ""})
                for piece in self.pieces(part["refusal"]):
                    self.add("response.refusal.delta", **where, delta=piece)
                self.add("response.refusal.done", **where, refusal=part["refusal"])
            else:
                empty = {**part, "text": ""}
                self.add("response.content_part.added", **where, part=empty)
                for piece in self.pieces(part["text"]):
                    self.add(
                        "response.output_text.delta", **where, delta=piece, logprobs=[], obfuscation="fk"
                    )
                self.add("response.output_text.done", **where, text=part["text"], logprobs=[])
            self.add("response.content_part.done", **where, part=part)
        self.add("response.output_item.done", item=item, output_index=position)

    def function_call(self, position: int, item: dict[str, Any]) -> None:
        added = {**item, "status": "in_progress", "arguments": ""}
        self.add("response.output_item.added", item=added, output_index=position)
        ids = {"item_id": item["id"], "output_index": position}
        for piece in self.pieces(item["arguments"], ARGUMENT_PIECE):
            self.add("response.function_call_arguments.delta", **ids, delta=piece, obfuscation="fk")
        self.add(
            "response.function_call_arguments.done", **ids, name=item["name"], arguments=item["arguments"]
        )
        self.add("response.output_item.done", item=item, output_index=position)
