"""The benchmark's conversation, written once per ingress format: a travel assistant's 20 chat
messages (system, 7 tool calls and their results, a base64 screenshot) and 3 tools, the shape a
coding agent's long turn has. `bench/translation.py` translates it for every ingress x provider pair.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

SYSTEM = (
    "You are a meticulous travel assistant. Use the tools to check weather, flights and currency "
    "before answering; never invent prices. Answer in short paragraphs and cite the tool results."
)
IMAGE = base64.b64encode(bytes(range(256)) * 96).decode()  # ~32 KB of base64: a small screenshot
IMAGE_URL = f"data:image/png;base64,{IMAGE}"
TOOLS: list[dict[str, Any]] = [
    {
        "name": "get_weather",
        "description": "Current weather and a 3-day forecast for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. 'Paris'"},
                "units": {"type": "string", "enum": ["metric", "imperial"], "default": "metric"},
            },
            "required": ["city"],
            "additionalProperties": False,
        },
    },
    {
        "name": "search_flights",
        "description": "Search one-way flights between two airports on a date.",
        "parameters": {
            "type": "object",
            "properties": {
                "origin": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "destination": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "date": {"type": "string", "format": "date"},
                "cabin": {"type": "string", "enum": ["economy", "premium", "business", "first"]},
                "max_stops": {"type": "integer", "minimum": 0, "maximum": 3},
            },
            "required": ["origin", "destination", "date"],
            "additionalProperties": False,
        },
    },
    {
        "name": "convert_currency",
        "description": "Convert an amount between two ISO 4217 currencies at today's rate.",
        "parameters": {
            "type": "object",
            "properties": {
                "amount": {"type": "number", "exclusiveMinimum": 0},
                "from": {"type": "string", "minLength": 3, "maxLength": 3},
                "to": {"type": "string", "minLength": 3, "maxLength": 3},
            },
            "required": ["amount", "from", "to"],
            "additionalProperties": False,
        },
    },
]


@dataclass(frozen=True)
class Call:
    id: str
    name: str
    arguments: dict[str, Any]
    result: str


def _call(i: int, name: str, arguments: dict[str, Any], result: dict[str, Any]) -> Call:
    return Call(f"call_{i:02d}bench", name, arguments, json.dumps(result, ensure_ascii=False))


A = _call(1, "get_weather", {"city": "Paris"}, {"temp_c": 18, "sky": "cloudy", "forecast": [17, 21, 19]})
B = _call(
    2,
    "search_flights",
    {"origin": "ZRH", "destination": "CDG", "date": "2026-05-14", "cabin": "economy"},
    {"flights": [{"no": "LX638", "dep": "07:05", "price": 189, "cur": "CHF"}] * 4},
)
C = _call(3, "get_weather", {"city": "Zürich"}, {"temp_c": 12, "sky": "rain", "forecast": [11, 13, 15]})
D = _call(
    4, "convert_currency", {"amount": 189, "from": "CHF", "to": "EUR"}, {"amount": 197.4, "rate": 1.044}
)
G = _call(
    7, "convert_currency", {"amount": 189, "from": "CHF", "to": "USD"}, {"amount": 236.1, "rate": 1.249}
)
E = _call(5, "search_flights", {"origin": "CDG", "destination": "ZRH", "date": "2026-05-18"}, {"flights": []})
F = _call(6, "get_weather", {"city": "東京"}, {"temp_c": 24, "sky": "clear", "forecast": [25, 26, 24]})

# The turns every format expresses: ("user", text, image?), ("assistant", text, [calls]),
# ("results", [calls]). Chat counts them as 20 messages: system + 19 (parallel results are three).
TURNS: list[tuple[str, Any, Any]] = [
    ("user", "Here is my itinerary screenshot. Is the weather in Paris OK for the first day?", True),
    ("assistant", "Let me check the weather in Paris first.", [A]),
    ("results", [A], None),
    ("assistant", "", [B]),
    ("results", [B], None),
    ("assistant", "Paris will be cloudy, 18 °C; LX638 at 07:05 costs CHF 189.", []),
    ("user", "And Zürich? Also what is that fare in euros and dollars?", False),
    ("assistant", "", [C, D, G]),
    ("results", [C, D, G], None),
    ("assistant", "Zürich: rain, 12 °C. CHF 189 is about EUR 197.40 or USD 236.10.", []),
    ("user", "Find me a return flight on the 18th.", False),
    ("assistant", "", [E]),
    ("results", [E], None),
    ("assistant", "No direct flights on the 18th; want me to try the 19th?", []),
    ("user", "No. Last thing: weather in Tokyo, for my next trip.", False),
    ("assistant", "", [F]),
    ("results", [F], None),
]


def chat_request() -> dict[str, Any]:
    messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM}]
    for role, content, extra in TURNS:
        if role == "user":
            parts: list[dict[str, Any]] = [{"type": "text", "text": content}]
            if extra:
                parts.append({"type": "image_url", "image_url": {"url": IMAGE_URL, "detail": "auto"}})
            messages.append({"role": "user", "content": parts if extra else content})
        elif role == "assistant":
            message: dict[str, Any] = {"role": "assistant", "content": content or None}
            if extra:
                message["tool_calls"] = [
                    {
                        "id": c.id,
                        "type": "function",
                        "function": {
                            "name": c.name,
                            "arguments": json.dumps(c.arguments, ensure_ascii=False),
                        },
                    }
                    for c in extra
                ]
            messages.append(message)
        else:
            messages += [{"role": "tool", "tool_call_id": c.id, "content": c.result} for c in content]
    return {
        "model": "bench/model",
        "messages": messages,
        "tools": [{"type": "function", "function": tool} for tool in TOOLS],
        "tool_choice": "auto",
        "parallel_tool_calls": True,
        "max_completion_tokens": 4096,
        "reasoning_effort": "medium",
        "user": "user-1234",
    }


def responses_request() -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for role, content, extra in TURNS:
        if role == "user":
            parts: list[dict[str, Any]] = [{"type": "input_text", "text": content}]
            if extra:
                parts.append({"type": "input_image", "image_url": IMAGE_URL, "detail": "auto"})
            items.append({"type": "message", "role": "user", "content": parts})
        elif role == "assistant":
            if content:
                text = {"type": "output_text", "text": content, "annotations": []}
                items.append({"type": "message", "role": "assistant", "content": [text]})
            items += [
                {
                    "type": "function_call",
                    "call_id": c.id,
                    "name": c.name,
                    "arguments": json.dumps(c.arguments, ensure_ascii=False),
                }
                for c in extra
            ]
        else:
            items += [{"type": "function_call_output", "call_id": c.id, "output": c.result} for c in content]
    return {
        "model": "bench/model",
        "instructions": SYSTEM,
        "input": items,
        "tools": [{"type": "function", **tool} for tool in TOOLS],
        "tool_choice": "auto",
        "parallel_tool_calls": True,
        "max_output_tokens": 4096,
        "reasoning": {"effort": "medium", "summary": "auto"},
        "store": False,
        "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "bench-session",
    }


def messages_request() -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    for role, content, extra in TURNS:
        if role == "user":
            blocks: list[dict[str, Any]] = [{"type": "text", "text": content}]
            if extra:
                source = {"type": "base64", "media_type": "image/png", "data": IMAGE}
                blocks.insert(0, {"type": "image", "source": source})
            messages.append({"role": "user", "content": blocks})
        elif role == "assistant":
            blocks = [{"type": "text", "text": content}] if content else []
            blocks += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments} for c in extra]
            messages.append({"role": "assistant", "content": blocks})
        else:
            results = [{"type": "tool_result", "tool_use_id": c.id, "content": c.result} for c in content]
            messages.append({"role": "user", "content": results})
    return {
        "model": "bench/model",
        "system": [{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
        "messages": messages,
        "tools": [
            {"name": t["name"], "description": t["description"], "input_schema": t["parameters"]}
            for t in TOOLS
        ],
        "tool_choice": {"type": "auto"},
        "max_tokens": 8192,
        "thinking": {"type": "enabled", "budget_tokens": 4096},
        "metadata": {"user_id": "user-1234"},
    }
