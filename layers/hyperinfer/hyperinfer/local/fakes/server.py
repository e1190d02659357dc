"""One fake provider app for every wire format, with a shared log of what arrived and how it ended.

Directives in the request steer it, e.g. ``[[fake status=429 retry_after=7]]`` anywhere in the
messages (the last one in the body wins). Common to every format:
``status`` (answer with that error status), ``retry_after``, ``context`` (a context-length error),
``delay`` (seconds before answering), ``chunk_delay`` (seconds between stream frames),
``midstream_error`` (an error event after a few frames), ``drop`` (close without finishing),
``cached`` (cached prompt tokens), ``cache_write`` (cache-creation tokens, Anthropic),
``words`` (reply length), ``tools=N`` (call the first N tools of the request), ``once`` (with
``tools``: only while the request holds no tool results, so an agent's loop ends), ``think``
(reasoning first), ``json`` (reply with a JSON object), ``max_tokens`` (stop as if cut by the cap),
``refusal``, ``calls=a,b+c`` (a script: the n-th round of tool results in the request picks the
n-th entry, ``+`` for parallel calls, past its end the model answers in text; server tools get
valid arguments, steered by ``q``, ``url``, ``tz`` and ``prompt``). Misbehaving on purpose:
``completion=N`` (Chat Completions: report N completion tokens whatever the cap, as a server
that ignores ``max_tokens`` does); ``drop`` and ``midstream_error`` stop a stream after output.
With ``midstream_error``, ``error_after=N`` sends the error after N frames (few enough and it
comes before any content: a stream that fails before its first byte).

A per-model script fails chosen calls whatever the request says (the router's tests need one
model down and the next one up): ``fake.script("gpt-4o", "status=429 retry_after=1", "")``, or
``POST /_fake/script`` with ``{"gpt-4o": ["status=429 retry_after=1", ""]}``, makes the next calls
for that upstream model take those directives in turn ("" answers normally), then the body's own.
A ``delay`` notices the caller hanging up: that call's outcome is then "disconnected".

Streams are delivered the hostile way networks do, unless ``hostile`` is False (benchmarks):
frames and multi-byte UTF-8 characters split across separate writes, comment frames.

GET /_fake/requests lists what arrived and how each call ended; DELETE clears it and the scripts.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

REPLY_WORDS = ["Héllo", "wörld", "✓", "🚀", "from", "the", "fake", "upstream"]
THINKING = "Let me think this through… ünïcode ✓"
SIGNATURE = "EqQBCkYIARgCIkBsignature-of-the-fake-thinking=="
JSON_REPLY = {"answer": "pong", "confidence": 0.9}
TOOL_ARGUMENTS = [{"city": "Paris"}, {"city": "Zürich"}, {"city": "東京"}]
PIECE = 7  # bytes per write: small enough to cut lines and multi-byte characters
# A frame's first and last EDGE bytes go out PIECE by PIECE (line breaks, the event name, the JSON's
# opening and closing); between them, a long frame (Responses echoes the whole request, tools and
# instructions, in three of its events) travels in SEGMENT-byte writes, as a network would carry
# it. Seven bytes at a time, an agent's 40 KB echo took seconds per frame.
EDGE = 256
SEGMENT = 1400
_DIRECTIVE = re.compile(r"\[\[fake([^\]]*)\]\]")

# path -> module under hyperinfer.local.fakes exposing `async def handle(fake, request, call, opts)`
WIRE_FORMATS = {
    "/v1/chat/completions": "openai_chat",
    "/v1/responses": "openai_responses",
    "/v1/messages": "anthropic",
    # openai_compatible servers at their own paths: DeepSeek's root, Groq's /openai/v1
    "/chat/completions": "openai_compatible",
    "/openai/v1/chat/completions": "openai_compatible",
    # Bedrock's model id is a path segment (percent-encoded; an ARN's "/" too, hence :path).
    "/model/{model_id:path}/converse": "bedrock",
    "/model/{model_id:path}/converse-stream": "bedrock",
    "/v1/images/generations": "openai_images",
    # Gemini serves both API versions (the gateway's default base is v1beta, google-genai's v1).
    **{
        f"/{v}/models/{{model}}:{m}": "gemini"
        for v in ("v1", "v1beta")
        for m in ("generateContent", "streamGenerateContent")
    },
}


def directives(body: dict[str, Any]) -> dict[str, str]:
    found = _DIRECTIVE.findall(json.dumps(body, ensure_ascii=False))
    if not found:
        return {}
    return parse_directives(found[-1])


def parse_directives(text: str) -> dict[str, str]:
    pairs = (item.partition("=") for item in text.split())
    return {key: value or "1" for key, _, value in pairs}


def has_tool_results(body: dict[str, Any]) -> bool:
    """Whether the conversation already answers a tool call, in any of the three formats."""
    items = body.get("messages") or body.get("input") or body.get("contents") or []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        if item.get("role") == "tool" or item.get("type") == "function_call_output":
            return True
        if any(isinstance(part, dict) and "functionResponse" in part for part in item.get("parts") or []):
            return True  # Gemini
        content = item.get("content")
        if isinstance(content, list) and any(
            isinstance(block, dict) and (block.get("type") == "tool_result" or "toolResult" in block)
            for block in content
        ):
            return True
    return False


def tool_rounds(body: dict[str, Any]) -> int:
    """How many rounds of tool results the conversation holds (consecutive results are one round)."""
    rounds, previous = 0, False
    items = body.get("messages") or body.get("input") or []
    for item in items if isinstance(items, list) else []:
        current = isinstance(item, dict) and has_tool_results({"messages": [item]})
        rounds += current and not previous
        previous = current
    return rounds


def scripted_arguments(name: str, index: int, opts: dict[str, str]) -> dict[str, Any]:
    server_tools: dict[str, dict[str, Any]] = {
        "web_search": {"query": opts.get("q", "hyperinfer")},
        "web_fetch": {"url": unquote(opts.get("url", ""))},  # percent-encoded: "]" ends a directive
        "datetime": {"timezone": opts["tz"]} if "tz" in opts else {},
        "image": {"prompt": opts.get("prompt", "a-lighthouse")},
    }
    return server_tools.get(name, TOOL_ARGUMENTS[index % len(TOOL_ARGUMENTS)])


def planned_calls(
    body: dict[str, Any], opts: dict[str, str], tools: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    """The tool calls this answer makes: by ``calls`` script, or the first ``tools`` tools."""
    if "calls" in opts:
        script = opts["calls"].split(",")
        rounds = tool_rounds(body)
        names = script[rounds].split("+") if rounds < len(script) else []
        return [(name, scripted_arguments(name, i, opts)) for i, name in enumerate(names)]
    count = int(opts.get("tools", 0))
    return [
        ((tools[i % len(tools)] if tools else "get_weather"), TOOL_ARGUMENTS[i % len(TOOL_ARGUMENTS)])
        for i in range(count)
    ]


def reply_words(opts: dict[str, str]) -> list[str]:
    return REPLY_WORDS[: int(opts.get("words", len(REPLY_WORDS)))]


def prompt_tokens(body: dict[str, Any]) -> int:
    """A stable, content-dependent count: words of the whole body."""
    return (
        len(json.dumps(body.get("messages") or body.get("input") or body.get("contents") or "").split()) + 10
    )


Handler = Callable[["FakeProvider", Request, dict[str, Any], dict[str, str]], Awaitable[Response]]


class FakeProvider:
    def __init__(self, *, hostile: bool = True, record: bool = True) -> None:
        self.hostile = hostile
        self.record = record  # keep each call in `calls` (tests read them; a long demo would not)
        self.calls: list[dict[str, Any]] = []
        self.scripts: dict[str, list[str]] = {}  # upstream model -> directives of its next calls
        self.url = ""  # set by whoever serves the app
        routes = [
            Route(path, self._endpoint(module), methods=["POST"]) for path, module in WIRE_FORMATS.items()
        ]
        routes.append(Route("/_fake/requests", self.requests, methods=["GET", "DELETE"]))
        routes.append(Route("/_fake/script", self._set_script, methods=["POST"]))
        self.app = Starlette(routes=routes)

    async def requests(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.calls.clear()
            self.scripts.clear()
        return JSONResponse(self.calls)

    def script(self, model: str, *steps: str) -> None:
        self.scripts[model] = list(steps)

    def calls_to(self, model: str) -> list[dict[str, Any]]:
        return [call for call in self.calls if call["body"].get("model") == model]

    async def _set_script(self, request: Request) -> Response:
        for model, steps in (await request.json()).items():
            self.script(model, *steps)
        return JSONResponse(self.scripts)

    def _endpoint(self, module: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            handle: Handler = importlib.import_module(f"hyperinfer.local.fakes.{module}").handle
            body = await request.json()
            call: dict[str, Any] = {
                "path": request.url.path,
                "body": body,
                "headers": {k: v for k, v in request.headers.items()},
                "authorization": request.headers.get("authorization"),
                "outcome": "pending",
                "at": time.monotonic(),  # when it arrived: the router's tests measure waits between calls
            }
            if self.record:
                self.calls.append(call)
            opts = directives(body)
            steps = self.scripts.get(str(body.get("model")))
            if steps:
                opts.update(parse_directives(steps.pop(0)))
            if "once" in opts and has_tool_results(body):
                opts.pop("tools", None)
            if not await _wait(request, float(opts.get("delay", 0))):
                call["outcome"] = "disconnected"
                return Response(status_code=499)
            return await handle(self, request, call, opts)

        return endpoint

    def json(
        self, call: dict[str, Any], body: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        call["outcome"] = "completed" if status < 400 else "error"
        return JSONResponse(body, status_code=status, headers=headers)

    def stream(
        self,
        call: dict[str, Any],
        frames: list[bytes],
        opts: dict[str, str],
        media_type: str = "text/event-stream",
        headers: dict[str, str] | None = None,
    ) -> Response:
        return StreamingResponse(self._deliver(call, frames, opts), media_type=media_type, headers=headers)

    async def _deliver(
        self, call: dict[str, Any], frames: list[bytes], opts: dict[str, str]
    ) -> AsyncIterator[bytes]:
        delay = float(opts.get("chunk_delay", 0))
        pieces = [piece for data in frames for piece in (hostile_pieces(data) if self.hostile else [data])]
        ends = {
            sum(len(hostile_pieces(d)) if self.hostile else 1 for d in frames[: i + 1]) - 1
            for i in range(len(frames))
        }
        try:
            for index, piece in enumerate(pieces):
                if index == len(pieces) - 1:
                    # Everything is handed over: a client that hangs up on the last byte (as it
                    # should, on a terminal event) has still received the whole answer.
                    call["outcome"] = "completed"
                yield piece
                # Separate TCP writes when hostile, so reads split too; always a chance to see
                # the client leave.
                await asyncio.sleep(0.0005 if self.hostile else 0)
                if delay and index in ends:
                    await asyncio.sleep(delay)
        finally:
            if call["outcome"] == "pending":
                call["outcome"] = "disconnected"


async def _wait(request: Request, seconds: float) -> bool:
    """Sleep, watching the connection: False as soon as the caller has gone."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        await asyncio.sleep(min(left, 0.02))
        if await request.is_disconnected():
            return False
    return True


def hostile_pieces(data: bytes) -> list[bytes]:
    """The writes one frame is sent in: PIECE bytes each at both edges, SEGMENT bytes between."""
    if len(data) <= 2 * EDGE:
        return [data[i : i + PIECE] for i in range(0, len(data), PIECE)]
    tail = len(data) - EDGE
    head = [data[i : min(i + PIECE, EDGE)] for i in range(0, EDGE, PIECE)]
    middle = [data[i : min(i + SEGMENT, tail)] for i in range(EDGE, tail, SEGMENT)]
    return head + middle + [data[i : i + PIECE] for i in range(tail, len(data), PIECE)]


def sse(payload: dict[str, Any], event: str | None = None) -> bytes:
    """One SSE frame; ``event:`` line first when the format names its events."""
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"


class ServerThread:
    """Any ASGI app under uvicorn on a loopback port, in a background thread."""

    def __init__(self, app: Any, port: int) -> None:
        import uvicorn

        self.port = port
        # log_config=None: a server in a thread does not own the process's logging; uvicorn's
        # default config would take back the "uvicorn" logger configure_logging gave the guard.
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", access_log=False, log_config=None
        )
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
