"""A fake LLM provider over real HTTP that speaks OpenAI's Chat Completions wire format, streaming
included, and delivers it the hostile way networks do (frames and UTF-8 characters split across
writes, comment frames, a usage-only chunk with empty ``choices``).

Directives in the last user message steer it, e.g. ``[[fake status=429 retry_after=7]]``:
``status`` (error status), ``retry_after``, ``context`` (a context-length error), ``delay`` (seconds
before answering), ``chunk_delay`` (seconds between stream frames), ``midstream_error``, ``drop``
(close without finishing), ``cached`` (cached prompt tokens), ``words`` (reply length).
GET /_fake/requests lists what arrived and how each call ended; DELETE clears it.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

REPLY_WORDS = ["Héllo", "wörld", "✓", "🚀", "from", "the", "fake", "upstream"]
_DIRECTIVE = re.compile(r"\[\[fake([^\]]*)\]\]")
MIDSTREAM_ERROR = (
    b'data: {"error": {"message": "The server had an error while processing your request.", '
    b'"type": "server_error", "param": null, "code": null}}\n\n'
)
PIECE = 7  # bytes per write: small enough to cut lines and multi-byte characters


def directives(body: dict[str, Any]) -> dict[str, str]:
    for message in reversed(body.get("messages") or []):
        content = message.get("content")
        text = content if isinstance(content, str) else json.dumps(content)
        found = _DIRECTIVE.search(text or "")
        if found:
            pairs = (item.partition("=") for item in found.group(1).split())
            return {key: value or "1" for key, _, value in pairs}
    return {}


class FakeOpenAI:
    def __init__(self, *, hostile: bool = True) -> None:
        self.hostile = hostile  # False: whole frames per write, for benchmarks
        self.calls: list[dict[str, Any]] = []
        self.url = ""  # set by whoever serves the app
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self.chat, methods=["POST"]),
                Route("/_fake/requests", self.requests, methods=["GET", "DELETE"]),
            ]
        )

    async def requests(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.calls.clear()
        return JSONResponse(self.calls)

    async def chat(self, request: Request) -> Response:
        body = await request.json()
        call: dict[str, Any] = {
            "body": body,
            "authorization": request.headers.get("authorization"),
            "outcome": "pending",
        }
        self.calls.append(call)
        opts = directives(body)
        await asyncio.sleep(float(opts.get("delay", 0)))
        if "status" in opts or "context" in opts:
            call["outcome"] = "error"
            return self._error(opts)
        words = REPLY_WORDS[: int(opts.get("words", len(REPLY_WORDS)))]
        usage = self._usage(body, len(words), int(opts.get("cached", 0)))
        if body.get("stream"):
            return StreamingResponse(
                self._stream(body, words, usage, opts, call), media_type="text/event-stream"
            )
        call["outcome"] = "completed"
        return JSONResponse(self._completion(body, words, usage))

    @staticmethod
    def _error(opts: dict[str, str]) -> Response:
        if "context" in opts:
            error: dict[str, str | None] = {
                "message": "This model's maximum context length is 128000 tokens. However, your messages "
                "resulted in 130000 tokens.",
                "type": "invalid_request_error",
                "param": "messages",
                "code": "context_length_exceeded",
            }
            return JSONResponse({"error": error}, status_code=400)
        status = int(opts["status"])
        headers = {"retry-after": opts["retry_after"]} if "retry_after" in opts else None
        error = {
            "message": f"Fake upstream error {status} for key sk-proj-abcdefghijklmnopqrstuvwx",
            "type": "rate_limit_exceeded" if status == 429 else "server_error",
            "param": None,
            "code": None,
        }
        return JSONResponse({"error": error}, status_code=status, headers=headers)

    @staticmethod
    def _usage(body: dict[str, Any], completion: int, cached: int) -> dict[str, Any]:
        prompt = (
            sum(len(json.dumps(m.get("content", "")).split()) for m in body.get("messages", [])) + 10 + cached
        )
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    @staticmethod
    def _completion(body: dict[str, Any], words: list[str], usage: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": "chatcmpl-fake123",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": " ".join(words),
                        "refusal": None,
                        "annotations": [],
                    },
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": usage,
            "service_tier": "default",
        }

    async def _stream(
        self,
        body: dict[str, Any],
        words: list[str],
        usage: dict[str, Any],
        opts: dict[str, str],
        call: dict[str, Any],
    ) -> AsyncIterator[bytes]:
        base = {
            "id": "chatcmpl-fake123",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body["model"],
            "system_fingerprint": "fp_fake",
        }

        def frame(choices: list[dict[str, Any]], **extra: Any) -> bytes:
            return (
                b"data: "
                + json.dumps({**base, "choices": choices, **extra}, ensure_ascii=False).encode()
                + b"\n\n"
            )

        def choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}

        frames = [frame([choice({"role": "assistant", "content": "", "refusal": None})]), b": keep-alive\n\n"]
        frames += [frame([choice({"content": (" " if i else "") + w})]) for i, w in enumerate(words)]
        if "midstream_error" in opts:
            frames = [*frames[:3], MIDSTREAM_ERROR]
        elif "drop" in opts:
            frames = frames[:3]
        else:
            frames.append(frame([choice({}, "stop")]))
            if (body.get("stream_options") or {}).get("include_usage"):
                frames.append(frame([], usage=usage))
            frames.append(b"data: [DONE]\n\n")
        delay = float(opts.get("chunk_delay", 0))
        try:
            for data in frames:
                pieces = [data[i : i + PIECE] for i in range(0, len(data), PIECE)] if self.hostile else [data]
                for piece in pieces:
                    yield piece
                    # Separate TCP writes when hostile, so reads split too; always a chance to see
                    # the client leave.
                    await asyncio.sleep(0.0005 if self.hostile else 0)
                if delay:
                    await asyncio.sleep(delay)
            call["outcome"] = "completed"
        except asyncio.CancelledError:
            call["outcome"] = "disconnected"
            raise
        finally:
            if call["outcome"] == "pending":
                call["outcome"] = "disconnected"


class ServerThread:
    """Any ASGI app under uvicorn on a loopback port, in a background thread."""

    def __init__(self, app: Any, port: int) -> None:
        import uvicorn

        self.port = port
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
