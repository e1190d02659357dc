"""One conversation, spoken by each official SDK: build it in the client's format, send it through
the gateway (plain or streamed, with the SDK's own stream helpers) and read back what the client saw."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import anthropic
import openai

from tests.integration.conftest import DEV_KEY, Gateway

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 24).decode()
WEATHER_SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
ANSWER_SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}, "confidence": {"type": "number"}},
}


@dataclass(frozen=True)
class Conversation:
    """What the user says (a fake directive may ride along), and what surrounds it."""

    say: str = "Hello there"
    system: str | None = None
    history: bool = False  # an earlier exchange: a question, a tool call and its result
    tools: bool = False
    image: bool = False
    reasoning: bool = False
    json_schema: bool = False


@dataclass
class Seen:
    """What the client got, in neutral terms."""

    text: str = ""
    reasoning: str = ""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    stop: str = ""
    prompt_tokens: int = 0  # cached included
    cached_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int | None = None
    cost: float | None = None


# ---- OpenAI Chat Completions -------------------------------------------------------------------


def chat_request(conv: Conversation) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    if conv.system:
        messages.append({"role": "system", "content": conv.system})
    if conv.history:
        messages += [
            {"role": "user", "content": "First question: weather in Paris?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "12°C and sunny"},
            {"role": "assistant", "content": "It is 12°C in Paris."},
        ]
    content: list[dict[str, Any]] = [{"type": "text", "text": conv.say}]
    if conv.image:
        content.append({"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}})
    messages.append({"role": "user", "content": content})
    request: dict[str, Any] = {"messages": messages}
    if conv.tools or conv.history:
        request["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Weather now",
                    "parameters": WEATHER_SCHEMA,
                },
            }
        ]
    if conv.reasoning:
        request["reasoning_effort"] = "high"
    if conv.json_schema:
        request["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": ANSWER_SCHEMA},
        }
    return request


def run_chat(gateway: Gateway, model: str, conv: Conversation, *, stream: bool) -> Seen:
    client = openai.OpenAI(base_url=gateway.openai_base, api_key=DEV_KEY, max_retries=0, timeout=20)
    request = chat_request(conv)
    seen = Seen()
    if not stream:
        done = client.chat.completions.create(model=model, **request)
        message = done.choices[0].message
        seen.text = message.content or ""
        seen.reasoning = (message.model_extra or {}).get("reasoning") or ""
        seen.tool_calls = [
            (c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls or []
        ]
        seen.stop = done.choices[0].finish_reason
        usage = done.usage
    else:
        calls: dict[int, dict[str, str]] = {}
        usage = None
        for chunk in client.chat.completions.create(model=model, stream=True, **request):
            usage = chunk.usage or usage
            for choice in chunk.choices:
                delta = choice.delta
                seen.text += delta.content or ""
                seen.reasoning += (delta.model_extra or {}).get("reasoning") or ""
                for call in delta.tool_calls or []:
                    entry = calls.setdefault(call.index, {"name": "", "arguments": ""})
                    entry["name"] += (call.function.name or "") if call.function else ""
                    entry["arguments"] += (call.function.arguments or "") if call.function else ""
                seen.stop = choice.finish_reason or seen.stop
        seen.tool_calls = [(c["name"], json.loads(c["arguments"])) for _, c in sorted(calls.items())]
    assert usage is not None
    seen.prompt_tokens, seen.completion_tokens = usage.prompt_tokens, usage.completion_tokens
    seen.cached_tokens = usage.prompt_tokens_details.cached_tokens or 0 if usage.prompt_tokens_details else 0
    details = usage.completion_tokens_details
    seen.reasoning_tokens = details.reasoning_tokens if details else None
    seen.cost = (usage.model_extra or {}).get("cost")
    return seen


# ---- OpenAI Responses --------------------------------------------------------------------------


def responses_request(conv: Conversation) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    if conv.history:
        items += [
            {"role": "user", "content": "First question: weather in Paris?"},
            {
                "type": "function_call",
                "call_id": "call_1",
                "name": "get_weather",
                "arguments": '{"city": "Paris"}',
            },
            {"type": "function_call_output", "call_id": "call_1", "output": "12°C and sunny"},
            {"role": "assistant", "content": "It is 12°C in Paris."},
        ]
    content: list[dict[str, Any]] = [{"type": "input_text", "text": conv.say}]
    if conv.image:
        content.append({"type": "input_image", "image_url": f"data:image/png;base64,{PNG}"})
    items.append({"role": "user", "content": content})
    request: dict[str, Any] = {"input": items}
    if conv.system:
        request["instructions"] = conv.system
    if conv.tools or conv.history:
        request["tools"] = [
            {
                "type": "function",
                "name": "get_weather",
                "description": "Weather now",
                "parameters": WEATHER_SCHEMA,
            }
        ]
    if conv.reasoning:
        request["reasoning"] = {"effort": "high", "summary": "auto"}
    if conv.json_schema:
        request["text"] = {"format": {"type": "json_schema", "name": "answer", "schema": ANSWER_SCHEMA}}
    return request


def run_responses(gateway: Gateway, model: str, conv: Conversation, *, stream: bool) -> Seen:
    client = openai.OpenAI(base_url=gateway.openai_base, api_key=DEV_KEY, max_retries=0, timeout=20)
    request = responses_request(conv)
    if stream:
        with client.responses.stream(model=model, **request) as events:
            for _ in events:
                pass
            done = events.get_final_response()
    else:
        done = client.responses.create(model=model, **request)
    seen = Seen(text=done.output_text, stop=done.status or "")
    for item in done.output:
        if item.type == "function_call":
            seen.tool_calls.append((item.name, json.loads(item.arguments)))
        elif item.type == "reasoning":
            seen.reasoning += "".join(part.text for part in item.summary)
    if seen.tool_calls and seen.stop == "completed":
        seen.stop = "tool_calls"
    usage = done.usage
    assert usage is not None
    seen.prompt_tokens, seen.completion_tokens = usage.input_tokens, usage.output_tokens
    seen.cached_tokens = usage.input_tokens_details.cached_tokens
    seen.reasoning_tokens = usage.output_tokens_details.reasoning_tokens
    seen.cost = (usage.model_extra or {}).get("cost")
    return seen


# ---- Anthropic Messages ------------------------------------------------------------------------


def messages_request(conv: Conversation) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    if conv.history:
        messages += [
            {"role": "user", "content": "First question: weather in Paris?"},
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}}
                ],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "call_1", "content": "12°C and sunny"}],
            },
            {"role": "assistant", "content": "It is 12°C in Paris."},
        ]
    content: list[dict[str, Any]] = [{"type": "text", "text": conv.say}]
    if conv.image:
        content.append(
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}
        )
    messages.append({"role": "user", "content": content})
    request: dict[str, Any] = {"messages": messages, "max_tokens": 4096}
    if conv.system:
        request["system"] = conv.system
    if conv.tools or conv.history:
        request["tools"] = [
            {"name": "get_weather", "description": "Weather now", "input_schema": WEATHER_SCHEMA}
        ]
    if conv.reasoning:
        request["thinking"] = {"type": "enabled", "budget_tokens": 2048}
    if conv.json_schema:
        request["extra_body"] = {
            "output_config": {"format": {"type": "json_schema", "schema": ANSWER_SCHEMA}}
        }
    return request


def run_messages(gateway: Gateway, model: str, conv: Conversation, *, stream: bool) -> Seen:
    client = anthropic.Anthropic(base_url=f"{gateway.url}/api", api_key=DEV_KEY, max_retries=0, timeout=20)
    request = messages_request(conv)
    cost = None
    if stream:
        with client.messages.stream(model=model, **request) as events:
            for event in events:  # the SDK's final message keeps only the usage fields it knows
                if event.type == "message_delta":
                    cost = (event.usage.model_extra or {}).get("cost")
            done = events.get_final_message()
    else:
        done = client.messages.create(model=model, **request)
        cost = (done.usage.model_extra or {}).get("cost")
    seen = Seen(stop=done.stop_reason or "", cost=cost)
    for block in done.content:
        if block.type == "text":
            seen.text += block.text
        elif block.type == "thinking":
            seen.reasoning += block.thinking
        elif block.type == "tool_use":
            seen.tool_calls.append((block.name, dict(block.input)))
    usage = done.usage
    seen.cached_tokens = usage.cache_read_input_tokens or 0
    seen.prompt_tokens = usage.input_tokens + seen.cached_tokens + (usage.cache_creation_input_tokens or 0)
    seen.completion_tokens = usage.output_tokens
    return seen


RUNNERS = {"chat_completions": run_chat, "responses": run_responses, "anthropic_messages": run_messages}
