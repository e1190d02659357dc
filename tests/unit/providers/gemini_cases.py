"""Shared Gemini test material: requests in the IR, targets, and answers as Gemini writes them."""

from __future__ import annotations

from typing import Any

from hyperinfer.ir.request import Message, Request, Tool
from hyperinfer.providers.target import Target

KEY = "AIzaSyFakeGeminiKey0123456789abcdefghij"
WEATHER = Tool(
    name="get_weather",
    description="Weather in a city",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}, "additionalProperties": False},
)
TIME = Tool(name="get_time", parameters={"type": "object", "properties": {"city": {"type": "string"}}})
FLASH_25 = Target(upstream_model="gemini-2.5-flash", max_output_tokens=65536, stream=False, reasoning=True)
PRO_3 = Target(
    upstream_model="gemini-3-pro-preview",
    max_output_tokens=65536,
    stream=False,
    reasoning=True,
    thinking_levels=("low", "high"),
)


def message(role: str, *blocks: dict[str, Any]) -> Message:
    return Message.model_validate({"role": role, "content": list(blocks)})


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def ask(prompt: str = "Hi", **fields: Any) -> Request:
    return Request(model="google/gemini-3-pro", messages=(message("user", text(prompt)),), **fields)


def answer(
    *parts: dict[str, Any], finish: str = "STOP", usage: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A GenerateContentResponse as the Gemini API writes it."""
    return {
        "candidates": [
            {"content": {"role": "model", "parts": list(parts)}, "finishReason": finish, "index": 0}
        ],
        "usageMetadata": usage or {"promptTokenCount": 10, "candidatesTokenCount": 4, "totalTokenCount": 14},
        "modelVersion": "gemini-3-pro-preview",
        "responseId": "resp-1",
    }
