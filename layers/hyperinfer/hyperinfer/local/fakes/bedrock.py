"""Bedrock Runtime's Converse API, as bedrock-runtime.{region}.amazonaws.com speaks it.

``POST /model/{modelId}/converse`` answers JSON; ``/converse-stream`` answers binary
``application/vnd.amazon.eventstream`` messages (prelude, CRC32s, ``:event-type`` headers, a
JSON payload with Bedrock's ``p`` padding field), written here independently of the gateway's
reader so that boto3's own parser can vouch for both (tests/unit/providers/test_bedrock_fake.py).
Refusals carry ``x-amzn-ErrorType`` and ``{"message": ...}``; a mid-stream failure is an
``exception`` message. What the real service refuses before reading further is refused here too:
an unsigned request, turns that do not alternate, a toolUse without its toolResult in the next
turn, and fields Converse does not know (Anthropic's ``cache_control`` among them).
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hyperinfer.local.fakes.server import (
    JSON_REPLY,
    SIGNATURE,
    THINKING,
    TOOL_ARGUMENTS,
    FakeProvider,
    prompt_tokens,
    reply_words,
)

REQUEST_ID = "5f0c2b7e-6f6a-4d0e-9a53-0f1a2b3c4d5e"
THINKING_TOKENS = 12
CONTEXT_MESSAGE = "Input is too long for requested model."
_CORAL = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
ERRORS: dict[int, tuple[str, str]] = {
    400: ("ValidationException", "Malformed input request, please reformat your input and try again."),
    403: ("AccessDeniedException", "You don't have access to the model with the specified model ID."),
    404: ("ResourceNotFoundException", "Could not resolve the foundation model from the model identifier."),
    408: ("ModelTimeoutException", "Model has timed out in processing the request."),
    424: ("ModelErrorException", "The system encountered an unexpected error during processing."),
    429: ("ThrottlingException", "Too many requests, please wait before trying again."),
    500: ("InternalServerException", "The server encountered an internal error."),
    503: ("ServiceUnavailableException", "Bedrock is unable to process your request."),
}
_TOP_LEVEL = {
    "messages",
    "system",
    "inferenceConfig",
    "toolConfig",
    "guardrailConfig",
    "additionalModelRequestFields",
    "promptVariables",
    "additionalModelResponseFieldPaths",
    "requestMetadata",
    "performanceConfig",
    "serviceTier",
    "outputConfig",
}
_CONTENT_KEYS = {"text", "image", "document", "toolUse", "toolResult", "reasoningContent", "cachePoint"}


# -- the binary framing ------------------------------------------------------------------------


def _header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return bytes([len(raw_name)]) + raw_name + b"\x07" + struct.pack("!H", len(raw_value)) + raw_value


def frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One event-stream message: prelude with its CRC, string headers, payload, message CRC."""
    raw_headers = b"".join(_header(name, value) for name, value in headers.items())
    total = 12 + len(raw_headers) + len(payload) + 4
    prelude = struct.pack("!II", total, len(raw_headers))
    message = prelude + struct.pack("!I", zlib.crc32(prelude)) + raw_headers + payload
    return message + struct.pack("!I", zlib.crc32(message))


