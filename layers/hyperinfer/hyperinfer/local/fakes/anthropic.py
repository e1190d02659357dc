"""Anthropic Messages, as api.anthropic.com speaks it: messages, event streams, error bodies.

Shapes follow Anthropic's documented examples (https://docs.anthropic.com/en/api/messages,
.../build-with-claude/streaming, .../api/errors): ``event:`` + ``data:`` frames, a ``ping`` after
``message_start``, usage with the cache fields and their TTL split, ``request_id`` on errors.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.local.fakes.server import (
    JSON_REPLY,
    SIGNATURE,
    THINKING,
    FakeProvider,
    planned_calls,
    prompt_tokens,
    reply_words,
    sse,
)

MESSAGE_ID = "msg_01FakeUpstreamMessage0001"
REQUEST_ID = "req_01FakeUpstreamRequest0001"
THINKING_TOKENS = 12
CONTEXT_MESSAGE = "prompt is too long: 210000 tokens > 200000 maximum"
# The message each status comes with on the real API, and the error type it carries.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request"),
    401: ("authentication_error", "invalid x-api-key"),
    402: ("billing_error", "Your credit balance is too low to access the Anthropic API."),
    403: ("permission_error", "Your API key does not have permission to use the specified resource."),
    404: ("not_found_error", "The requested resource could not be found."),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
    500: ("api_error", "Internal server error"),
    504: ("timeout_error", "Request timed out"),
    529: ("overloaded_error", "Overloaded"),
}
_DELTA_USAGE = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens")
MIDSTREAM_ERROR = sse(
    {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, "error"
)


async def handle(
    fake: FakeProvider, request: Request, call: dict[str, Any], opts: dict[str, str]
) -> Response:
    body = call["body"]
    refused = _refuse(request, body)
    if refused is not None:
        status, kind, message = refused
        return fake.json(call, error_body(kind, message), status, {"request-id": REQUEST_ID})
    if "status" in opts or "context" in opts:
        status, payload, headers = error_response(opts)
        return fake.json(call, payload, status, headers)
    answer = Answer(body, opts)
    if body.get("stream"):
        return fake.stream(call, answer.frames(), opts)
    return fake.json(call, answer.message())


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}, "request_id": REQUEST_ID}


def _refuse(request: Request, body: dict[str, Any]) -> tuple[int, str, str] | None:
    """What the real API says to a request it will not even read."""
    # x-api-key is the documented header; Anthropic's own SDK (2.x) sends the key as a bearer token.
    bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not (request.headers.get("x-api-key") or bearer):
        return 401, "authentication_error", "x-api-key header is required"
    if not request.headers.get("anthropic-version"):
        return 400, "invalid_request_error", "anthropic-version: header is required"
    if "max_tokens" not in body:
        return 400, "invalid_request_error", "max_tokens: Field required"
    return None


def error_response(opts: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
    headers = {"request-id": REQUEST_ID}
    if "context" in opts:
        return 400, error_body("invalid_request_error", CONTEXT_MESSAGE), headers
    status = int(opts["status"])
    kind, message = ERRORS.get(status, ("api_error" if status >= 500 else "invalid_request_error", "Error"))
    if status in (429, 529):
        headers["retry-after"] = opts.get("retry_after", "1")
    elif "retry_after" in opts:
        headers["retry-after"] = opts["retry_after"]
    return status, error_body(kind, message), headers


class Answer:
    """What the fake says for one request, as a whole message or as event frames."""

    def __init__(self, body: dict[str, Any], opts: dict[str, str]) -> None:
        self.body, self.opts = body, opts
        choice = body.get("tool_choice") or {}
        forced = choice.get("name") if choice.get("type") == "tool" else None
        tools = [tool["name"] for tool in body.get("tools") or []]
        self.blocks: list[dict[str, Any]] = []
        if "think" in opts:
            self.blocks.append({"type": "thinking", "thinking": THINKING, "signature": SIGNATURE})
        calls = planned_calls(body, opts, tools)
        if "json" in opts and forced:
            self.blocks.append(self._tool_use(0, forced, JSON_REPLY))
        elif calls:
            self.blocks += [self._tool_use(i, name, arguments) for i, (name, arguments) in enumerate(calls)]
        elif "json" in opts:
            self.blocks.append({"type": "text", "text": json.dumps(JSON_REPLY)})
        elif "refusal" not in opts:
            self.blocks.append({"type": "text", "text": " ".join(reply_words(opts))})
        if "refusal" in opts:
            self.stop = "refusal"
        elif "max_tokens" in opts:
            self.stop = "max_tokens"
        elif any(block["type"] == "tool_use" for block in self.blocks):
            self.stop = "tool_use"
        else:
            self.stop = "end_turn"

    @staticmethod
    def _tool_use(i: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        return {"type": "tool_use", "id": f"toolu_01FakeToolCall{i:010d}", "name": name, "input": arguments}

    def usage(self, *, output_tokens: int | None = None) -> dict[str, Any]:
        written = int(self.opts.get("cache_write", 0))
        return {
            "input_tokens": prompt_tokens(self.body),
            "cache_creation_input_tokens": written,
            "cache_read_input_tokens": int(self.opts.get("cached", 0)),
            "cache_creation": {"ephemeral_5m_input_tokens": written, "ephemeral_1h_input_tokens": 0},
            "output_tokens": self.output_tokens() if output_tokens is None else output_tokens,
            "service_tier": "standard",
        }

    def output_tokens(self) -> int:
        count = 0
        for block in self.blocks:
            if block["type"] == "text":
                count += len(block["text"].split())
            elif block["type"] == "tool_use":
                count += 5
            else:
                count += THINKING_TOKENS
        return count or 1

    def message(self) -> dict[str, Any]:
        return {
            "id": MESSAGE_ID,
            "type": "message",
            "role": "assistant",
            "model": self.body["model"],
            "content": self.blocks,
            "stop_reason": self.stop,
            "stop_sequence": None,
            "usage": self.usage(),
        }

    def frames(self) -> list[bytes]:
        start = {**self.message(), "content": [], "stop_reason": None, "usage": self.usage(output_tokens=1)}
        frames = [sse({"type": "message_start", "message": start}, "message_start")]
        frames.append(sse({"type": "ping"}, "ping"))
        for index, block in enumerate(self.blocks):
            frames += _block_frames(index, block)
        # message_delta's usage is cumulative: the final output count, the input counts again.
        usage = self.usage()
        final_usage = {key: usage[key] for key in _DELTA_USAGE}
        frames.append(
            sse(
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": self.stop, "stop_sequence": None},
                    "usage": final_usage,
                },
                "message_delta",
            )
        )
        if "midstream_error" in self.opts:
            return [*frames[: int(self.opts.get("error_after", 4))], MIDSTREAM_ERROR]
        if "drop" in self.opts:
            return frames
        frames.append(sse({"type": "message_stop"}, "message_stop"))
        return frames


def _block_frames(index: int, block: dict[str, Any]) -> list[bytes]:
    def delta(payload: dict[str, Any]) -> bytes:
        return sse({"type": "content_block_delta", "index": index, "delta": payload}, "content_block_delta")

    match block["type"]:
        case "text":
            opening: dict[str, Any] = {"type": "text", "text": ""}
            words = block["text"].split(" ")
            deltas = [{"type": "text_delta", "text": (" " if i else "") + w} for i, w in enumerate(words)]
        case "thinking":
            opening = {"type": "thinking", "thinking": "", "signature": ""}
            text = block["thinking"]
            deltas = [{"type": "thinking_delta", "thinking": text[i : i + 9]} for i in range(0, len(text), 9)]
            deltas.append({"type": "signature_delta", "signature": block["signature"]})
        case _:
            opening = {**block, "input": {}}
            arguments = json.dumps(block["input"], ensure_ascii=False)
            deltas = [{"type": "input_json_delta", "partial_json": ""}]
            deltas += [
                {"type": "input_json_delta", "partial_json": arguments[i : i + 6]}
                for i in range(0, len(arguments), 6)
            ]
    return [
        sse({"type": "content_block_start", "index": index, "content_block": opening}, "content_block_start"),
        *(delta(piece) for piece in deltas),
        sse({"type": "content_block_stop", "index": index}, "content_block_stop"),
    ]
