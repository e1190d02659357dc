"""OpenAI Chat Completions, as api.openai.com speaks it: completions, chunk streams, error bodies."""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.local.fakes.server import (
    JSON_REPLY,
    FakeProvider,
    planned_calls,
    prompt_tokens,
    reply_words,
    sse,
)

MIDSTREAM_ERROR = (
    b'data: {"error": {"message": "The server had an error while processing your request.", '
    b'"type": "server_error", "param": null, "code": null}}\n\n'
)
REASONING_TOKENS = 12
# End-user identifiers the real API refuses above 64 characters (400 string_above_max_length).
IDENTIFIER_FIELDS = ("user", "safety_identifier")
MAX_IDENTIFIER_LENGTH = 64


async def handle(
    fake: FakeProvider, request: Request, call: dict[str, Any], opts: dict[str, str]
) -> Response:
    body = call["body"]
    refused = refuse(body)
    if refused is not None:
        return fake.json(call, {"error": refused}, 400)
    if "status" in opts or "context" in opts:
        status, error, headers = error_body(opts)
        return fake.json(call, {"error": error}, status, headers)
    answer = Answer(body, opts)
    if body.get("stream"):
        return fake.stream(call, answer.frames(), opts)
    return fake.json(call, answer.completion())


def refuse(body: dict[str, Any]) -> dict[str, Any] | None:
    """The error the real API (Chat Completions and Responses alike) gives a request it will not
    read: an identifier longer than it takes, as Claude Code's ~150-character user id would be."""
    for field in IDENTIFIER_FIELDS:
        value = body.get(field)
        if isinstance(value, str) and len(value) > MAX_IDENTIFIER_LENGTH:
            message = (
                f"Invalid '{field}': string too long. Expected a string with maximum length "
                f"{MAX_IDENTIFIER_LENGTH}, but got a string with length {len(value)} instead."
            )
            return {
                "message": message,
                "type": "invalid_request_error",
                "param": field,
                "code": "string_above_max_length",
            }
    return None


def error_body(opts: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str] | None]:
    if "context" in opts:
        message = (
            "This model's maximum context length is 128000 tokens. However, your messages resulted in "
            "130000 tokens. Please reduce the length of the messages."
        )
        return (
            400,
            {
                "message": message,
                "type": "invalid_request_error",
                "param": "messages",
                "code": "context_length_exceeded",
            },
            None,
        )
    status = int(opts["status"])
    headers = {"retry-after": opts["retry_after"]} if "retry_after" in opts else None
    error = {
        "message": f"Fake upstream error {status} for key sk-proj-abcdefghijklmnopqrstuvwx",
        "type": "rate_limit_exceeded" if status == 429 else "server_error",
        "param": None,
        "code": "rate_limit_exceeded" if status == 429 else None,
    }
    return status, error, headers


class Answer:
    """What the fake says for one request, as a whole completion or as chunks."""

    def __init__(self, body: dict[str, Any], opts: dict[str, str]) -> None:
        self.body, self.opts = body, opts
        tools = [t["function"]["name"] for t in body.get("tools") or []]
        self.calls = [
            {
                "id": f"call_{i}abc",
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
        self.refusal = "I can't help with that." if "refusal" in opts else None
        if self.calls:
            self.finish = "tool_calls"
        elif "max_tokens" in opts:
            self.finish = "length"
        else:
            self.finish = "stop"

    def usage(self) -> dict[str, Any]:
        cached = int(self.opts.get("cached", 0))
        # `cache_write`: reported inside prompt_tokens, as OpenAI-compatible servers that bill writes do.
        written = int(self.opts.get("cache_write", 0))
        prompt = prompt_tokens(self.body) + cached + written
        completion = len((self.text or "").split()) + 5 * len(self.calls)
        if "completion" in self.opts:  # misbehaving: ignores the cap and reports this many
            completion = int(self.opts["completion"])
        reasoning = REASONING_TOKENS if "think" in self.opts else 0
        completion += reasoning
        details = {"cached_tokens": cached, "audio_tokens": 0}
        if "cache_write" in self.opts:
            details["cache_write_tokens"] = written
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": details,
            "completion_tokens_details": {
                "reasoning_tokens": reasoning,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    def completion(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": self.text,
            "refusal": self.refusal,
            "annotations": [],
        }
        if self.calls:
            message["tool_calls"] = [
                {
                    "id": c["id"],
                    "type": "function",
                    "function": {"name": c["name"], "arguments": c["arguments"]},
                }
                for c in self.calls
            ]
        return {
            "id": "chatcmpl-fake123",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.body["model"],
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": self.finish}],
            "usage": self.usage(),
            "service_tier": "default",
        }

    def frames(self) -> list[bytes]:
        base = {
            "id": "chatcmpl-fake123",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self.body["model"],
            "system_fingerprint": "fp_fake",
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            return sse({**base, "choices": [choice]})

        frames = [chunk({"role": "assistant", "content": "", "refusal": None}), b": keep-alive\n\n"]
        if self.text is not None:
            words = self.text.split(" ")
            frames += [chunk({"content": (" " if i else "") + w}) for i, w in enumerate(words)]
        if self.refusal:
            frames.append(chunk({"refusal": self.refusal}))
        for index, call in enumerate(self.calls):
            frames.append(
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": index,
                                "id": call["id"],
                                "type": "function",
                                "function": {"name": call["name"], "arguments": ""},
                            }
                        ]
                    }
                )
            )
            args = call["arguments"]
            for start in range(0, len(args), 6):
                frames.append(
                    chunk(
                        {"tool_calls": [{"index": index, "function": {"arguments": args[start : start + 6]}}]}
                    )
                )
        if "midstream_error" in self.opts:
            return [*frames[: int(self.opts.get("error_after", 3))], MIDSTREAM_ERROR]
        if "drop" in self.opts:
            return frames[:3]
        frames.append(chunk({}, self.finish))
        if (self.body.get("stream_options") or {}).get("include_usage"):
            frames.append(sse({**base, "choices": [], "usage": self.usage()}))
        frames.append(b"data: [DONE]\n\n")
        return frames
