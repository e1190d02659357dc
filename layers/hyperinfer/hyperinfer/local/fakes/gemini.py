"""The Gemini API, as generativelanguage.googleapis.com speaks it: generateContent, SSE streams of
whole GenerateContentResponse objects, google.rpc error bodies.

Shapes follow https://ai.google.dev/api/generate-content and the wire types of Google's own SDK:
camelCase fields, ``responseId`` and ``modelVersion`` on every chunk, ``usageMetadata`` whose
``promptTokenCount`` includes ``cachedContentTokenCount``, function calls without ids. Like
Gemini 3 it signs the first function call of a turn (and, when thinking, the answer's text) and
refuses a history whose function calls lost their signature or carry one from another part.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.local.fakes.server import (
    JSON_REPLY,
    THINKING,
    TOOL_ARGUMENTS,
    FakeProvider,
    prompt_tokens,
    reply_words,
    sse,
)

THINKING_TOKENS = 12
CALL_SIGNATURE = base64.b64encode(b"fake-gemini-signature:function-call").decode()
TEXT_SIGNATURE = base64.b64encode(b"fake-gemini-signature:text").decode()
DUMMY_SIGNATURE = "skip_thought_signature_validator"
CONTEXT_MESSAGE = "The input token count (1290000) exceeds the maximum number of tokens allowed (1048576)."
RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
# The status name and message each HTTP status comes with on the real API.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    403: (
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity).",
    ),
    404: ("NOT_FOUND", "models/unknown is not found for API version v1beta."),
    429: (
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details.",
    ),
    500: ("INTERNAL", "An internal error has occurred. Please retry or report the problem."),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
    504: ("DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
}


def pick(obj: Any, name: str) -> Any:
    """A request field by its JSON name or its proto name: Gemini, like any proto3 JSON reader, takes
    both (``thinkingConfig`` or ``thinking_config``), and google-genai sends some of each."""
    if not isinstance(obj, dict):
        return None
    if name in obj:
        return obj[name]
    return obj.get(re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower())


def error_body(status: int, message: str | None = None, retry_after: str | None = None) -> dict[str, Any]:
    name, default = ERRORS.get(status, ("INTERNAL" if status >= 500 else "INVALID_ARGUMENT", "Error"))
    error: dict[str, Any] = {"code": status, "message": message or default, "status": name}
    if retry_after is not None:
        error["details"] = [{"@type": RETRY_INFO, "retryDelay": f"{retry_after}s"}]
    return {"error": error}


async def handle(
    fake: FakeProvider, request: Request, call: dict[str, Any], opts: dict[str, str]
) -> Response:
    body = call["body"]
    if not (request.headers.get("x-goog-api-key") or request.query_params.get("key")):
        return fake.json(call, error_body(403), 403)
    refused = _refuse(body)
    if refused is not None:
        return fake.json(call, error_body(400, refused), 400)
    if "context" in opts:
        return fake.json(call, error_body(400, CONTEXT_MESSAGE), 400)
    if "status" in opts:
        status = int(opts["status"])
        retry = opts.get("retry_after", "1" if status == 429 else None)
        return fake.json(call, error_body(status, retry_after=retry), status)
    answer = Answer(body, opts, model=request.path_params.get("model", ""))
    if request.url.path.endswith(":streamGenerateContent"):
        if request.query_params.get("alt") != "sse":
            # Without alt=sse Gemini streams one JSON array; the gateway never asks for that.
            return fake.json(call, error_body(400, "this fake streams only with alt=sse"), 400)
        return fake.stream(call, answer.frames(), opts)
    return fake.json(call, answer.whole())


def _refuse(body: dict[str, Any]) -> str | None:
    """What Gemini 3 says to a history it will not read."""
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        return "* GenerateContentRequest.contents: contents is not specified"
    for i, content in enumerate(contents):
        if content.get("role") not in ("user", "model", None):
            return f"Please use a valid role: user, model. (contents[{i}])"
        if content.get("role") != "model":
            continue
        calls = [part for part in content.get("parts") or [] if pick(part, "functionCall")]
        first = pick(calls[0], "thoughtSignature") if calls else None
        if calls and first not in (CALL_SIGNATURE, DUMMY_SIGNATURE):
            return (
                "Function call is missing a thought_signature in functionCall parts. This is required "
                f"for tools to work correctly (contents[{i}])."
            )
        for part in content.get("parts") or []:
            signature = pick(part, "thoughtSignature")
            expected = CALL_SIGNATURE if pick(part, "functionCall") else TEXT_SIGNATURE
            if signature and signature not in (expected, DUMMY_SIGNATURE):
                return f"Thought signature is not valid (contents[{i}])."
    return None


class Answer:
    """What the fake says for one request: its parts, finish reason and usage."""

    def __init__(self, body: dict[str, Any], opts: dict[str, str], model: str) -> None:
        self.body, self.opts, self.model = body, opts, model
        config = pick(body, "generationConfig") or {}
        thinking = pick(config, "thinkingConfig") or {}
        self.thinks = "think" in opts
        self.parts: list[dict[str, Any]] = []
        if self.thinks and pick(thinking, "includeThoughts"):
            self.parts.append({"text": THINKING, "thought": True})
        tools = [
            declaration["name"]
            for tool in body.get("tools") or []
            for declaration in pick(tool, "functionDeclarations") or []
        ]
        calls = int(opts.get("tools", 0))
        if calls:
            for i in range(calls):
                name = tools[i % len(tools)] if tools else "get_weather"
                part: dict[str, Any] = {
                    "functionCall": {"name": name, "args": TOOL_ARGUMENTS[i % len(TOOL_ARGUMENTS)]}
                }
                if i == 0:
                    part["thoughtSignature"] = CALL_SIGNATURE  # parallel calls: only the first is signed
                self.parts.append(part)
        elif "refusal" not in opts:
            text = json.dumps(JSON_REPLY) if "json" in opts else " ".join(reply_words(opts))
            self.parts.append({"text": text})
            if self.thinks:
                self.parts[-1]["thoughtSignature"] = TEXT_SIGNATURE
        if "refusal" in opts:
            self.finish = "SAFETY"
        elif "max_tokens" in opts:
            self.finish = "MAX_TOKENS"
        else:
            self.finish = "STOP"  # function calls too: Gemini has no separate reason for them
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).digest()
        self.response_id = base64.urlsafe_b64encode(digest[:15]).decode()

    def usage(self, *, final: bool = True) -> dict[str, Any]:
        cached = int(self.opts.get("cached", 0))
        prompt = prompt_tokens({"messages": self.body.get("contents")}) + cached
        usage: dict[str, Any] = {"promptTokenCount": prompt}
        output = thoughts = 0
        if final:
            output = (
                sum(
                    len(str(part.get("text", "")).split()) if "text" in part else 5
                    for part in self.parts
                    if not part.get("thought")
                )
                or 1
            )
            thoughts = THINKING_TOKENS if self.thinks else 0
            usage["candidatesTokenCount"] = output
        usage["totalTokenCount"] = prompt + output + thoughts
        if cached:
            usage["cachedContentTokenCount"] = cached
        usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt}]
        if thoughts:
            usage["thoughtsTokenCount"] = thoughts
        return usage

    def _response(self, parts: list[dict[str, Any]], *, finish: bool, final_usage: bool) -> dict[str, Any]:
        candidate: dict[str, Any] = {"index": 0}
        if parts or not finish:
            candidate["content"] = {"parts": parts, "role": "model"}
        if finish:
            candidate["finishReason"] = self.finish
        return {
            "candidates": [candidate],
            "usageMetadata": self.usage(final=final_usage),
            "modelVersion": self.model,
            "responseId": self.response_id,
        }

    def whole(self) -> dict[str, Any]:
        return self._response(self.parts, finish=True, final_usage=True)

    def frames(self) -> list[bytes]:
        pieces: list[dict[str, Any]] = []
        for part in self.parts:
            if "text" not in part:
                pieces.append(part)
                continue
            words = part["text"].split(" ")
            for i, word in enumerate(words):
                piece = {**part, "text": (" " if i else "") + word}
                if i < len(words) - 1:
                    piece.pop("thoughtSignature", None)  # the signature rides on the last piece
                pieces.append(piece)
        chunks = [self._response([piece], finish=False, final_usage=False) for piece in pieces]
        last = self._response([], finish=True, final_usage=True)
        if chunks:
            # The finish reason and the final counts ride on the last chunk of content.
            last["candidates"][0]["content"] = chunks[-1]["candidates"][0]["content"]
            chunks[-1] = last
        else:
            chunks = [last]
        frames = [sse(chunk) for chunk in chunks]
        if "midstream_error" in self.opts:
            overloaded = error_body(503)
            return [*frames[:2], sse(overloaded)]
        if "drop" in self.opts:
            return frames[:-1]
        return frames
