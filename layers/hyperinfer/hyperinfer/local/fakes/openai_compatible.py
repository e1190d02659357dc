"""Chat Completions servers that are not OpenAI, with the quirks the ``compat`` options exist for.

Two flavours, each at its vendor's own path (so a catalog pointed at the fake keeps its paths):

- ``/chat/completions`` speaks as api.deepseek.com does: reasoning in
  ``reasoning_content`` (message and delta), cached tokens in ``prompt_cache_hit_tokens`` beside
  ``prompt_cache_miss_tokens``, usage on the finishing chunk, a key required, and in thinking mode
  (on unless ``thinking.type`` is ``disabled``) a 400 for a tool-calling assistant turn sent back
  without its ``reasoning_content``. It is stricter than DeepSeek, which ignores fields it does not
  know: any top-level field outside its documented request schema is a 400 naming it, so a field
  the gateway should have left out shows.
- ``/openai/v1/chat/completions`` speaks as Groq does (and a local Ollama, whose path is OpenAI's):
  no key checked, reasoning in ``reasoning``, OpenAI's usage without cache details.

Every ``[[fake ...]]`` directive of the OpenAI fake works here too.
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.local.fakes.openai_chat import MIDSTREAM_ERROR, REASONING_TOKENS, Answer, error_body
from hyperinfer.local.fakes.server import THINKING, FakeProvider, sse

DEEPSEEK_FIELDS = frozenset(
    {
        "model",
        "messages",
        "thinking",
        "reasoning_effort",
        "frequency_penalty",
        "presence_penalty",
        "max_tokens",
        "response_format",
        "stop",
        "stream",
        "stream_options",
        "temperature",
        "top_p",
        "tools",
        "tool_choice",
        "logprobs",
        "top_logprobs",
    }
)


def _error(message: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": kind}}


def deepseek_refusal(body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any]] | None:
    if not headers.get("authorization", "").startswith("Bearer "):
        return 401, _error("Authentication Fails, Your api key is invalid", "authentication_error")
    unknown = sorted(set(body) - DEEPSEEK_FIELDS)
    if unknown:
        return 400, _error(f"Unknown request field: {unknown[0]}")
    if (body.get("thinking") or {}).get("type") != "disabled":
        for message in body.get("messages") or []:
            tool_turn = message.get("role") == "assistant" and message.get("tool_calls")
            if tool_turn and "reasoning_content" not in message:
                return 400, _error(
                    "The `reasoning_content` in the thinking mode must be passed back to the API."
                )
    return None


class CompatAnswer(Answer):
    def __init__(self, body: dict[str, Any], opts: dict[str, str], flavour: str) -> None:
        super().__init__(body, opts)
        self.flavour = flavour
        self.field = "reasoning_content" if flavour == "deepseek" else "reasoning"  # groq
        thinking_off = (body.get("thinking") or {}).get("type") == "disabled"
        self.thinking = THINKING if "think" in opts and not thinking_off else None

    def usage(self) -> dict[str, Any]:
        openai = super().usage()
        reasoning = REASONING_TOKENS if self.thinking else 0
        completion = openai["completion_tokens"] - openai["completion_tokens_details"]["reasoning_tokens"]
        completion += reasoning
        prompt = openai["prompt_tokens"]
        usage: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        if self.flavour == "deepseek":
            cached = openai["prompt_tokens_details"]["cached_tokens"]
            usage["prompt_cache_hit_tokens"] = cached
            usage["prompt_cache_miss_tokens"] = prompt - cached
            usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
        return usage

    def completion(self) -> dict[str, Any]:
        body = super().completion()
        message = body["choices"][0]["message"]
        for field in ("refusal", "annotations"):
            message.pop(field, None)
        if self.thinking:
            message[self.field] = self.thinking
        body.pop("service_tier", None)
        return body

    def frames(self) -> list[bytes]:
        openai = super().frames()
        if self.thinking is None:
            return openai if self.flavour != "deepseek" else self._usage_on_finish(openai)
        base = {"id": "chatcmpl-fake123", "object": "chat.completion.chunk", "created": int(time.time())}
        base["model"] = self.body["model"]
        words = self.thinking.split(" ")
        thoughts = [
            sse(
                {
                    **base,
                    "choices": [
                        {
                            "index": 0,
                            "delta": {"content": None, self.field: (" " if i else "") + w},
                            "finish_reason": None,
                        }
                    ],
                }
            )
            for i, w in enumerate(words)
        ]
        frames = [openai[0], *thoughts, *openai[1:]]
        if "midstream_error" in self.opts:
            return [*frames[:3], MIDSTREAM_ERROR]
        return frames if self.flavour != "deepseek" else self._usage_on_finish(frames)

    def _usage_on_finish(self, frames: list[bytes]) -> list[bytes]:
        """DeepSeek puts usage on the chunk that finishes, not on a chunk of its own."""
        if len(frames) < 3 or not frames[-2].startswith(b"data: {") or b'"choices": []' not in frames[-2]:
            return frames
        usage = json.loads(frames[-2][6:])["usage"]
        finish = json.loads(frames[-3][6:])
        return [*frames[:-3], sse({**finish, "usage": usage}), frames[-1]]


async def handle(
    fake: FakeProvider, request: Request, call: dict[str, Any], opts: dict[str, str]
) -> Response:
    body = call["body"]
    flavour = "deepseek" if request.url.path == "/chat/completions" else "groq"
    if flavour == "deepseek":
        refused = deepseek_refusal(body, call["headers"])
        if refused is not None:
            return fake.json(call, refused[1], refused[0])
    if "status" in opts or "context" in opts:
        status, error, headers = error_body(opts)
        return fake.json(call, {"error": error}, status, headers)
    answer = CompatAnswer(body, opts, flavour)
    if body.get("stream"):
        return fake.stream(call, answer.frames(), opts)
    return fake.json(call, answer.completion())