def event(name: str, payload: dict[str, Any]) -> bytes:
    # Bedrock pads each event with a "p" field of varying length so sizes leak nothing.
    body = {**payload, "p": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123"[: 5 + len(name)]}
    headers = {":event-type": name, ":content-type": "application/json", ":message-type": "event"}
    return frame(headers, json.dumps(body, ensure_ascii=False).encode())


def exception(name: str, message: str) -> bytes:
    headers = {":exception-type": name, ":content-type": "application/json", ":message-type": "exception"}
    return frame(headers, json.dumps({"message": message}).encode())


MIDSTREAM_ERROR = exception("modelStreamErrorException", "The model stream was interrupted.")


# -- the endpoint --------------------------------------------------------------------------------


async def handle(
    fake: FakeProvider, request: Request, call: dict[str, Any], opts: dict[str, str]
) -> Response:
    body = call["body"]
    call["model"] = request.path_params.get("model_id", "")
    refused = _refuse(request, body)
    if refused is None and ("status" in opts or "context" in opts):
        status = int(opts.get("status", 400))
        kind, message = ERRORS.get(status, ERRORS[500 if status >= 500 else 400])
        refused = (status, kind, CONTEXT_MESSAGE if "context" in opts else message)
    if refused is not None:
        status, kind, message = refused
        headers = {"x-amzn-ErrorType": kind + _CORAL, "x-amzn-RequestId": REQUEST_ID}
        if "retry_after" in opts:
            headers["retry-after"] = opts["retry_after"]
        return fake.json(call, {"message": message}, status, headers)
    answer = Answer(body, opts)
    if request.url.path.endswith("/converse-stream"):
        stream_headers = {"x-amzn-RequestId": REQUEST_ID}
        return fake.stream(call, answer.frames(), opts, "application/vnd.amazon.eventstream", stream_headers)
    return fake.json(call, answer.converse(), headers={"x-amzn-RequestId": REQUEST_ID})


def _refuse(request: Request, body: dict[str, Any]) -> tuple[int, str, str] | None:
    auth = request.headers.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 Credential=") or "/bedrock/aws4_request" not in auth:
        return 403, "MissingAuthenticationTokenException", "Missing Authentication Token"
    if not request.headers.get("x-amz-date"):
        return 403, "IncompleteSignatureException", "Authorization header requires existence of 'X-Amz-Date'."
    unknown = set(body) - _TOP_LEVEL
    if unknown:
        return 400, "ValidationException", f"Malformed input request: extraneous key [{sorted(unknown)[0]}]"
    return _conversation_problem(body.get("messages") or [])


def _conversation_problem(messages: list[dict[str, Any]]) -> tuple[int, str, str] | None:
    def refuse(message: str) -> tuple[int, str, str]:
        return 400, "ValidationException", message

    if not messages or messages[0].get("role") != "user":
        return refuse(
            "A conversation must start with a user message. Try again with a conversation that starts "
            "with a user message."
        )
    for i, message in enumerate(messages):
        if i and message.get("role") == messages[i - 1].get("role"):
            return refuse(
                "A conversation must alternate between user and assistant roles. Make sure the conversation "
                "alternates between user and assistant roles and try again."
            )
        for block in message.get("content") or []:
            extra = set(block) - _CONTENT_KEYS
            if extra or len(block) != 1:
                return refuse(
                    f"Malformed input request: extraneous key [{sorted(extra or block)[0]}] is not permitted"
                )
        if message.get("role") == "assistant":
            calls = {b["toolUse"]["toolUseId"] for b in message["content"] if "toolUse" in b}
            following = messages[i + 1]["content"] if i + 1 < len(messages) else []
            answered = {b["toolResult"]["toolUseId"] for b in following if "toolResult" in b}
            if calls and i + 1 < len(messages) and calls != answered:
                return refuse(
                    f"Expected toolResult blocks at messages.{i + 1}.content for the following Ids: "
                    + ", ".join(sorted(calls - answered) or sorted(answered - calls))
                )
    return None


class Answer:
    """What the fake says for one request, as a Converse response or as event-stream messages."""

    def __init__(self, body: dict[str, Any], opts: dict[str, str]) -> None:
        self.body, self.opts = body, opts
        config = body.get("toolConfig") or {}
        forced = ((config.get("toolChoice") or {}).get("tool") or {}).get("name")
        tools = [t["toolSpec"]["name"] for t in config.get("tools") or [] if "toolSpec" in t]
        self.blocks: list[dict[str, Any]] = []
        if "think" in opts:
            self.blocks.append(
                {"reasoningContent": {"reasoningText": {"text": THINKING, "signature": SIGNATURE}}}
            )
        calls = int(opts.get("tools", 0))
        if "json" in opts and forced:
            self.blocks.append(self._tool_use(0, forced, JSON_REPLY))
        elif calls:
            self.blocks += [
                self._tool_use(i, tools[i % len(tools)] if tools else "get_weather", TOOL_ARGUMENTS[i % 3])
                for i in range(calls)
            ]
        elif "json" in opts:
            self.blocks.append({"text": json.dumps(JSON_REPLY)})
        elif "refusal" not in opts:
            self.blocks.append({"text": " ".join(reply_words(opts))})
        if "refusal" in opts:
            self.stop = "content_filtered"
        elif "max_tokens" in opts:
            self.stop = "max_tokens"
        elif any("toolUse" in block for block in self.blocks):
            self.stop = "tool_use"
        else:
            self.stop = "end_turn"

    @staticmethod
    def _tool_use(i: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        return {"toolUse": {"toolUseId": f"tooluse_FakeToolCall{i:06d}", "name": name, "input": arguments}}

    def usage(self) -> dict[str, Any]:
        # inputTokens leaves out what was read from or written to the cache.
        read, written = int(self.opts.get("cached", 0)), int(self.opts.get("cache_write", 0))
        output = self.output_tokens()
        usage: dict[str, Any] = {"inputTokens": prompt_tokens(self.body), "outputTokens": output}
        usage["totalTokens"] = usage["inputTokens"] + read + written + output
        if read or written:
            usage.update(cacheReadInputTokens=read, cacheWriteInputTokens=written)
        return usage

    def output_tokens(self) -> int:
        count = 0
        for block in self.blocks:
            if "text" in block:
                count += len(block["text"].split())
            elif "toolUse" in block:
                count += 5
            else:
                count += THINKING_TOKENS
        return count or 1

    def converse(self) -> dict[str, Any]:
        return {
            "output": {"message": {"role": "assistant", "content": self.blocks}},
            "stopReason": self.stop,
            "usage": self.usage(),
            "metrics": {"latencyMs": 123},
        }

    def frames(self) -> list[bytes]:
        frames = [event("messageStart", {"role": "assistant"})]
        for index, block in enumerate(self.blocks):
            frames += _block_frames(index, block)
        if "midstream_error" in self.opts:
            return [*frames[:3], MIDSTREAM_ERROR]
        frames.append(event("messageStop", {"stopReason": self.stop}))
        if "drop" in self.opts:
            return frames
        frames.append(event("metadata", {"usage": self.usage(), "metrics": {"latencyMs": 123}}))
        return frames


def _block_frames(index: int, block: dict[str, Any]) -> list[bytes]:
    def delta(payload: dict[str, Any]) -> bytes:
        return event("contentBlockDelta", {"delta": payload, "contentBlockIndex": index})

    frames: list[bytes] = []
    if "text" in block:
        words = block["text"].split(" ")
        frames += [delta({"text": (" " if i else "") + word}) for i, word in enumerate(words)]
    elif "reasoningContent" in block:
        text = block["reasoningContent"]["reasoningText"]
        frames += [
            delta({"reasoningContent": {"text": text["text"][i : i + 9]}})
            for i in range(0, len(text["text"]), 9)
        ]
        frames.append(delta({"reasoningContent": {"signature": text["signature"]}}))
    else:
        tool = block["toolUse"]
        start = {"toolUse": {"toolUseId": tool["toolUseId"], "name": tool["name"]}}
        frames.append(event("contentBlockStart", {"start": start, "contentBlockIndex": index}))
        arguments = json.dumps(tool["input"], ensure_ascii=False)
        frames += [delta({"toolUse": {"input": arguments[i : i + 6]}}) for i in range(0, len(arguments), 6)]
    frames.append(event("contentBlockStop", {"contentBlockIndex": index}))
    return frames
